"""Listeners for reminders on Slack: presses on reminder posts and lists, the interview form
(opening it and its submission), and profile changes that may change a user's timezone."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.forms import (
    FORM_STEP,
    FORM_VALUE,
    NOTHING_GIVEN,
    TEXT_BLOCK,
    error_line,
    interview_modal,
    submitted,
)
from adapters.slack.receiving import Inbound, Origin, Place, press_team
from adapters.slack.reminders import SlackPlaces
from adapters.slack.rendering import ITEM_BLOCK, Block, Message, context, escape, message, notice
from adapters.slack.sending import (
    SLACK_FAILURES,
    TIMEOUT,
    DmOutlet,
    Outlet,
    SlackTimeout,
    bounded,
    platform_error,
)
from bot.common.buttons import INTERVIEW_STEP, REMINDER_STEPS, parse_button
from bot.common.errors import PlatformError
from bot.common.events import Text
from bot.common.logs import failure
from bot.common.replies import Kind, Reply
from bot.common.users import UserKey
from bot.engine.engine import Engine
from bot.questionnaire.state import OUTCOMES

log = logging.getLogger(__name__)

FAILED: Final = "Something went wrong on my side and nothing was changed. Please try again."
FORM_FAILED: Final = "I couldn't open the form just now. Please press the button again."
# What a settled post or list line says instead of its buttons.
DONE: Final = {
    ("occ", "snooze1h"): "Snoozed 1 hour",
    ("occ", "snooze1d"): "Snoozed 1 day",
    ("occ", "cancel"): "Cancelled",
    ("rem", "stop"): "Stopped",
    ("rem", "undo"): "Undone",
    **{("out", value): label for value, label in OUTCOMES.items()},
}

PublishHome = Callable[[UserKey, AsyncWebClient], Awaitable[None]]
EphemeralOutlet = Callable[[str | None], Outlet]


def accepted(replies: Sequence[Reply]) -> bool:
    """Whether the core did what the press asked (not refused, not an error)."""
    return bool(replies) and not replies[0].refused and replies[0].kind is not Kind.ERROR


def settled_blocks(blocks: Sequence[Block], block_id: str, done: str) -> list[Block]:
    """The pressed message with what was chosen in place of its buttons: only the pressed
    line's buttons in a list, every button of a single post."""
    mark = context(escape(f"✓ {done}"))
    if block_id.startswith(ITEM_BLOCK):
        return [mark if b.get("block_id") == block_id else b for b in blocks]
    kept = [b for b in blocks if b.get("type") != "actions"]
    return [*kept, mark]


def _settled_label(pressed: str) -> str:
    parsed = parse_button(pressed)
    if parsed is None:
        return "Done"
    return DONE.get((parsed[1], parsed[2]), "Done")


class ReminderListeners:
    """Reminder presses, the interview form and profile changes; the app's Listeners hand
    these over."""

    def __init__(
        self,
        engine: Engine,
        *,
        ephemeral: EphemeralOutlet,
        publish_home: PublishHome,
        places: SlackPlaces | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self._engine = engine
        self._ephemeral = ephemeral
        self._publish_home = publish_home
        self._places = places
        # The longest any one call to Slack may take.
        self._timeout = timeout

    def _dm(self, client: AsyncWebClient, channel: str) -> DmOutlet:
        return DmOutlet(client, channel, timeout=self._timeout)

    def handles(self, pressed: str, origin: Origin) -> bool:
        """Whether a press is ours: a reminder button, the form button, or "Set interview
        reminders" under an ephemeral verdict (a form there: typing in a channel is public)."""
        parsed = parse_button(pressed)
        if parsed is None:
            return False
        _scope, step, value = parsed
        if step in REMINDER_STEPS or (step, value) == (FORM_STEP, FORM_VALUE):
            return True
        return (step, value) == (INTERVIEW_STEP, "set") and origin.place is Place.EPHEMERAL

    async def on_press(
        self,
        inbound: Inbound,
        body: dict[str, Any],
        action: dict[str, Any],
        origin: Origin,
        client: AsyncWebClient,
    ) -> None:
        """A press `handles` said is ours."""
        pressed = str(action.get("value") or "")
        parsed = parse_button(pressed)
        if parsed is None:
            return
        scope, step, _value = parsed
        if step in (FORM_STEP, INTERVIEW_STEP):
            await self._open_form(scope, body, self._answer_outlet(origin, inbound, client), client)
            return
        await self._reminder_press(inbound, body, action, origin, client)

    # --- presses on reminder posts and lists -----------------------------------------------

    def _answer_outlet(self, origin: Origin, inbound: Inbound, client: AsyncWebClient) -> Outlet:
        """Where the presser alone sees the answer."""
        if origin.place is Place.HOME:
            return self._dm(client, inbound.key.user)
        if origin.place is Place.DM and origin.channel:
            return self._dm(client, origin.channel)
        return self._ephemeral(origin.response_url)

    async def _reminder_press(
        self,
        inbound: Inbound,
        body: dict[str, Any],
        action: dict[str, Any],
        origin: Origin,
        client: AsyncWebClient,
    ) -> None:
        outlet = self._answer_outlet(origin, inbound, client)
        try:
            replies = await self._engine.handle(
                inbound.key, inbound.event, delivery_id=inbound.delivery_id
            )
        except Exception as exc:
            log.error("slack reminder press failed: %s", type(exc).__name__)
            log.debug("slack reminder press failed: %s", failure(exc))
            await _show(outlet, notice(FAILED))
            return
        if not replies:
            return  # a re-delivery we already answered
        done = accepted(replies)
        container = body.get("container") or {}
        posted = body.get("message")
        block_id = str(action.get("block_id") or "")
        if origin.place is Place.HOME:
            await _show(outlet, message(replies))
            # Refused or not, the tab shows what is true now.
            await self._publish_home(inbound.key, client)
            return
        if isinstance(posted, dict) and not container.get("is_ephemeral") and origin.channel:
            # A post of ours in a DM or a channel: mark it, and answer the presser alone.
            if done and origin.message_ts:
                blocks = settled_blocks(
                    posted.get("blocks") or [],
                    block_id,
                    _settled_label(str(action.get("value"))),
                )
                await _update(
                    client, origin.channel, origin.message_ts, posted, blocks, self._timeout
                )
            await _show(outlet, message(replies))
            return
        # An ephemeral message (a confirmation, a `reminders` list): replace it with the
        # answer, and a list with the list as it is now.
        if not done:
            await _show(outlet, message(replies))
            return
        shown = list(replies)
        reminders = self._engine.reminders
        if block_id.startswith(ITEM_BLOCK) and reminders is not None:
            try:
                shown.append(await reminders.upcoming_reply(inbound.key))
            except Exception as exc:
                log.warning("could not list reminders again: %s", type(exc).__name__)
        await _show(outlet, message(shown), replace=True)

    # --- the interview form ----------------------------------------------------------------

    async def _open_form(
        self, conversation_id: str, body: dict[str, Any], outlet: Outlet, client: AsyncWebClient
    ) -> None:
        trigger = body.get("trigger_id")
        try:
            if not trigger:
                raise PlatformError("views.open failed: no trigger_id in the payload")
            opening = client.views_open(
                trigger_id=str(trigger), view=interview_modal(conversation_id)
            )
            await bounded(opening, self._timeout)
        except SLACK_FAILURES as exc:
            log.warning("slack: %s", platform_error(exc, "views.open"))
            await _show(outlet, notice(FORM_FAILED))
        except PlatformError as exc:
            log.warning("slack: %s", exc)
            await _show(outlet, notice(FORM_FAILED))

    async def on_view_submission(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """The form sent: its time goes to the questionnaire it was opened for. A time the
        core refuses keeps the form open with the reason under the input; else the
        confirmation arrives in the user's DM with the app."""
        view = body.get("view") or {}
        user = str((body.get("user") or {}).get("id") or "")
        team = press_team(body)
        conversation_id = str(view.get("private_metadata") or "")
        if not user or not team or not conversation_id:
            await ack()
            return
        key = UserKey("slack", team, user)
        given = submitted(view)
        if given is None:
            await ack(response_action="errors", errors={TEXT_BLOCK: NOTHING_GIVEN})
            return
        try:
            replies = await self._engine.handle(key, Text(given.value, interview=conversation_id))
        except Exception as exc:
            log.error("slack interview form failed: %s", type(exc).__name__)
            log.debug("slack interview form failed: %s", failure(exc))
            await ack(response_action="errors", errors={given.block_id: error_line(FAILED)})
            return
        if not accepted(replies):
            reason = replies[0].text if replies else FAILED
            await ack(response_action="errors", errors={given.block_id: error_line(reason)})
            return
        await ack()
        await _show(self._dm(client, user), message(replies))

    # --- profile changes --------------------------------------------------------------------

    async def on_user_change(self, event: dict[str, Any]) -> None:
        """A user changed their profile, maybe their timezone: ask Slack again next time."""
        user = event.get("user") or {}
        if self._places is not None and isinstance(user, dict) and user.get("id"):
            self._places.forget_user(str(user["id"]))


async def _show(outlet: Outlet, shown: Message, *, replace: bool = False) -> None:
    attempts = [replace, False] if replace else [False]
    for in_place in attempts:
        try:
            await outlet.send(shown, replace=in_place)
            return
        except PlatformError as exc:
            log.warning("slack: %s", exc)
            if isinstance(exc, SlackTimeout):
                return  # asking again would only keep the user waiting longer


async def _update(
    client: AsyncWebClient,
    channel: str,
    ts: str,
    posted: dict[str, Any],
    blocks: list[Block],
    limit: float,
) -> None:
    try:
        text = str(posted.get("text") or "")
        await bounded(client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks), limit)
    except SLACK_FAILURES as exc:
        log.warning("slack: %s", platform_error(exc, "chat.update"))
