"""A weekly look back names companies as the user typed them: rendered for Slack and Discord
(as the deliveries render every reminder post), no name can ping anyone."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from support.weekly import BERLIN, MON_19, MON_26

from adapters.discord.rendering import render
from adapters.slack.rendering import message
from bot.record.weekly import Coming, Decision, Reported, Week, look_back
from bot.reminders.looking_back import WEEKLY_TEXT

LOUD = "<!channel> @everyone <@U0BOSS> <@&123> @here"
AT = datetime(2026, 10, 21, 12, 0, tzinfo=UTC)


def _post():
    week = Week(
        MON_19,
        MON_26,
        (Decision(LOUD, "@here", "PASS", AT),),
        (Reported(LOUD, None, "offer", AT),),
        (Coming(LOUD, datetime(2026, 10, 28, 14, 0, tzinfo=UTC)),),
    )
    post = look_back(week, BERLIN, reminder_id="w1")
    assert post is not None
    assert sum(LOUD in line for section in post.sections for line in section.lines) == 3
    return post


def test_slack_shows_company_names_without_pinging_anyone():
    rendered = json.dumps(message([_post()]))
    for loud in ("<!channel>", "<@U0BOSS>", "<@&123>", "<!here>", "<!everyone>"):
        assert loud not in rendered
    assert "&lt;!channel&gt;" in rendered


def test_discord_shows_company_names_without_pinging_anyone():
    contents = "\n".join(out.content for out in render(_post()))
    assert "@everyone" not in contents and "@here" not in contents
    assert "<@U0BOSS>" not in contents and "<@&123>" not in contents
    assert WEEKLY_TEXT not in contents  # the post is the week, not the series' name
