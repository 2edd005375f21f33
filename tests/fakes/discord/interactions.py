"""FakeDiscord's answers to interactions: callbacks within the 3 s, follow-ups and edits through
the interaction webhook, and application commands as registered."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from aiohttp import web

from . import guilds as rules
from .payloads import APP_ID, JSON, snowflake
from .rest import RecordedRequest, _error, _form_error, _is_empty, _json, _validate_message
from .uploads import attachment_objects


@dataclass
class _Interaction:
    data: JSON
    dispatched_at: float
    answered: bool = False


class Interactions:
    """Interaction callbacks, webhooks and commands of FakeDiscord (state in ``__init__.py``)."""

    # interactions

    async def _callback(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        interaction = self.interactions.get(m["iid"])
        if interaction is None or interaction.data["token"] != m["token"]:
            return _error(404, 10062, "Unknown interaction")
        if time.monotonic() - interaction.dispatched_at > self.interaction_timeout:
            return _error(404, 10062, "Unknown interaction")
        if interaction.answered:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        body = req.json or {}
        kind = body.get("type")
        data = body.get("data") or {}
        if kind in (4, 7):
            invalid = _validate_message(data)
            if invalid is not None:
                return invalid
        problem = rules.callback_problem(interaction.data["type"], kind, data)
        if problem is not None:
            return _form_error("data", "INTERACTION_CALLBACK_INVALID", problem)
        if kind == rules.MODAL:
            self.modals[m["iid"]] = data
        interaction.answered = True
        idata = interaction.data
        channel_id = idata.get("channel_id") or idata["channel"]["id"]
        source = (idata.get("message") or {}).get("id")
        message: JSON | None = None
        if kind == 4:  # CHANNEL_MESSAGE_WITH_SOURCE
            message = self.new_message(channel_id, data, webhook_id=APP_ID, application_id=APP_ID)
            message["attachments"] = attachment_objects(channel_id, req.files, data)
        elif kind == 5:  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: a "thinking" placeholder
            flags = (data.get("flags") or 0) | 128
            message = self.new_message(
                channel_id, {"flags": flags}, webhook_id=APP_ID, application_id=APP_ID
            )
        elif kind == 7 and source in self.messages:  # UPDATE_MESSAGE edits the button's message
            message = self.messages[source]
            self._apply_edit(message, data)
        if message is not None:
            self.originals[m["token"]] = message["id"]
        elif kind == 6 and source:
            self.originals[m["token"]] = source
        if req.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        summary: JSON = {"id": m["iid"], "type": idata["type"]}
        if message is not None:
            summary.update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(message["flags"] & 64),
            )
        resource: JSON = {"type": kind}
        if message is not None:
            resource["message"] = message
        return _json({"interaction": summary, "resource": resource})

    def _hook_ok(self, m: re.Match[str]) -> bool:
        tokens = {i.data["token"] for i in self.interactions.values()}
        return m["app"] == APP_ID and m["token"] in tokens

    def _interaction_for(self, token: str) -> _Interaction:
        return next(i for i in self.interactions.values() if i.data["token"] == token)

    async def _followup(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        if not self._hook_ok(m):
            return _error(404, 10015, "Unknown Webhook")
        body = req.json or {}
        if _is_empty(body, req.files):
            return _error(400, 50006, "Cannot send an empty message")
        invalid = _validate_message(body)
        if invalid is not None:
            return invalid
        idata = self._interaction_for(m["token"]).data
        channel_id = idata.get("channel_id") or idata["channel"]["id"]
        message = self.new_message(channel_id, body, webhook_id=APP_ID, application_id=APP_ID)
        message["attachments"] = attachment_objects(channel_id, req.files, body)
        if req.query.get("wait") not in ("1", "true", "True"):
            return web.Response(status=204)
        return _json(message)

    def _hook_message(self, m: re.Match[str]) -> JSON | None:
        mid = self.originals.get(m["token"]) if m["mid"] == "@original" else m["mid"]
        return self.messages.get(mid) if mid else None

    async def _get_hook_message(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        message = self._hook_message(m) if self._hook_ok(m) else None
        return _json(message) if message else _error(404, 10008, "Unknown Message")

    async def _edit_hook_message(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        message = self._hook_message(m) if self._hook_ok(m) else None
        if message is None:
            return _error(404, 10008, "Unknown Message")
        response = self._apply_edit(message, req.json or {})
        if response.status == 200:
            message["flags"] &= ~128  # editing the deferred original ends "thinking"
            if req.files:  # the new files join the attachments the edit keeps
                kept = {str(e.get("id")) for e in (req.json or {}).get("attachments") or []}
                message["attachments"] = [
                    a
                    for a in message["attachments"]
                    if isinstance(a, dict) and a.get("url") and a["id"] in kept
                ] + attachment_objects(message["channel_id"], req.files, req.json)
            response = _json(message)
        return response

    async def _delete_hook_message(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        message = self._hook_message(m) if self._hook_ok(m) else None
        if message is None:
            return _error(404, 10008, "Unknown Message")
        del self.messages[message["id"]]
        return web.Response(status=204)

    # application commands

    async def _get_commands(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        if m["app"] != APP_ID:
            return _error(404, 10002, "Unknown Application")
        return _json(self.commands.get(m.groupdict().get("guild"), []))

    async def _put_commands(self, req: RecordedRequest, m: re.Match[str]) -> web.Response:
        if m["app"] != APP_ID:
            return _error(404, 10002, "Unknown Application")
        guild_id = m.groupdict().get("guild")
        known = {(c["name"], c["type"]): c["id"] for c in self.commands.get(guild_id, [])}
        stored: list[JSON] = []
        for i, command in enumerate(req.json or []):
            kind = command.get("type", 1)
            name = command.get("name", "")
            if kind == 1 and (not re.fullmatch(r"[-_\w]{1,32}", name) or name != name.lower()):
                return _form_error(
                    f"{i}.name",
                    "APPLICATION_COMMAND_INVALID_NAME",
                    f"Command name is invalid: {name!r}",
                )
            if kind == 1 and not 1 <= len(command.get("description", "")) <= 100:
                return _form_error(
                    f"{i}.description",
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                )
            stored.append(
                {
                    "id": known.get((name, kind)) or snowflake(),
                    "application_id": APP_ID,
                    "version": snowflake(),
                    "type": kind,
                    "name": name,
                    "description": command.get("description", ""),
                    "options": command.get("options", []),
                    "default_member_permissions": command.get("default_member_permissions"),
                    "dm_permission": command.get("dm_permission", True),
                    "contexts": command.get("contexts"),
                    "integration_types": command.get("integration_types", [0]),
                    "nsfw": command.get("nsfw", False),
                    **({"guild_id": guild_id} if guild_id else {}),
                }
            )
        self.commands[guild_id] = stored
        return _json(stored)

    def command_id(self, name: str, guild_id: str | None = None) -> str:
        """Return the id the fake gave a registered chat-input command."""
        return str(next(c["id"] for c in self.commands.get(guild_id, []) if c["name"] == name))
