"""FakeSlack's Socket Mode websocket: hello, envelopes pushed to the client, and its acks."""

# Waiting helpers take `timeout=` on purpose: tests read better than with asyncio.timeout blocks.
# ruff: noqa: ASYNC109

from __future__ import annotations

import json
import uuid
from typing import Any

from aiohttp import WSMsgType, web

from .payloads import APP_ID, Params


class SocketMode:
    """The Socket Mode half of FakeSlack; its state lives on FakeSlack (``__init__.py``)."""

    # socket mode

    async def wait_for_socket(self, timeout: float = 5.0) -> None:
        """Wait until a Socket Mode client is connected."""
        await self._until(lambda: bool(self._sockets) or None, timeout, "a Socket Mode connection")

    async def socket_push(
        self,
        envelope_type: str,
        payload: Params,
        *,
        envelope_id: str | None = None,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = 5.0,
    ) -> str:
        """Send an envelope (slash_commands, interactive, events_api) and return its envelope_id."""
        await self.wait_for_socket(timeout)
        envelope_id = envelope_id or str(uuid.uuid4())
        if accepts_response_payload is None:
            # As Slack does: commands and modal submissions may carry a response in the ack.
            answerable = payload.get("type") in ("view_submission", "block_suggestion")
            accepts_response_payload = envelope_type == "slash_commands" or answerable
        envelope: Params = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": envelope_type,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope |= {"retry_attempt": retry_attempt, "retry_reason": retry_reason}
        await self._sockets[-1].send_str(json.dumps(envelope))
        return envelope_id

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Wait for the client's ack of one envelope: {"envelope_id": ..., "payload"?: ...}."""

        def found() -> dict[str, Any] | None:
            return next((a for a in self.acks if a.get("envelope_id") == envelope_id), None)

        return await self._until(found, timeout, f"the ack of envelope {envelope_id}")

    async def socket_send(
        self, envelope_type: str, payload: Params, timeout: float = 5.0, **options: Any
    ) -> dict[str, Any]:
        """Push an envelope and return the client's ack."""
        envelope_id = await self.socket_push(envelope_type, payload, timeout=timeout, **options)
        return await self.wait_for_ack(envelope_id, timeout)

    async def socket_disconnect(self, reason: str = "warning") -> None:
        """Ask connected clients to reconnect, as Slack does before rotating a connection."""
        for ws in list(self._sockets):
            await ws.send_str(json.dumps({"type": "disconnect", "reason": reason}))

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()  # autoping answers the SDK's "sdk-ping-pong" pings
        await ws.prepare(request)
        self.socket_connections += 1
        hello = {
            "type": "hello",
            "num_connections": len(self._sockets) + 1,
            "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
            "connection_info": {"app_id": APP_ID},
        }
        await ws.send_str(json.dumps(hello))
        self._sockets.append(ws)
        await self._notify()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.acks.append(json.loads(msg.data))
                    await self._notify()
        finally:
            self._sockets.remove(ws)
        return ws
