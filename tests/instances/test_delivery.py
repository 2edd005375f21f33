"""Three instances on one PostgreSQL deliver a backlog exactly once, and lose nothing when one
of them is killed: 2,000 channel reminders due within 10 s, drained by three real
`takeorpass discord` processes (shards 0, 1 and 2 of one bot) against FakeDiscord.

Claims skip each other's rows (FOR UPDATE SKIP LOCKED) and hold them under a lease on the
database's clock. One instance is SIGKILLed a third of the way through: what it had claimed stays
leased until the lease ends, then the others claim it again and post it, with the same nonce,
so a post the dead instance made before dying is not shown twice.

The bot's request budget (DISCORD_RATE_LIMIT, enforced by the fake as Discord's global limit) is
raised to 200 a second here so the test takes seconds; `make bench` measures the drain at
Discord's usual 50."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fakes.discord import FakeDiscord
from support.drain import add_reminders, channels, occurrence_states, shards, shown, spread, until
from support.postgres import fresh_database

from bot.storage.sql import SqlStore

COUNT = 2000
INSTANCES = 3
RATE = 200
LEASE = 5.0
OVER = timedelta(seconds=10)


async def test_three_instances_deliver_2000_reminders_once_each_and_a_killed_ones_after_its_lease(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake:
        fake.global_limit = RATE
        targets = channels(fake, 10)
        with fresh_database() as database:
            store = await SqlStore.open(database)
            settings = {"REMINDER_LEASE": f"{LEASE:g}s", "DISCORD_RATE_LIMIT": str(RATE)}
            try:
                async with shards(fake, database, tmp_path, INSTANCES, **settings) as instances:
                    start = datetime.now(UTC) + timedelta(seconds=1)
                    await add_reminders(
                        store, fake.guild["id"], targets, spread(start, COUNT, OVER)
                    )
                    await until(lambda: len(shown(fake)) >= COUNT // 3, timeout=60)
                    victim, survivors = instances[1], [instances[0], instances[2]]
                    await victim.kill()
                    at_kill = await occurrence_states(store)
                    await until(lambda: len(shown(fake)) >= COUNT, timeout=120)
                    await asyncio.sleep(LEASE + 1)  # time enough for a repeat, if one came
                    final = await occurrence_states(store)
                    assert all(one.running for one in survivors)
                for one in survivors:
                    assert not one.logged("Traceback"), "".join(one.log)
            finally:
                await store.close()
        assert fake.spec_violations == []

    counts = shown(fake)
    assert len(counts) == COUNT, "every reminder posted"
    assert set(counts.values()) == {1}, "none shown twice"
    assert {status for status, *_ in final.values()} <= {"sent", "late"}
    # What was claimed when the instance died and was claimed again afterwards: the killed
    # instance's batch (a survivor finishes its own within the lease).
    taken_over = [
        oid
        for oid, (status, attempts, _lease_end, _done) in at_kill.items()
        if status == "claimed" and final[oid][1] > attempts
    ]
    assert taken_over, "the killed instance held claims when it died"
    for oid in taken_over:
        lease_end, done_at = at_kill[oid][2], final[oid][3]
        assert done_at >= lease_end, "claimed again only once its lease had run out"
