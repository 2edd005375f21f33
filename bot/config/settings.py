"""Settings from the environment and `.env`, checked once at start-up."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bot.common.durations import compact_duration
from bot.common.errors import SettingsError
from bot.config.endpoints import database_url_problem, mask_url, valid_host
from bot.config.values import TOKEN_PREFIXES, Duration, Durations, GuildIds, ShardIds

SLACK_API_DEFAULT: Final = "https://slack.com/api/"
DISCORD_API_DEFAULT: Final = "https://discord.com/api/v10"
LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR")
# A retried Discord post must reuse its nonce while Discord still remembers it (a few minutes),
# so a crashed instance's claims come back to the others within a minute.
MAX_REMINDER_LEASE: Final = timedelta(seconds=60)
MIN_REMINDER_LEASE: Final = timedelta(seconds=1)  # both named in _lease's message
# Waiting longer than this for the database only hides that it is down.
MAX_DATABASE_TIMEOUT: Final = timedelta(minutes=10)
# A platform that has not answered in this long is down for our purposes; waiting on only keeps
# users and reminders waiting.
MAX_PLATFORM_TIMEOUT: Final = timedelta(minutes=5)
DEFAULT_PLATFORM_TIMEOUT: Final = timedelta(seconds=10)
# A public channel's id starts with C, an older private channel's with G.
SLACK_CHANNEL_ID: Final = re.compile(r"[CG][A-Z0-9]{6,}")


class Settings(BaseSettings):
    """Every setting of SPEC §6; field names are the variable names in lower case."""

    model_config = SettingsConfigDict(extra="ignore", env_ignore_empty=True, frozen=True)

    database_url: str = "sqlite:///takeorpass.db"
    default_timezone: str = "UTC"
    conversation_ttl: Duration = timedelta(hours=24)
    reminder_offsets: Durations = (timedelta(hours=24), timedelta(hours=1))
    reminder_followup: Duration = timedelta(days=1)
    reminder_grace: Duration = timedelta(hours=1)
    reminder_lease: Duration = timedelta(seconds=60)
    database_timeout: Duration = timedelta(seconds=5)
    platform_timeout: Duration = DEFAULT_PLATFORM_TIMEOUT
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = SLACK_API_DEFAULT
    slack_host: str = "0.0.0.0"
    slack_port: int = Field(default=3000, ge=1, le=65535)
    slack_command: str = "/takeorpass"
    slack_job_hunt_channel: str | None = None

    discord_token: SecretStr | None = None
    discord_api_url: str = DISCORD_API_DEFAULT
    discord_gateway_url: str | None = None
    discord_guild_ids: GuildIds = ()
    discord_job_hunt_channel: str | None = None
    discord_shard_count: int | None = Field(default=None, ge=1)
    discord_shard_ids: ShardIds = ()
    discord_rate_limit: int = Field(default=50, ge=1, le=100_000)

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        # Checked here rather than by the Literal, whose message lists quoted enum values.
        if not isinstance(value, str):
            return value
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level; use DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        if problem := database_url_problem(value):
            raise ValueError(problem)
        return value

    @field_validator("database_timeout")
    @classmethod
    def _database_timeout(cls, value: timedelta) -> timedelta:
        if value > MAX_DATABASE_TIMEOUT:
            raise ValueError(
                f"{compact_duration(value)} is too long; at most "
                f"{compact_duration(MAX_DATABASE_TIMEOUT)} (the default is 5s)"
            )
        return value

    @field_validator("platform_timeout")
    @classmethod
    def _platform_timeout(cls, value: timedelta) -> timedelta:
        if value > MAX_PLATFORM_TIMEOUT:
            raise ValueError(
                f"{compact_duration(value)} is too long; at most "
                f"{compact_duration(MAX_PLATFORM_TIMEOUT)} (the default is 10s)"
            )
        return value

    @field_validator("reminder_lease")
    @classmethod
    def _lease(cls, value: timedelta) -> timedelta:
        if not MIN_REMINDER_LEASE <= value <= MAX_REMINDER_LEASE:
            raise ValueError(
                f"{compact_duration(value)} is out of range; between 1s and 60s "
                "(60s is the default)"
            )
        return value

    @field_validator("slack_host")
    @classmethod
    def _host(cls, value: str) -> str:
        if value.startswith("[") and value.endswith("]"):
            raise ValueError(f"{value!r}: write an IPv6 address without brackets, like ::1")
        if not valid_host(value):
            raise ValueError(f"{value!r} is not a host name or IP address, such as 0.0.0.0")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA timezone such as Europe/Berlin") from None
        return value

    @field_validator("slack_api_url", "discord_api_url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} must start with http:// or https://")
        return value

    @field_validator("discord_gateway_url")
    @classmethod
    def _ws(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("ws://", "wss://")):
            raise ValueError(f"{value!r} must start with ws:// or wss://")
        return value

    @field_validator("slack_command")
    @classmethod
    def _command(cls, value: str) -> str:
        if not value.startswith("/") or " " in value:
            raise ValueError(f"{value!r} must be a slash command like /takeorpass")
        return value

    @field_validator("slack_job_hunt_channel")
    @classmethod
    def _slack_channel(cls, value: str | None) -> str | None:
        # Reminders post by id; a name like "general" would only fail later, at the first post.
        if value is not None and not SLACK_CHANNEL_ID.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a channel id; use the id, not the name, such as C0123ABCD "
                "(click the channel's name in Slack: the Channel ID is at the bottom)"
            )
        return value

    @field_validator("discord_job_hunt_channel")
    @classmethod
    def _discord_channel(cls, value: str | None) -> str | None:
        if value is not None and not (value.isascii() and value.isdigit()):
            raise ValueError(
                f"{value!r} is not a channel id; Discord's ids are numbers "
                "(turn on Developer Mode under User Settings → Advanced, then right-click "
                "the channel → Copy Channel ID)"
            )
        return value

    @field_validator("slack_bot_token", "slack_app_token", "slack_signing_secret", "discord_token")
    @classmethod
    def _secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        secret = value.get_secret_value() if value is not None else ""
        found = []
        # A token pasted with a space or a stray character would only fail later, in a header.
        if not all("!" <= ch <= "~" for ch in secret):
            found.append("has spaces or characters a token never has; copy it again")
        prefix, rule = TOKEN_PREFIXES.get(info.field_name or "", ("", ""))
        if value is not None and not secret.startswith(prefix):
            found.append(rule)
        if found:  # both at once, in one line: a token is fixed by pasting it once
            raise ValueError("; ".join(found))
        return value

    def problems(self) -> list[str]:
        """Problems that involve more than one setting."""
        found = []
        if self.slack_bot_token and not (self.slack_app_token or self.slack_signing_secret):
            found.append(
                "SLACK_SIGNING_SECRET: required for HTTP mode; "
                "or set SLACK_APP_TOKEN to use Socket Mode"
            )
        if (self.slack_app_token or self.slack_signing_secret) and not self.slack_bot_token:
            found.append("SLACK_BOT_TOKEN: required when other Slack settings are set (xoxb-…)")
        if self.discord_shard_ids and self.discord_shard_count is None:
            found.append(
                "DISCORD_SHARD_COUNT: required with DISCORD_SHARD_IDS (the total number of shards)"
            )
        count = self.discord_shard_count
        if count is not None and (outside := [i for i in self.discord_shard_ids if i >= count]):
            found.append(
                f"DISCORD_SHARD_IDS: shard {outside[0]} does not exist with "
                f"DISCORD_SHARD_COUNT={count}; ids go from 0 to {count - 1}"
            )
        return found

    @property
    def platforms(self) -> tuple[str, ...]:
        """What `takeorpass` with no command runs."""
        chosen = tuple(
            name
            for name, token in (("slack", self.slack_bot_token), ("discord", self.discord_token))
            if token is not None
        )
        return chosen or ("console",)

    @property
    def discord_shard_share(self) -> float:
        """This instance's part of the bot's Discord traffic: its shards over all of them."""
        count = self.discord_shard_count
        if count is None or not self.discord_shard_ids:
            return 1.0
        return len(set(self.discord_shard_ids)) / count

    @property
    def slack_mode(self) -> str:
        """Socket Mode when an app-level token is set, HTTP otherwise."""
        return "socket" if self.slack_app_token else "http"

    def describe(self) -> list[str]:
        """Every setting as `NAME=value`, secrets masked, for `takeorpass check`."""
        lines = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                shown = _mask(value.get_secret_value())
            elif isinstance(value, timedelta):
                shown = compact_duration(value)
            elif isinstance(value, tuple):
                shown = ",".join(
                    compact_duration(v) if isinstance(v, timedelta) else str(v) for v in value
                )
            elif name == "database_url":
                shown = mask_url(value)
            else:
                shown = "" if value is None else str(value)
            lines.append(f"{name.upper()}={shown}")
        return lines


def _mask(secret: str) -> str:
    return secret[:5] + "…" if len(secret) > 8 else "…"


class _MappingEnvSource(EnvSettingsSource):
    """The environment source, reading a given mapping instead of os.environ."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {k.lower(): v for k, v in self._environ.items() if not self.env_ignore_empty or v}


def load_settings(
    environ: Mapping[str, str] | None = None, *, env_file: str | Path | None = ".env"
) -> Settings:
    """Build settings from `environ` (default os.environ) over `env_file`; SettingsError
    carries one line per problem, each naming its variable: every problem at once."""
    settings, problems = read_settings(environ, env_file=env_file)
    if problems:
        raise SettingsError(problems)
    return settings


def read_settings(
    environ: Mapping[str, str] | None = None, *, env_file: str | Path | None = ".env"
) -> tuple[Settings, list[str]]:
    """The settings and every problem with them, so that one run lists them all: an unreadable
    `.env` does not hide the environment's problems, nor a bad value the problems between
    settings. In the settings returned, a setting with a problem has its default."""
    env = os.environ if environ is None else environ
    problems: list[str] = []
    bound = _bound(env, env_file)
    try:
        built = _attempt(bound)
    except UnicodeDecodeError:
        problems.append(_not_utf8(Path(str(env_file))))
        bound = _bound(env, None)  # the environment is still checked
        built = _attempt(bound)
    except OSError as exc:
        problems.append(f"{env_file}: cannot be read ({exc.strerror})")
        bound = _bound(env, None)
        built = _attempt(bound)
    if isinstance(built, Settings):
        return built, problems + built.problems()
    problems += [_explain(err) for err in built]
    bad = {str(err["loc"][0]) for err in built if err["loc"]}
    # Each bad value stands aside for its default, so that the others are still checked...
    settings = bound(**{name: _default(name) for name in bad})
    # ...and the checks between settings see a malformed token as set, which it is.
    present = bound(**{name: STAND_INS.get(name, _default(name)) for name in bad})
    named = {problem.split(":", 1)[0] for problem in problems}
    problems += [p for p in present.problems() if p.split(":", 1)[0] not in named]
    return settings, problems


def _attempt(bound: type[Settings]) -> Settings | list[Any]:
    """The settings, or pydantic's errors (every bad value, not only the first)."""
    try:
        return bound()
    except ValidationError as exc:
        return list(exc.errors())


# Valid values that stand in for a set but malformed secret, for the checks between settings.
STAND_INS: Final = {
    "slack_bot_token": "xoxb-stand-in",
    "slack_app_token": "xapp-stand-in",
    "slack_signing_secret": "stand-in",
    "discord_token": "stand-in",
}


def _default(name: str) -> Any:
    return Settings.model_fields[name].get_default(call_default_factory=True)


def _bound(env: Mapping[str, str], env_file: str | Path | None) -> type[Settings]:
    """Settings read from `env` over `env_file`; values given to the class win over both."""

    class _Bound(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            sources: list[PydanticBaseSettingsSource] = [
                init_settings,
                _MappingEnvSource(settings_cls, env),
            ]
            if env_file is not None:
                sources.append(DotEnvSettingsSource(settings_cls, env_file=env_file))
            return tuple(sources)

    return _Bound


def _not_utf8(path: Path) -> str:
    try:
        data = path.read_bytes()
        data.decode()
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return f"{path}: line {line} is not UTF-8 text; save the file as UTF-8"
    except OSError:
        pass
    return f"{path}: is not UTF-8 text; save the file as UTF-8"


def _explain(error: Any) -> str:
    name = str(error["loc"][0]).upper() if error["loc"] else "settings"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{name}: {message}"
