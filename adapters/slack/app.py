"""The bolt app: listeners that hand Slack payloads to the engine and show its replies
(`run.run_slack` checks the token and serves it, over HTTP or Socket Mode).
Reminder presses, the interview form and profile changes are in reminder_listeners.py."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC
from typing import Any, Final

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.forms import INTERVIEW_CALLBACK, with_form_button
from adapters.slack.logs import quiet_logger
from adapters.slack.receiving import (
    Inbound,
    Origin,
    Place,
    from_command,
    from_dm,
    from_press,
    home_user,
    press_origin,
)
from adapters.slack.reminder_listeners import ReminderListeners
from adapters.slack.reminders import SlackPlaces
from adapters.slack.rendering import (
    ACTION_ID_PATTERN,
    COPY_STEP,
    Message,
    home_view,
    message,
    notice,
)
from adapters.slack.sending import (
    SLACK_FAILURES,
    TIMEOUT,
    DmOutlet,
    Outlet,
    ResponseUrlOutlet,
    SlackTimeout,
    bounded,
    make_client,
    platform_error,
    retry_handlers,
)
from bot.common.buttons import INTERVIEW_STEP, USER_SCOPE, button_id, parse_button
from bot.common.errors import PlatformError
from bot.common.events import Press
from bot.common.logs import failure
from bot.common.replies import Button, ButtonRole, Kind, Reply
from bot.common.users import UserKey
from bot.config.settings import Settings
from bot.engine.engine import Engine
from bot.questionnaire.views import history_reply

log = logging.getLogger(__name__)

FAILED: Final = "Something went wrong on my side and nothing was changed. Please try again."
NOT_SHOWN: Final = (
    "I couldn't show my last reply, but your answer is saved. "
    "Run {command} to pick up where you left off."
)
COPIED: Final = "I've sent a copy to your messages with Take or Pass, where it will stay."
COPY_FAILED: Final = "I couldn't send the copy to your messages. Please try again."
AUTH_FAILED: Final = "Take or Pass can't reach Slack right now. Please try again in a minute."


def _not_token_skipped(record: logging.LogRecord) -> bool:
    # bolt reads SLACK_BOT_TOKEN from the environment by itself and then warns that our client
    # wins over it; the client holds that very token, so the warning only confuses.
    return not record.getMessage().startswith("As you gave `client` as well")


def _bolt_logger() -> logging.Logger:
    # bolt logs whole request bodies, at INFO when a signature is wrong and at WARNING for a
    # request no listener takes.
    bolt = quiet_logger("adapters.slack.bolt")
    if _not_token_skipped not in bolt.filters:
        bolt.addFilter(_not_token_skipped)
    return bolt


def replaces_pressed(pressed: str, replies: Sequence[Reply]) -> bool:
    """Whether the answer to a press takes the place of the pressed message.

    The next question, the verdict, or a prompt's outcome supersede the message. A stale or
    unknown press leaves it alone and adds a note below, and "start another" or "set interview
    reminders" under a verdict open a new message, so the verdict and its decline note stay
    readable."""
    parsed = parse_button(pressed)
    if parsed is None or not replies or replies[0].refused:
        return False
    step_id = parsed[1]
    if step_id in ("start", "history", INTERVIEW_STEP):
        # "Set interview reminders" asks when: the verdict stays above the question.
        return False
    first = replies[0]
    return (
        step_id in ("resume", "forget")
        or first.kind in (Kind.QUESTION, Kind.VERDICT)
        or bool(first.buttons)
    )


class Listeners:
    """The app's listeners; each acknowledges first, then asks the engine, then answers."""

    def __init__(
        self,
        engine: Engine,
        *,
        command: str,
        http: aiohttp.ClientSession | None = None,
        places: SlackPlaces | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self._engine = engine
        self._command = command
        self._handlers = retry_handlers()
        self._http = http
        self._webhook_log = quiet_logger("adapters.slack.response_url")
        # The longest any one reply may take to reach Slack (response_url or Web API).
        self._timeout = timeout
        self.reminders = ReminderListeners(
            engine,
            ephemeral=self._ephemeral,
            publish_home=self.publish_home,
            places=places,
            timeout=timeout,
        )

    async def on_command(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """`/takeorpass …`: answered ephemerally through the command's response_url."""
        await ack()
        inbound = from_command(body)
        if inbound is None:
            return
        outlet = self._ephemeral(body.get("response_url"))
        await self._converse(
            inbound,
            outlet,
            replace=lambda _: False,
            keep_copy=True,
            elsewhere=self._dm(client, inbound.key.user),
        )

    async def on_press(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """A press on one of our buttons, wherever it sits."""
        await ack()
        inbound = from_press(body, action)
        if inbound is None:
            return
        pressed = str(action.get("value") or "")
        origin = press_origin(body)
        if self.reminders.handles(pressed, origin):
            await self.reminders.on_press(inbound, body, action, origin, client)
            return
        outlet = self._press_outlet(origin, inbound, client)
        parsed = parse_button(pressed)
        if parsed is not None and parsed[1] == COPY_STEP:
            await self._keep_copy(inbound, parsed[0], outlet, client)
            return
        ephemeral = origin.place not in (Place.DM, Place.HOME)
        await self._converse(
            inbound,
            outlet,
            replace=lambda r: replaces_pressed(pressed, r),
            keep_copy=ephemeral,
            elsewhere=self._dm(client, inbound.key.user) if ephemeral else None,
        )

    async def on_message(
        self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Typed text in the bot's DM (events are acknowledged by bolt before this runs)."""
        found = from_dm(body, event)
        if found is None:
            return
        inbound, channel = found
        await self._converse(inbound, self._dm(client, channel), replace=lambda _: False)

    async def on_home_opened(
        self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """The App Home tab, published for this user."""
        key = home_user(body, event)
        if key is not None:
            await self.publish_home(key, client)

    async def publish_home(self, key: UserKey, client: AsyncWebClient) -> None:
        """The Home tab: a start button, upcoming reminders with their buttons and the
        job-hunt channel (when reminders run on Slack), and past verdicts."""
        reminders = self._engine.reminders
        upcoming = job_hunt = None
        try:
            entries = await self._engine.history(key)
            tz = await self._engine.store.timezone(key) or UTC
            if reminders is not None and reminders.serves(key.platform):
                upcoming = await reminders.upcoming_reply(key)
                job_hunt = await reminders.job_hunt_channel(key.platform, key.workspace)
        except Exception as exc:
            log.error("could not load App Home: %s", type(exc).__name__)
            log.debug("could not load App Home: %s", failure(exc))
            return
        start = Button(button_id(USER_SCOPE, "start", "new"), "", ButtonRole.ACTION)
        view = home_view(
            history_reply(entries, tz=tz),
            start=start,
            command=self._command,
            reminders=upcoming,
            job_hunt=job_hunt,
        )
        try:
            await bounded(client.views_publish(user_id=key.user, view=view), self._timeout)
        except SLACK_FAILURES as exc:
            log.warning("%s", platform_error(exc, "views.publish"))

    # ---------------------------------------------------------------------------------------

    def _press_outlet(self, origin: Origin, inbound: Inbound, client: AsyncWebClient) -> Outlet:
        if origin.place is Place.HOME:
            # The Home tab can't hold a conversation: it continues in the user's DM.
            return self._dm(client, inbound.key.user)
        if origin.place is Place.DM and origin.channel:
            return DmOutlet(
                client, origin.channel, message_ts=origin.message_ts, timeout=self._timeout
            )
        return self._ephemeral(origin.response_url)

    def _dm(self, client: AsyncWebClient, channel: str) -> DmOutlet:
        return DmOutlet(client, channel, timeout=self._timeout)

    def _ephemeral(self, response_url: str | None) -> Outlet:
        return ResponseUrlOutlet(
            response_url,
            handlers=self._handlers,
            session=self._http,
            logger=self._webhook_log,
            timeout=self._timeout,
        )

    async def _keep_copy(
        self, inbound: Inbound, conversation_id: str, outlet: Outlet, client: AsyncWebClient
    ) -> None:
        """ "Keep a copy": the verdict again, posted in the user's DM with the app, where it
        stays; the ephemeral verdict is left as it is, with a line saying where the copy went."""
        show = Press(button_id(conversation_id, "verdict", "show"))
        try:
            replies = await self._engine.handle(inbound.key, show)
        except Exception as exc:
            log.error("slack copy failed: %s", type(exc).__name__)
            log.debug("slack copy failed: %s", failure(exc))
            await self._send(outlet, notice(FAILED), replace=False, fallback=None)
            return
        if not replies or replies[0].refused:
            await self._send(outlet, message(replies), replace=False, fallback=None)
            return
        try:
            await self._dm(client, inbound.key.user).send(message(replies))
        except PlatformError as exc:
            log.warning("slack: %s", exc)
            await self._send(outlet, notice(COPY_FAILED), replace=False, fallback=None)
            return
        await self._send(outlet, notice(COPIED), replace=False, fallback=None)

    async def _converse(
        self,
        inbound: Inbound,
        outlet: Outlet,
        *,
        replace: Callable[[Sequence[Reply]], bool],
        keep_copy: bool = False,
        elsewhere: Outlet | None = None,
    ) -> None:
        """Hand the event to the engine and show its replies in `outlet`; if nothing can be
        shown there (no answer in time, an expired response_url), say so in `elsewhere`, the
        user's DM."""
        try:
            replies = await self._engine.handle(
                inbound.key, inbound.event, delivery_id=inbound.delivery_id
            )
        except Exception as exc:
            # The engine saves nothing when it fails, so the user can simply try again.
            log.error("slack event failed: %s", type(exc).__name__)
            log.debug("slack event failed: %s", failure(exc))
            await self._send(outlet, notice(FAILED), replace=False, fallback=None)
            return
        if not replies:
            return  # a re-delivery we already answered
        not_shown = notice(NOT_SHOWN.format(command=self._command))
        if not keep_copy:
            # In the DM, the "When is the interview?" prompt also offers the form.
            replies = [with_form_button(reply) for reply in replies]
        shown = message(replies, keep_copy=keep_copy)
        await self._send(
            outlet, shown, replace=replace(replies), fallback=not_shown, elsewhere=elsewhere
        )

    async def _send(
        self,
        outlet: Outlet,
        msg: Message,
        *,
        replace: bool,
        fallback: Message | None,
        elsewhere: Outlet | None = None,
    ) -> None:
        attempts = [(msg, replace)]
        if replace:
            attempts.append((msg, False))  # the pressed message may be gone: show it below
        if fallback is not None:
            attempts.append((fallback, False))  # Slack refused the reply itself: say so
        for attempt, in_place in attempts:
            try:
                await outlet.send(attempt, replace=in_place)
                return
            except PlatformError as exc:
                log.warning("slack: %s", exc)
                if isinstance(exc, SlackTimeout):
                    break  # that place does not answer: asking again only adds to the wait
        if fallback is None or elsewhere is None:
            return
        try:
            await elsewhere.send(fallback)
        except PlatformError as exc:
            log.warning("slack: %s", exc)


def build_app(
    settings: Settings,
    engine: Engine,
    *,
    client: AsyncWebClient | None = None,
    http: aiohttp.ClientSession | None = None,
    places: SlackPlaces | None = None,
    response_timeout: float = TIMEOUT,
) -> AsyncApp:
    """The bolt app both modes run: `/takeorpass`, our buttons, the interview form, DM text,
    App Home and profile changes. `client` defaults to one made from the settings; `http`, the
    session for response_url posts, to a new one per post (the caller owns and closes a
    session it passes); `places`, the reminder service's view of Slack, has its timezone cache
    cleared when a user changes their profile. A reply that takes longer than
    `response_timeout` seconds to reach Slack is given up (in the DM, the user is told)."""
    secret = settings.slack_signing_secret
    app = AsyncApp(
        name="takeorpass",
        client=client or make_client(settings),
        # Socket Mode requests are not signed; bolt checks signatures on HTTP requests only.
        signing_secret=secret.get_secret_value() if secret else "",
        logger=_bolt_logger(),
        user_facing_authorize_error_message=AUTH_FAILED,
    )
    listeners = Listeners(
        engine, command=settings.slack_command, http=http, places=places, timeout=response_timeout
    )
    app.command(settings.slack_command)(listeners.on_command)
    app.action({"type": "block_actions", "action_id": ACTION_ID_PATTERN})(listeners.on_press)
    app.view(INTERVIEW_CALLBACK)(listeners.reminders.on_view_submission)
    app.event("message")(listeners.on_message)
    app.event("app_home_opened")(listeners.on_home_opened)
    app.event("user_change")(listeners.reminders.on_user_change)
    return app
