"""The forms' listeners: a press that opens the interview-time form or a listed reminder's Edit
form (the modals in forms.py), and each form's submission, handed to the engine. The press
listener in listeners.py opens the forms; app.py wires the submissions. The engine is asked
the one way every listener asks it, `Listeners._ask`, handed in as `ask`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.forms import (
    EDIT_WHEN_BLOCK,
    FORM_FAILED,
    NOTHING_GIVEN,
    TEXT_BLOCK,
    edit_modal,
    edit_submitted,
    error_line,
    interview_modal,
    submitted,
)
from adapters.slack.receiving import press_team
from adapters.slack.rendering import FAILED, accepted, message, notice
from adapters.slack.sending import Outlet, deliver, open_view
from bot.common.errors import PlatformError
from bot.common.events import Event, Text
from bot.common.logs import failure
from bot.common.replies import Reply
from bot.common.users import UserKey
from bot.engine.engine import Engine
from bot.reminders.commands import EditReminder

log = logging.getLogger(__name__)


class Ask(Protocol):
    """How a listener asks the engine: `Listeners._ask` (listeners.py)."""

    async def __call__(
        self,
        key: UserKey,
        event: Event | EditReminder,
        what: str,
        *,
        show_failure: Callable[[], Awaitable[object]],
        delivery_id: str | None = None,
    ) -> list[Reply] | None: ...


class FormListeners:
    """Opening the forms and taking what they send; a refused or failed submission keeps the
    form open with the reason under its input."""

    def __init__(
        self,
        engine: Engine,
        *,
        ask: Ask,
        dm: Callable[[AsyncWebClient, str], Outlet],
        timeout: float,
    ) -> None:
        self._engine = engine
        self._ask = ask
        self._dm = dm
        # The longest opening a form may take (views.open).
        self._timeout = timeout

    async def on_interview_submission(
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
        given = submitted(view)
        if given is None:
            await ack(response_action="errors", errors={TEXT_BLOCK: NOTHING_GIVEN})
            return
        replies = await self._ask(
            UserKey("slack", team, user),
            Text(given.value, interview=conversation_id),
            "interview form",
            show_failure=lambda: ack(
                response_action="errors", errors={given.block_id: error_line(FAILED)}
            ),
        )
        if replies is None:
            return
        if not accepted(replies):
            reason = replies[0].text if replies else FAILED
            await ack(response_action="errors", errors={given.block_id: error_line(reason)})
            return
        await ack()
        await deliver(self._dm(client, user), message(replies))

    async def on_edit_submission(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """A reminder's Edit form sent: applied by the core as a typed `edit` would be. What
        it refuses (a time it can't read) keeps the form open with the reason under the time;
        else the confirmation arrives in the user's DM with the app."""
        user = str((body.get("user") or {}).get("id") or "")
        team = press_team(body)
        edit = edit_submitted(body.get("view") or {})
        if not user or not team or edit is None:
            await ack()
            return
        replies = await self._ask(
            UserKey("slack", team, user),
            edit,
            "edit form",
            show_failure=lambda: ack(
                response_action="errors", errors={EDIT_WHEN_BLOCK: error_line(FAILED)}
            ),
        )
        if replies is None:
            return
        if not accepted(replies):
            reason = replies[0].text if replies else FAILED
            await ack(response_action="errors", errors={EDIT_WHEN_BLOCK: error_line(reason)})
            return
        await ack()
        await deliver(self._dm(client, user), message(replies))

    async def open_edit(
        self,
        key: UserKey,
        occurrence: int,
        body: dict[str, Any],
        outlet: Outlet,
        client: AsyncWebClient,
    ) -> None:
        """Edit on a listed reminder: the form, prefilled; or, only to the presser, why not."""
        reminders = self._engine.reminders
        if reminders is None or not reminders.serves(key.platform):
            await deliver(outlet, notice(FORM_FAILED))
            return
        try:
            form = await reminders.edit_form(key, occurrence)
        except Exception as exc:
            log.error("slack edit form failed: %s", type(exc).__name__)
            log.debug("slack edit form failed: %s", failure(exc))
            await deliver(outlet, notice(FAILED))
            return
        if isinstance(form, Reply):
            await deliver(outlet, message([form]))
            return
        try:
            await open_view(client, body.get("trigger_id"), edit_modal(form), self._timeout)
        except PlatformError as exc:
            log.warning("slack: %s", exc)
            await deliver(outlet, notice(FORM_FAILED))

    async def open_form(
        self, conversation_id: str, body: dict[str, Any], outlet: Outlet, client: AsyncWebClient
    ) -> None:
        """The interview-time form for one questionnaire; or, only to the presser, why not."""
        view = interview_modal(conversation_id)
        try:
            await open_view(client, body.get("trigger_id"), view, self._timeout)
        except PlatformError as exc:
            log.warning("slack: %s", exc)
            await deliver(outlet, notice(FORM_FAILED))
