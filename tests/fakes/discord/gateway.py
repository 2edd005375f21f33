"""FakeDiscord's gateway: HELLO, IDENTIFY, READY and GUILD_CREATE, RESUME, dispatches routed to
the session of a server's shard (shards.py), and what the client's intents let through."""

# Waiting helpers take timeout= on purpose: tests read better than nested asyncio.timeout().
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any

from aiohttp import WSMsgType, web

from .contexts import envelope_problem, is_bot_dm
from .interactions import _Interaction
from .payloads import APP_ID, BOT_ID, JSON, _partial_user
from .shards import INVALID_SHARD, GatewaySession, guild_of_event, parse_shard, shard_of

# Gateway intent bits the fake honours when deciding what to deliver.
GUILDS, GUILD_MEMBERS, GUILD_MESSAGES = 1 << 0, 1 << 1, 1 << 9
DIRECT_MESSAGES, MESSAGE_CONTENT = 1 << 12, 1 << 15


class Gateway:
    """The gateway half of FakeDiscord; its state lives on FakeDiscord (``__init__.py``)."""

    # gateway: one session per identified shard (shards.py)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            await self._send(
                ws,
                {
                    "op": 10,
                    "d": {
                        "heartbeat_interval": self.heartbeat_interval_ms,
                        "_trace": ['["fake-gateway"]'],
                    },
                },
            )
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame: JSON = json.loads(msg.data)
                self.gateway_received.append(frame)
                await self._on_frame(ws, frame)
        finally:
            self._sockets.discard(ws)
            for session in self.sessions:
                if session.ws is ws:
                    session.ws = None
            await self._notify()
        return ws

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _session_on(self, ws: web.WebSocketResponse) -> GatewaySession | None:
        return next((s for s in self.sessions if s.ws is ws), None)

    async def _on_frame(self, ws: web.WebSocketResponse, frame: JSON) -> None:
        op, d = frame.get("op"), frame.get("d") or {}
        if op == 1:  # HEARTBEAT
            await self._send(ws, {"op": 11})
        elif op == 2:  # IDENTIFY
            self.identify = d
            shard = parse_shard(d)
            if shard is None:
                self.refused_identifies.append(d)
                await ws.close(code=INVALID_SHARD, message=b"Invalid shard")
                return
            await self._start_session(ws, d, *shard)
        elif op == 6:  # RESUME
            self.resumes.append(d)
            session = next((s for s in self.sessions if s.session_id == d.get("session_id")), None)
            if session is None or session.superseded:
                await self._send(ws, {"op": 9, "d": False})  # INVALID_SESSION, not resumable
                return
            session.ws = ws
            await self._send_dispatch(session, "RESUMED", {"_trace": ['["fake-gateway"]']})
            await self._notify()
        elif op == 8:  # REQUEST_GUILD_MEMBERS
            session = self._session_on(ws)
            if session is None:
                return
            chunk = {
                "guild_id": d["guild_id"],
                "members": self.guild["members"],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
                "nonce": d.get("nonce"),
            }
            await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _start_session(
        self, ws: web.WebSocketResponse, identify: JSON, shard_id: int, shard_count: int
    ) -> None:
        for earlier in self.sessions:
            if earlier.shard == (shard_id, shard_count):
                earlier.superseded = True
        session = GatewaySession(shard_id, shard_count, identify, ws)
        self.sessions.append(session)
        guilds = [g for g in self.all_guilds if shard_of(g["id"], shard_count) == shard_id]
        ready = copy.deepcopy(self.ready)
        held = {g["id"] for g in self.all_guilds}
        # Servers the READY template lists that the fake does not hold are in an outage: listed,
        # never created.
        outages = [
            g
            for g in ready["guilds"]
            if g["id"] not in held and shard_of(g["id"], shard_count) == shard_id
        ]
        ready.update(
            user=_partial_user(self.bot_user)
            | {"verified": True, "mfa_enabled": True, "flags": 0, "email": None},
            session_id=session.session_id,
            resume_gateway_url=self.gateway_url,
            application={"id": APP_ID, "flags": self.application["flags"]},
            guilds=[{"id": g["id"], "unavailable": True} for g in guilds] + outages,
        )
        if "shard" in identify:
            ready["shard"] = [shard_id, shard_count]
        await self._send_dispatch(session, "READY", ready)
        intents = session.intents
        for each in guilds if intents & GUILDS else ():
            # Without the GUILDS intent Discord sends no GUILD_CREATE.
            guild = copy.deepcopy(each)
            if not intents & GUILD_MEMBERS:  # members are privileged: only the bot itself
                guild["members"] = [m for m in guild["members"] if m["user"]["id"] == BOT_ID]
            await self._send_dispatch(session, "GUILD_CREATE", guild)
        await self._notify()

    async def _send(self, ws: web.WebSocketResponse, payload: JSON) -> None:
        async with self._send_lock:
            await ws.send_str(json.dumps(payload))

    async def _send_dispatch(self, session: GatewaySession, event: str, data: JSON) -> int:
        ws = session.ws
        if ws is None:
            raise RuntimeError(f"shard {session.shard_id} is not connected to the fake gateway")
        async with self._send_lock:  # sequence numbers must go out in order
            session.seq += 1
            seq = session.seq
            await ws.send_str(json.dumps({"op": 0, "t": event, "s": seq, "d": data}))
        session.dispatched.append((event, data))
        self.dispatched.append((event, data))
        return seq

    def _live(self) -> list[GatewaySession]:
        return [s for s in self.sessions if s.connected and not s.superseded]

    def _session_serving(self, guild_id: str | None) -> GatewaySession | None:
        """The connected session that gets a server's events (None: a DM's)."""
        return next((s for s in reversed(self._live()) if s.serves_guild(guild_id)), None)

    def _connected_session(self, shard: int | None) -> GatewaySession | None:
        """The latest connected session, of `shard` if given."""
        live = [s for s in self._live() if shard is None or s.shard_id == shard]
        return live[-1] if live else None

    async def _session_for(self, guild_id: str | None, timeout: float) -> GatewaySession:
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self._session_serving(guild_id) is not None)
        session = self._session_serving(guild_id)
        assert session is not None
        return session

    async def wait_until_connected(self, timeout: float = 5.0, *, shard: int | None = None) -> None:
        """Wait until a client has identified (or resumed) and received READY: on any shard, or
        on `shard`."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self._connected_session(shard) is not None)

    async def dispatch(
        self,
        event: str,
        data: JSON,
        *,
        timeout: float = 5.0,
    ) -> int | None:
        """Push a gateway event to the session of its server's shard (a DM's: shard 0's); return
        its sequence number, or None if that session's intents exclude it."""
        problem = envelope_problem(data) if event == "INTERACTION_CREATE" else None
        if problem is not None:
            raise ValueError(f"Discord sends no such interaction: {problem}")
        session = await self._session_for(guild_of_event(event, data), timeout)
        data = copy.deepcopy(data)
        if not self._allowed(event, data, session.intents):
            self.dropped.append((event, data))
            return None
        self._observe(event, data)
        return await self._send_dispatch(session, event, data)

    @staticmethod
    def _allowed(event: str, data: JSON, intents: int) -> bool:
        if event != "MESSAGE_CREATE":
            return True
        if "guild_id" not in data:
            return bool(intents & DIRECT_MESSAGES)
        if not intents & GUILD_MESSAGES:
            return False
        mentioned = any(u.get("id") == BOT_ID for u in data.get("mentions", []))
        if not intents & MESSAGE_CONTENT and not mentioned:
            # Without the privileged intent Discord blanks guild message content.
            data.update(content="", embeds=[], attachments=[], components=[])
        return True

    def _observe(self, event: str, data: JSON) -> None:
        """Remember channels, messages and interactions the client now knows about."""
        if event == "MESSAGE_CREATE":
            self.messages.setdefault(data["id"], data)
            if "guild_id" not in data and data["channel_id"] not in self.channels:
                self.dm_channel(data["author"]["id"], data["channel_id"])
        elif event == "INTERACTION_CREATE":
            self.interactions[data["id"]] = _Interaction(data, time.monotonic())
            channel = data.get("channel") or {}
            known = channel.get("id") in self.channels
            if is_bot_dm(data) and channel.get("type") == 1 and not known:
                self.dm_channel(data["user"]["id"], channel["id"])
            elif not (is_bot_dm(data) or known or self._bot_in(data.get("guild_id"))):
                # A DM between people, a group DM, a server the bot is not in: the interaction
                # may be answered there, and nothing else.
                self.unreachable[channel["id"]] = channel
            message = data.get("message")
            if message:
                self.messages.setdefault(message["id"], copy.deepcopy(message))

    def _bot_in(self, guild_id: str | None) -> bool:
        return any(g["id"] == guild_id for g in self.all_guilds)

    async def send_op(self, op: int, d: Any = None, *, shard: int | None = None) -> None:
        """Send a raw non-dispatch opcode, e.g. 7 (RECONNECT) to make the client resume: on the
        latest connected session, or on `shard`'s."""
        session = self._connected_session(shard)
        if session is None or session.ws is None:
            raise RuntimeError("no client is connected to the fake gateway")
        await self._send(session.ws, {"op": op, "d": d})

    async def dispatch_malformed(self, event: str, data: Any, *, timeout: float = 5.0) -> int:
        """Push a dispatch exactly as given, malformed or not: the fake neither checks it nor
        remembers what it names (Discord has sent events that break a library's parser)."""
        session = await self._session_for(guild_of_event(event, data), timeout)
        return await self._send_dispatch(session, event, data)

    async def close_gateway(
        self, code: int, *, timeout: float = 5.0, shard: int | None = None
    ) -> None:
        """Close a gateway connection (the latest, or `shard`'s) with `code`, as Discord does:
        4000-4003 and 4005-4009 let it resume; 4004 and 4010-4014 end the session for good."""
        await self.wait_until_connected(timeout, shard=shard)
        session = self._connected_session(shard)
        assert session is not None and session.ws is not None
        ws, session.ws = session.ws, None
        if code == 4004 or 4010 <= code <= 4014:
            session.superseded = True
        await ws.close(code=code, message=b"closed by the fake")
