"""Starting Discord: the log shows what matters, not discord.py's note that voice is missing."""

from __future__ import annotations

import logging

import discord
import pytest

from adapters.discord import TakeOrPassClient
from bot.engine.engine import Engine

VOICE_NOTES = (
    "PyNaCl is not installed, voice will NOT be supported",
    "davey is not installed, voice will NOT be supported",
)


async def test_building_the_client_drops_only_the_voice_warnings(
    engine: Engine, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # discord.py warns once per process; make this client the one that would warn.
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)
    monkeypatch.setattr(discord.VoiceClient, "warn_dave", True)
    caplog.set_level(logging.WARNING)

    TakeOrPassClient(engine=engine)
    logging.getLogger("discord.client").warning("the gateway is unhappy")

    shown = [r.getMessage() for r in caplog.records if r.name == "discord.client"]
    assert shown == ["the gateway is unhappy"]
    assert not any(note in caplog.text for note in VOICE_NOTES)
