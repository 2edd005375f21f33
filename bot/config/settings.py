"""Settings from the environment and `.env`, checked once at start-up."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bot.common.durations import compact_duration, parse_duration
from bot.common.errors import SettingsError
from bot.config.endpoints import database_url_problem, mask_url, valid_host


def _duration(value: Any) -> Any:
    return parse_duration(value) if isinstance(value, str) else value


def _durations(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(parse_duration(part) for part in value.split(",") if part.strip())
    return value


def _numbers(what: str, example: str) -> Callable[[Any], Any]:
    """A reader of comma-separated numbers (server or shard ids) from the environment."""

    def read(value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            bad = [p for p in parts if not p.isdigit()]
            if bad:
                raise ValueError(
                    f"{what} ids are numbers separated by commas{example}, not {bad[0]!r}"
                )
            return tuple(int(p) for p in parts)
        return value

    return read


SLACK_API_DEFAULT: Final = "https://slack.com/api/"
DISCORD_API_DEFAULT: Final = "https://discord.com/api/v10"
LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR")
# A retried Discord post must reuse its nonce while Discord still remembers it (a few minutes),
# so a crashed instance's claims come back to the others within a minute.
MAX_REMINDER_LEASE: Final = timedelta(seconds=60)
MIN_REMINDER_LEASE: Final = timedelta(seconds=1)  # both named in _lease's message
# Waiting longer than this for the database only hides that it is down.
MAX_DATABASE_TIMEOUT: Final = timedelta(minutes=10)
# A public channel's id starts with C, an older private channel's with G.
SLACK_CHANNEL_ID: Final = re.compile(r"[CG][A-Z0-9]{6,}")

Duration = Annotated[timedelta, BeforeValidator(_duration)]
Durations = Annotated[tuple[timedelta, ...], NoDecode, BeforeValidator(_durations)]
GuildIds = Annotated[tuple[int, ...], NoDecode, BeforeValidator(_numbers("server", ""))]
ShardIds = Annotated[tuple[int, ...], NoDecode, BeforeValidator(_numbers("shard", " (0,1)"))]


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
    def _secret_text(cls, value: SecretStr | None) -> SecretStr | None:
        # A token pasted with a space or a stray character would only fail later, in a header.
        secret = value.get_secret_value() if value is not None else ""
        if not all("!" <= ch <= "~" for ch in secret):
            raise ValueError("has spaces or characters a token never has; copy it again")
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("a Slack bot token starts with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("a Slack app-level token starts with xapp-")
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
    carries one line per problem, each naming its variable."""
    env = os.environ if environ is None else environ

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

    try:
        settings = _Bound()
    except ValidationError as exc:
        raise SettingsError([_explain(err) for err in exc.errors()]) from None
    except UnicodeDecodeError:
        raise SettingsError([_not_utf8(Path(str(env_file)))]) from None
    except OSError as exc:
        raise SettingsError([f"{env_file}: cannot be read ({exc.strerror})"]) from None
    if problems := settings.problems():
        raise SettingsError(problems)
    return settings


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
