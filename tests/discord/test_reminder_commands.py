"""Reminder subcommands, the channel check, `reminders` lists and the interview-time form, with
the real discord.py client against FakeDiscord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fakes.discord import (
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    JSON,
    USER_ID,
    RecordedRequest,
    button_press,
    option,
    slash_command,
    subcommand,
)
from fakes.discord import guilds as rules
from support.discord_harness import ALICE_KEY as KEY
from support.discord_harness import (
    CALLBACK,
    EPHEMERAL,
    HIDDEN_ID,
    LOCKED_ID,
    MANAGER,
    MEMBER,
    OTHER_CHANNEL_ID,
    VOICE_ID,
    Harness,
    button_id,
    buttons,
    labels,
    reminder_servers,
)
from support.harness import Clock
from support.reminders import ReminderWorld

from adapters.discord import DiscordPlaces
from adapters.discord.forms import FORM_BUTTON
from adapters.discord.reminders import CANT_SEE, RUN_IN_SERVER
from bot.common.events import Event, Start, Text
from bot.questionnaire import texts as questionnaire_texts
from bot.reminders import texts
from bot.reminders.model import Places
from bot.storage.sql import SqlStore


class Bot:
    """The harness, the reminder world behind its engine, and the events the engine got."""

    def __init__(self, harness: Harness, world: ReminderWorld) -> None:
        self.harness = harness
        self.fake = harness.fake
        self.world = world
        self.events: list[Event] = []

    def command(
        self,
        name: str,
        *options: JSON,
        in_dm: bool = False,
        permissions: int = MEMBER,
        resolved: JSON | None = None,
        channel_id: str = CHANNEL_ID,
    ) -> JSON:
        payload = slash_command(
            "takeorpass",
            [subcommand(name, list(options))],
            guild_id=None if in_dm else GUILD_ID,
            channel_id=DM_CHANNEL_ID if in_dm else channel_id,
            command_id=self.fake.command_id("takeorpass"),
            resolved=resolved,
        )
        return payload if in_dm else rules.with_member_permissions(payload, permissions)

    async def run(self, payload: JSON) -> RecordedRequest:
        """Dispatch an interaction; return its callback."""
        answered = len(self.harness.callbacks())
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return await self.fake.wait_for("POST", CALLBACK, count=answered + 1)

    def channel_option(self, channel_id: str, permissions: int = MEMBER) -> tuple[JSON, JSON]:
        channel = self.fake.channels[channel_id]
        resolved = {"channels": {channel_id: rules.resolved_channel(channel, permissions)}}
        return rules.channel_option("channel", channel_id), resolved


@pytest.fixture
async def bot(store: SqlStore, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bot]:
    places: dict[str, Places] = {}
    world = ReminderWorld(store, clock, places=places)
    async with Harness.started(world.engine, prepare=reminder_servers) as harness:
        harness.fake.dm_channel(USER_ID, DM_CHANNEL_ID)
        assert harness.client is not None
        places["discord"] = DiscordPlaces(harness.client)
        tested = Bot(harness, world)
        handle = world.engine.handle

        async def spy(key: Any, event: Event, **kwargs: Any) -> Any:
            tested.events.append(event)
            return await handle(key, event, **kwargs)

        monkeypatch.setattr(world.engine, "handle", spy)
        yield tested
        assert harness.fake.spec_violations == []


def _data(callback: RecordedRequest) -> JSON:
    data: JSON = callback.json["data"]
    return data


# --- the subcommands --------------------------------------------------------------------------


async def test_reminder_subcommands_are_registered_with_typed_options(bot: Bot) -> None:
    [command] = bot.fake.commands[None]
    by_name = {o["name"]: o for o in command["options"]}
    remind = {o["name"]: o for o in by_name["remind"]["options"]}
    assert [(o["name"], o["type"], o.get("required", False)) for o in remind.values()] == [
        ("when", 3, True),
        ("text", 3, True),
        ("channel", 7, False),
    ]
    assert remind["channel"]["channel_types"] == [0, 5]  # text and announcement channels
    [zone] = by_name["timezone"]["options"]
    assert (zone["name"], zone["type"], zone["autocomplete"]) == ("name", 3, True)
    [channel] = by_name["channel"]["options"]
    assert channel["type"] == 7
    assert by_name["reminders"]["options"] == by_name["stats"]["options"] == []


@pytest.mark.parametrize("permissions", [MEMBER, MANAGER], ids=["member", "manager"])
async def test_remind_in_a_server_is_the_typed_words_with_where_and_answers_privately(
    bot: Bot, permissions: int
) -> None:
    target, resolved = bot.channel_option(CHANNEL_ID, permissions)
    payload = bot.command(
        "remind",
        option("when", "tomorrow 9am"),
        option("text", "send the thank-you note"),
        target,
        permissions=permissions,
        resolved=resolved,
    )
    callback = await bot.run(payload)
    assert bot.events == [
        Text(
            f"remind <#{CHANNEL_ID}> tomorrow 9am send the thank-you note",
            channel=CHANNEL_ID,
            server=GUILD_ID,
            manage=permissions == MANAGER,
        )
    ]
    assert callback.json["type"] == 4
    data = _data(callback)
    assert data["flags"] & EPHEMERAL
    assert "Reminder set for Fri 27 Nov, 09:00" in data["content"]
    assert f"in <#{CHANNEL_ID}>" in data["content"]
    assert [b["label"] for row in data["components"] for b in row["components"]] == ["Undo"]
    assert bot.harness.visible(CHANNEL_ID) == []  # nobody else saw anything
    assert bot.harness.visible(DM_CHANNEL_ID) == []  # and nothing went to the DM


async def test_remind_without_a_channel_reminds_in_the_dm(bot: Bot) -> None:
    payload = bot.command("remind", option("when", "in  2 hours"), option("text", " call Sam "))
    callback = await bot.run(payload)
    assert bot.events == [Text("remind in 2 hours call Sam", channel=CHANNEL_ID, server=GUILD_ID)]
    assert "Reminder set for Thu 26 Nov, 06:00" in _data(callback)["content"]
    assert "<#" not in _data(callback)["content"]


async def test_the_same_words_typed_in_the_dm_still_work(bot: Bot) -> None:
    [typed] = await bot.harness.dm("remind tomorrow 9am stretch")
    assert bot.events[-1] == Text("remind tomorrow 9am stretch")
    assert "Reminder set for Fri 27 Nov, 09:00" in typed["content"]
    callback = await bot.run(bot.command("reminders", in_dm=True))
    assert bot.events[-1] == Text("reminders")
    assert callback.json["type"] == 4
    data = _data(callback)
    assert not data.get("flags", 0) & EPHEMERAL  # the DM is private already
    assert texts.LIST_TITLE in data["content"]
    assert "stretch" in data["content"]


@pytest.mark.parametrize(
    ("name", "options", "words"),
    [
        ("reminders", (), "reminders"),
        ("stats", (), "stats"),
        ("timezone", (), "timezone"),
        ("timezone", (option("name", "europe/berlin"),), "timezone europe/berlin"),
        ("timezone", (option("name", "America/New York"),), "timezone America/New_York"),
        ("channel", (), "channel"),
    ],
)
async def test_each_subcommand_is_its_words(
    bot: Bot, name: str, options: tuple[JSON, ...], words: str
) -> None:
    callback = await bot.run(bot.command(name, *options))
    assert bot.events == [Text(words, channel=CHANNEL_ID, server=GUILD_ID)]
    assert _data(callback)["flags"] & EPHEMERAL


async def test_timezone_sets_the_zone_named(bot: Bot) -> None:
    callback = await bot.run(bot.command("timezone", option("name", "europe/berlin")))
    assert _data(callback)["content"].startswith("Your times are now in Europe/Berlin.")
    assert str(await bot.world.sql.timezone(KEY)) == "Europe/Berlin"


async def test_timezone_autocomplete_offers_matching_iana_names(bot: Bot) -> None:
    async def choices(typed: str) -> list[JSON]:
        command = bot.command("timezone", rules.focused("name", typed))
        callback = await bot.run(rules.as_autocomplete(command))
        assert callback.json["type"] == 8
        found: list[JSON] = _data(callback)["choices"]
        return found

    berlin = await choices("BERL")
    assert [c["value"] for c in berlin] == ["Europe/Berlin"]
    assert berlin[0]["name"] == "Europe/Berlin"
    york = [c["value"] for c in await choices("new york")]
    assert "America/New_York" in york
    many = await choices("a")
    assert len(many) == 25
    assert all("a" in c["value"].lower() for c in many)
    assert await choices("Atlantis/Nowhere") == []
    assert bot.events == []  # typing asks the engine nothing


# --- the channel check ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "server", "answer"),
    [
        (CHANNEL_ID, GUILD_ID, None),
        (CHANNEL_ID, None, RUN_IN_SERVER),  # named in a DM: which server, who may post?
        (LOCKED_ID, GUILD_ID, "I'm not allowed to post in #announcements"),
        (HIDDEN_ID, GUILD_ID, "I can't see #secret"),
        (VOICE_ID, GUILD_ID, "#lounge isn't a text channel"),
        (OTHER_CHANNEL_ID, GUILD_ID, "#elsewhere is in another server"),
        (OTHER_CHANNEL_ID, None, RUN_IN_SERVER),
        ("1399999999999999999", GUILD_ID, CANT_SEE),
        ("not-a-channel", GUILD_ID, CANT_SEE),
    ],
    ids=[
        "ok",
        "from-dm",
        "no-send",
        "no-view",
        "voice",
        "other-server",
        "other-dm",
        "gone",
        "junk",
    ],
)
async def test_channel_check_says_what_to_do(
    bot: Bot, channel: str, server: str | None, answer: str | None
) -> None:
    assert bot.harness.client is not None
    found = await DiscordPlaces(bot.harness.client).check_channel(KEY, channel, server)
    if answer is None:
        assert found is None
    else:
        assert found is not None and found.startswith(answer)
        assert "\n" not in found


async def test_remind_in_a_channel_the_bot_cannot_post_in_stores_nothing(bot: Bot) -> None:
    target, resolved = bot.channel_option(LOCKED_ID)
    payload = bot.command(
        "remind", option("when", "tomorrow 9am"), option("text", "hi"), target, resolved=resolved
    )
    data = _data(await bot.run(payload))
    assert data["content"].startswith("I'm not allowed to post in #announcements")
    assert "Send Messages" in data["content"]
    assert await bot.world.store.count_active(KEY) == 0


async def test_setting_the_job_hunt_channel_needs_manage_channels(bot: Bot) -> None:
    target, resolved = bot.channel_option(CHANNEL_ID)
    refused = _data(await bot.run(bot.command("channel", target, resolved=resolved)))
    assert refused["content"] == texts.CHANNEL_NEEDS_MANAGE
    assert await bot.world.store.job_hunt_channel("discord", GUILD_ID) is None
    target, resolved = bot.channel_option(CHANNEL_ID, MANAGER)
    payload = bot.command("channel", target, permissions=MANAGER, resolved=resolved)
    done = _data(await bot.run(payload))
    assert done["content"] == texts.CHANNEL_SET.format(channel=CHANNEL_ID)
    assert done["flags"] & EPHEMERAL
    assert await bot.world.store.job_hunt_channel("discord", GUILD_ID) == CHANNEL_ID
    locked, resolved = bot.channel_option(LOCKED_ID, MANAGER)
    payload = bot.command("channel", locked, permissions=MANAGER, resolved=resolved)
    assert "Send Messages" in _data(await bot.run(payload))["content"]
    assert await bot.world.store.job_hunt_channel("discord", GUILD_ID) == CHANNEL_ID


# --- `reminders` lists ------------------------------------------------------------------------


async def _set(bot: Bot, *texts_: str) -> None:
    for text in texts_:
        await bot.world.engine.handle(KEY, Text(f"remind tomorrow 9am {text}"))


async def test_reminders_in_a_server_lists_privately_with_buttons_per_item(bot: Bot) -> None:
    await _set(bot, "first *thing*", "second", "third")
    bot.events.clear()
    callback = await bot.run(bot.command("reminders"))
    data = _data(callback)
    assert data["flags"] & EPHEMERAL
    lines = data["content"].split("\n")
    assert lines[0] == texts.LIST_TITLE
    assert lines[2].startswith("1. ") and lines[2].endswith(r"first \*thing\*")
    assert lines[4].startswith("3. ")
    rows = [[b["label"] for b in row["components"]] for row in data["components"]]
    assert rows == [[f"{n} · Edit", f"{n} · Cancel", f"{n} · Snooze"] for n in (1, 2, 3)]


async def test_a_long_list_is_split_with_each_items_buttons_on_its_message(bot: Bot) -> None:
    await _set(bot, *(f"task {n}" for n in range(1, 13)))
    await bot.run(bot.command("reminders"))
    await bot.fake.wait_for("POST", r"/webhooks/\d+/[^/]+", count=2)
    followups = bot.fake.requests_to("POST", r"/webhooks/\d+/[^/]+")
    messages = [_data(bot.harness.callbacks()[-1]), *(r.json for r in followups)]
    assert [len(m["components"]) for m in messages] == [5, 5, 2]
    assert all(m["flags"] & EPHEMERAL for m in messages)
    for message in messages:
        numbers = [line.split(".")[0] for line in message["content"].split("\n") if "task" in line]
        assert [
            b["label"].split(" · ")[0]
            for row in message["components"]
            for b in row["components"][:1]
        ] == numbers


async def test_a_press_on_a_listed_reminder_closes_only_its_row(bot: Bot) -> None:
    await _set(bot, "first", "second")
    await bot.run(bot.command("reminders"))
    [listed] = bot.harness.messages(CHANNEL_ID)
    second = next(b["custom_id"] for b in buttons(listed) if b["label"] == "2 · Cancel")
    payload = rules.with_member_permissions(
        button_press(second, USER_ID, CHANNEL_ID, listed, guild_id=GUILD_ID), MEMBER
    )
    callback = await bot.run(payload)
    assert callback.json["type"] == 7
    rows = _data(callback)["components"]
    assert [b.get("disabled", False) for b in rows[0]["components"]] == [False] * 3
    assert [b.get("disabled", False) for b in rows[1]["components"]] == [True] * 3
    assert rows[1]["components"][1]["style"] == 3  # the pressed one (Cancel) green
    assert _data(callback)["content"].endswith("→ **2 · Cancel**")
    note = await bot.fake.wait_for("POST", r"/webhooks/\d+/[^/]+")
    assert note.json["content"].startswith("Cancelled: ")
    assert note.json["flags"] & EPHEMERAL
    assert [u.text for u in await bot.world.store.upcoming(KEY, limit=25)] == ["first"]


# --- the interview's time, by form ------------------------------------------------------------


async def _verdict(bot: Bot) -> JSON:
    engine = bot.world.engine
    await engine.handle(KEY, Start("Acme — Data Analyst"))
    for typed in ("3", "2", "2", "1", "1", "1"):
        await engine.handle(KEY, Text(typed))
    sent = await bot.harness.dm("3")
    await bot.harness.until(
        lambda: any("Set interview reminders" in labels(m) for m in bot.harness.visible())
    )
    del sent
    return next(m for m in bot.harness.visible() if "Set interview reminders" in labels(m))


async def _open_form(bot: Bot) -> tuple[JSON, JSON, JSON]:
    verdict = await _verdict(bot)
    _, [prompt] = await bot.harness.press(verdict, "set")
    assert labels(prompt)[-1] == FORM_BUTTON
    press = bot.harness.press_payload(prompt, "form")
    callback = await bot.run(press)
    assert callback.json["type"] == 9
    return prompt, press, _data(callback)


async def test_the_interview_prompt_offers_a_form_for_the_time(bot: Bot) -> None:
    prompt, _press, modal = await _open_form(bot)
    assert questionnaire_texts.ASK_INTERVIEW in prompt["content"]
    assert button_id(prompt, "form").endswith(":when:form")
    assert modal["title"] == "When is the interview?"
    [label] = modal["components"]
    assert label["type"] == 18 and label["component"]["type"] == 4
    assert label["component"]["required"] is True
    assert all(not isinstance(e, Text) or e.interview is None for e in bot.events)


async def test_a_time_entered_in_the_form_sets_the_reminders(bot: Bot) -> None:
    prompt, press, modal = await _open_form(bot)
    field = modal["components"][0]["component"]["custom_id"]
    current = bot.fake.messages[prompt["id"]]
    submit = rules.modal_submit(modal, {field: "tomorrow 3pm"}, source=press, message=current)
    callback = await bot.run(submit)
    conversation = button_id(prompt, "form").split(":")[1]
    assert bot.events[-1] == Text("tomorrow 3pm", interview=conversation)
    assert callback.json["type"] == 7  # the prompt shows the time and its button closes
    assert _data(callback)["content"].endswith("→ **tomorrow 3pm**")
    assert all(b["disabled"] for row in _data(callback)["components"] for b in row["components"])
    confirmation = await bot.fake.wait_for("POST", r"/webhooks/\d+/[^/]+")
    assert "Interview reminders set for Acme" in confirmation.json["content"]
    assert labels(confirmation.json) == ["Undo"]
    assert await bot.world.store.count_active(KEY) == 1


async def test_nonsense_in_the_form_is_one_line_and_stores_nothing(bot: Bot) -> None:
    prompt, press, modal = await _open_form(bot)
    field = modal["components"][0]["component"]["custom_id"]
    submit = rules.modal_submit(modal, {field: "whenever"}, source=press, message=prompt)
    callback = await bot.run(submit)
    assert callback.json["type"] == 4
    answer = _data(callback)["content"]
    assert "\n" not in answer.strip()
    assert await bot.world.store.count_active(KEY) == 0
    # The prompt keeps its button: press it again and the form opens again.
    again = await bot.run(bot.harness.press_payload(prompt, "form"))
    assert again.json["type"] == 9
