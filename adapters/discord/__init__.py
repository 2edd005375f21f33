"""The Discord adapter: the questionnaire as a DM conversation, `/takeorpass` in servers,
buttons that survive restarts, and reminders. `takeorpass` builds a `DiscordRunner` (run.py),
gives the reminder scheduler its `delivery` and the reminder service its `places`, and runs it:
the runner starts a fresh client whenever one fails (`adapters.supervise`)."""

from adapters.discord.client import ShardedTakeOrPassClient, TakeOrPassClient, minimal_intents
from adapters.discord.reminders import DiscordDelivery, DiscordPlaces
from adapters.discord.run import (
    DiscordRunner,
    build_client,
    claim_batch,
    point_discord_at,
    reminder_pace,
    run_discord,
)

__all__ = [
    "DiscordDelivery",
    "DiscordPlaces",
    "DiscordRunner",
    "ShardedTakeOrPassClient",
    "TakeOrPassClient",
    "build_client",
    "claim_batch",
    "minimal_intents",
    "point_discord_at",
    "reminder_pace",
    "run_discord",
]
