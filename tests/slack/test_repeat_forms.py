"""Each repeat form as a Slack slash command (bolt against FakeSlack): the confirmation says
the rule in words and the next two times, in alice's profile zone (Europe/Berlin)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from support.repeat_forms import FORMS, Form
from support.slack_harness import SlackReminders, SlackUser, shown_text


@pytest.mark.parametrize("form", FORMS, ids=[f.typed for f in FORMS])
async def test_each_repeat_form_is_confirmed_with_its_rule_and_next_two_times(
    alice: SlackUser, world: SlackReminders, form: Form
) -> None:
    world.clock.now = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    said = shown_text((await alice.command(f"remind {form.typed}")).body)
    assert "Recurring reminder set, " in said
    for line in form.said("CET"):
        assert line in said
