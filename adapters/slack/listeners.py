"""The Slack listeners: each takes one kind of payload, hands it to the engine as a core event
and shows the replies. `/takeorpass`, presses on our buttons (the questionnaire's, reminder
posts' and lists', the form's), DM text, App Home and profile changes; app.py wires them into
the bolt app. Opening the forms and their submissions are in form_listeners.py, which asks the
engine through `Listeners._ask` too."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC
from typing import Any, Final

import aiohttp
from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.form_listeners import FormListeners
from adapters.slack.forms import opens_edit, opens_form, with_form_button
from adapters.slack.logs import quiet_logger
from adapters.slack.receiving import (
    Inbound,
    Origin,
    Place,
    from_command,
    from_dm,
    from_press,
    home_user,
    ignored_message,
    press_origin,
)
from adapters.slack.reminders import SlackPlaces
from adapters.slack.rendering import (
    COPY_STEP,
    FAILED,
    ITEM_BLOCK,
    accepted,
    home_view,
    message,
    notice,
    opens_choices,
    replaces_pressed,
    settled_blocks,
)
from adapters.slack.sending import (
    SLACK_FAILURES,
    TIMEOUT,
    DmOutlet,
    Outlet,
    ResponseUrlOutlet,
    bounded,
    deliver,
    platform_error,
    retry_handlers,
    share_files,
    update_message,
)
from bot.common.buttons import USER_SCOPE, button_id, is_reminder_button
from bot.common.errors import PlatformError
from bot.common.events import Event, Press
from bot.common.logs import failure
from bot.common.replies import Button, ButtonRole, Reply
from bot.common.users import UserKey
from bot.engine.engine import Engine
from bot.questionnaire.views import history_reply
from bot.reminders.commands import EditReminder

log = logging.getLogger(__name__)

NOT_SHOWN: Final = (
    "I couldn't show my last reply, but your answer is saved. "
    "Run {command} to pick up where you left off."
)
COPIED: Final = "I've sent a copy to your messages with Take or Pass, where it will stay."
COPY_FAILED: Final = "I couldn't send the copy to your messages. Please try again."


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
        self._places = places
        self._webhook_log = quiet_logger("adapters.slack.response_url")
        # The longest any one reply may take to reach Slack (response_url or Web API).
        self._timeout = timeout
        # The forms' listeners (form_listeners.py): app.py wires their submissions.
        self.forms = FormListeners(engine, ask=self._ask, dm=self._dm, timeout=timeout)

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
        """A press on one of our buttons, wherever it sits: the Press event is made here, and
        its parsed button decides what follows."""
        await ack()
        inbound = from_press(body, action)
        if inbound is None:
            return
        button = inbound.event.button
        origin = press_origin(body)
        if button is not None and opens_form(button, ephemeral=origin.place is Place.EPHEMERAL):
            outlet = self._press_outlet(origin, inbound.key.user, client, in_place=False)
            await self.forms.open_form(button.scope, body, outlet, client)
            return
        if button is not None and (occurrence := opens_edit(button)) is not None:
            outlet = self._press_outlet(origin, inbound.key.user, client, in_place=False)
            await self.forms.open_edit(inbound.key, occurrence, body, outlet, client)
            return
        if button is not None and is_reminder_button(button):
            await self._reminder_press(inbound, body, action, origin, client)
            return
        outlet = self._press_outlet(origin, inbound.key.user, client)
        if button is not None and button.step == COPY_STEP:
            await self._keep_copy(inbound, button.scope, outlet, client)
            return
        ephemeral = origin.place not in (Place.DM, Place.HOME)
        await self._converse(
            inbound,
            outlet,
            replace=lambda r: replaces_pressed(inbound.event, r),
            keep_copy=ephemeral,
            elsewhere=self._dm(client, inbound.key.user) if ephemeral else None,
        )

    async def on_message(
        self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Typed text in the bot's DM (events are acknowledged by bolt before this runs);
        anything else that arrives as a message event is ignored with one DEBUG line."""
        found = from_dm(body, event)
        if found is None:
            why = ignored_message(event) or "no text or no team"
            log.debug("slack: ignored a message event (%s)", why)
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

    async def on_user_change(self, event: dict[str, Any]) -> None:
        """A user changed their profile, maybe their timezone: ask Slack again next time."""
        user = event.get("user") or {}
        if self._places is not None and isinstance(user, dict) and user.get("id"):
            self._places.forget_user(str(user["id"]))

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

    # --- asking the engine ----------------------------------------------------------------

    async def _ask(
        self,
        key: UserKey,
        event: Event | EditReminder,
        what: str,
        *,
        show_failure: Callable[[], Awaitable[object]],
        delivery_id: str | None = None,
    ) -> list[Reply] | None:
        """The engine's replies to `event`; None when it failed, which is logged (its type, and
        where at DEBUG) and shown to the user by `show_failure`. The engine saves nothing when
        it fails, so the user can simply try again."""
        try:
            return await self._engine.handle(key, event, delivery_id=delivery_id)
        except Exception as exc:
            log.error("slack %s failed: %s", what, type(exc).__name__)
            log.debug("slack %s failed: %s", what, failure(exc))
            await show_failure()
            return None

    async def _converse(
        self,
        inbound: Inbound[Event],
        outlet: Outlet,
        *,
        replace: Callable[[Sequence[Reply]], bool],
        keep_copy: bool = False,
        elsewhere: DmOutlet | None = None,
    ) -> None:
        """Hand the event to the engine and show its replies in `outlet`; if nothing can be
        shown there (no answer in time, an expired response_url), say so in `elsewhere`, the
        user's DM. Files (an export) go to that DM only (`share_files`)."""
        replies = await self._ask(
            inbound.key,
            inbound.event,
            "event",
            show_failure=lambda: deliver(outlet, notice(FAILED)),
            delivery_id=inbound.delivery_id,
        )
        if not replies:
            return  # failed, or a re-delivery we already answered
        if any(reply.files for reply in replies):
            dm = outlet if isinstance(outlet, DmOutlet) else elsewhere
            replies = await share_files(replies, dm, in_dm=dm is outlet)
            if not replies:
                return  # the files and their line arrived in the DM, where the user asked
        not_shown = notice(NOT_SHOWN.format(command=self._command))
        if not keep_copy:
            # In the DM, the "When is the interview?" prompt also offers the form.
            replies = [with_form_button(reply) for reply in replies]
        shown = message(replies, keep_copy=keep_copy)
        await deliver(
            outlet, shown, replace=replace(replies), fallback=not_shown, elsewhere=elsewhere
        )

    async def _keep_copy(
        self, inbound: Inbound[Event], conversation_id: str, outlet: Outlet, client: AsyncWebClient
    ) -> None:
        """ "Keep a copy": the verdict again, posted in the user's DM with the app, where it
        stays; the ephemeral verdict is left as it is, with a line saying where the copy went."""
        show = Press(button_id(conversation_id, "verdict", "show"))
        replies = await self._ask(
            inbound.key, show, "copy", show_failure=lambda: deliver(outlet, notice(FAILED))
        )
        if replies is None:
            return
        if not replies or replies[0].refused:
            await deliver(outlet, message(replies))
            return
        try:
            await self._dm(client, inbound.key.user).send(message(replies))
        except PlatformError as exc:
            log.warning("slack: %s", exc)
            await deliver(outlet, notice(COPY_FAILED))
            return
        await deliver(outlet, notice(COPIED))

    # --- presses on reminder posts and lists ----------------------------------------------

    async def _reminder_press(
        self,
        inbound: Inbound[Press],
        body: dict[str, Any],
        action: dict[str, Any],
        origin: Origin,
        client: AsyncWebClient,
    ) -> None:
        outlet = self._press_outlet(origin, inbound.key.user, client, in_place=False)
        replies = await self._ask(
            inbound.key,
            inbound.event,
            "reminder press",
            show_failure=lambda: deliver(outlet, notice(FAILED)),
            delivery_id=inbound.delivery_id,
        )
        if not replies:
            return  # failed, or a re-delivery we already answered
        done = accepted(replies)
        container = body.get("container") or {}
        posted = body.get("message")
        block_id = str(action.get("block_id") or "")
        if origin.place is Place.HOME:
            await deliver(outlet, message(replies))
            # Refused or not, the tab shows what is true now.
            await self.publish_home(inbound.key, client)
            return
        if isinstance(posted, dict) and not container.get("is_ephemeral") and origin.channel:
            # A post of ours in a DM or a channel: mark it, and answer the presser alone.
            if done and origin.message_ts and not opens_choices(inbound.event):
                blocks = settled_blocks(posted.get("blocks") or [], block_id, inbound.event)
                text = str(posted.get("text") or "")
                await update_message(
                    client, origin.channel, origin.message_ts, text, blocks, self._timeout
                )
            await deliver(outlet, message(replies))
            return
        # An ephemeral message (a confirmation, a `reminders` list): replace it with the
        # answer, and a list with the list as it is now.
        if not done:
            await deliver(outlet, message(replies))
            return
        shown = list(replies)
        reminders = self._engine.reminders
        if block_id.startswith(ITEM_BLOCK) and reminders is not None:
            try:
                shown.append(await reminders.upcoming_reply(inbound.key))
            except Exception as exc:
                log.warning("could not list reminders again: %s", type(exc).__name__)
        await deliver(outlet, message(shown), replace=True)

    # --- where answers go -------------------------------------------------------------------

    def _press_outlet(
        self, origin: Origin, user: str, client: AsyncWebClient, *, in_place: bool = True
    ) -> Outlet:
        """Where the presser alone sees the answer; `in_place`, whether a DM answer may
        replace the pressed message."""
        if origin.place is Place.HOME:
            # The Home tab can't hold a conversation: it continues in the user's DM.
            return self._dm(client, user)
        if origin.place is Place.DM and origin.channel:
            message_ts = origin.message_ts if in_place else None
            return DmOutlet(client, origin.channel, message_ts=message_ts, timeout=self._timeout)
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
