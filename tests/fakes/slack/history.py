"""FakeSlack's conversation history: every post chat.postMessage carries out is kept, with its
message metadata, and conversations.history answers from it as Slack does (newest first,
`oldest`/`latest`/`limit`/`cursor`, the metadata's payload only with include_all_metadata, the
scope each kind of conversation needs). Also a request lost on the way (`lose_next`): taken,
never carried out, answered too late to matter."""

from __future__ import annotations

import json
from collections.abc import Callable

from aiohttp import web

from ..holding import Holding
from .payloads import APP_ID, Params, dm_channel_id
from .web import ApiCall, _read_body

# The scope conversations.history needs, by the kind of conversation (Slack's method page).
HISTORY_SCOPES = {"C": "channels:history", "G": "groups:history", "D": "im:history"}
MAX_HISTORY_LIMIT = 999  # Slack's documented maximum for `limit`; it may answer fewer


class History(Holding):
    """Posts kept per conversation, and conversations.history; state lives on FakeSlack."""

    # Slack's clock, for the `ts` of new posts; the real one unless a test sets its own (as the
    # bot's clock follows the test's, Slack's must too for times to compare).
    stamp: Callable[[], float] | None = None

    def lose_next(self, method: str, seconds: float) -> None:
        """Take the next call of `method`, but carry nothing out and answer only `seconds` later
        (a request lost on the way: the client gives up on it first)."""
        self._lost[method] = seconds

    def messages_in(self, channel: str) -> list[Params]:
        """The posts kept in a conversation (a user id means their DM), oldest first."""
        if channel.startswith(("U", "W")):
            channel = dm_channel_id(channel)
        return list(self.history.get(channel, []))

    async def _api(self, request: web.Request) -> web.Response:
        lost = self._lost.pop(request.match_info["method"], None)
        if lost is None:
            response: web.Response = await super()._api(request)
            return response
        params: Params = dict(request.query) | await _read_body(request)
        self.calls.append(ApiCall(request.match_info["method"], params, dict(request.headers)))
        await self._notify()
        await self._hold(lost)
        return web.json_response({"ok": False, "error": "request_timeout"})

    def _canned(self, method: str, params: Params) -> Params:
        if method == "conversations.history":
            return self._history(params)
        answer: Params = super()._canned(method, params)
        if method == "chat.postMessage" and answer.get("ok"):
            self._keep(answer, params)
        return answer

    def _keep(self, answer: Params, params: Params) -> None:
        """Keep a post as Slack stores it, with the metadata it was sent with."""
        if self.stamp is not None:
            counter = answer["ts"].split(".")[1]  # unique and increasing: keep it
            answer["ts"] = answer["message"]["ts"] = f"{int(self.stamp())}.{counter}"
        message = dict(answer["message"]) | {"app_id": APP_ID, "team": params.get("team_id")}
        metadata = params.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        if metadata:
            message["metadata"] = metadata
        self.history.setdefault(answer["channel"], []).append(message)

    def _history(self, params: Params) -> Params:
        channel = str(params.get("channel", ""))
        needed = HISTORY_SCOPES.get(channel[:1])
        known = channel in self.history or channel in self.channels or channel.startswith("D")
        if not known or needed is None:
            return {"ok": False, "error": "channel_not_found"}
        known_channel = self.channels.get(channel)
        if known_channel is not None and known_channel["is_private"]:
            needed = HISTORY_SCOPES["G"]
        if needed not in self.scopes:
            return {"ok": False, "error": "missing_scope", "needed": needed}
        if known_channel is not None and not known_channel["is_member"]:
            return {"ok": False, "error": "not_in_channel"}
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or "inf")
        limit = min(int(params.get("limit") or 100), MAX_HISTORY_LIMIT)
        start = int(params.get("cursor") or 0)
        every_field = str(params.get("include_all_metadata", "")).lower() in ("true", "1")
        newest_first = [
            _shown(m, every_field)
            for m in reversed(self.history.get(channel, []))
            if oldest < float(m["ts"]) < latest
        ]
        page = newest_first[start : start + limit]
        more = start + limit < len(newest_first)
        answer: Params = {"ok": True, "messages": page, "has_more": more}
        answer["response_metadata"] = {"next_cursor": str(start + limit) if more else ""}
        return answer


def _shown(message: Params, every_field: bool) -> Params:
    """A kept message as conversations.history shows it: the metadata's payload only when the
    caller asks for all of it."""
    shown = dict(message)
    if "metadata" in shown and not every_field:
        shown["metadata"] = {"event_type": shown["metadata"].get("event_type")}
    return shown
