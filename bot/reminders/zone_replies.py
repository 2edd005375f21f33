"""What the bot says about a timezone: the zone said back with what moved, the candidates of an
ambiguous name as buttons, and a name it could not read. Pure."""

from __future__ import annotations

from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from bot.common.buttons import USER_SCOPE, ZONE_STEP, button_id
from bot.common.replies import Button, ButtonRole, Kind, Reply
from bot.reminders import texts, zones
from bot.reminders.rezone import Moved
from bot.reminders.timewords import format_when

# At most this many candidates get a button (Discord allows 25 in five rows; ten stay readable).
MAX_ZONE_BUTTONS: Final = 10


def zone_button(zone: str) -> Button:
    """The button that sets `zone` as the presser's timezone."""
    return Button(button_id(USER_SCOPE, ZONE_STEP, zone), zone, ButtonRole.ACTION)


def _count(template: str, count: int) -> str:
    return template.format(count=count, s="" if count == 1 else "s")


def zone_set(found: zones.Found, moved: Moved, now: datetime) -> Reply:
    """ "Your times are now in America/Los_Angeles (PST). It's …", and what the change did to
    the user's reminders."""
    said = texts.TIMEZONE_SAID.format(said=found.said) if found.said else ""
    lines = [
        texts.TIMEZONE_SET.format(
            zone=found.zone, said=said, now=format_when(now, ZoneInfo(found.zone))
        )
    ]
    if found.fixed and found.zone.startswith("Etc/"):
        lines.append(texts.TIMEZONE_ETC.format(zone=found.zone, said=found.said))
    elif found.fixed:
        lines.append(texts.TIMEZONE_STEADY.format(zone=found.zone, said=found.said))
    what = []
    if moved.recurring:
        what.append(_count(texts.TIMEZONE_RECURRING, moved.recurring))
    if moved.interview:
        what.append(_count(texts.TIMEZONE_INTERVIEW, moved.interview))
    moving = []
    if what:
        moving.append(texts.TIMEZONE_MOVED.format(what=", ".join(what)))
    if moved.dropped:
        dropped = _count(texts.TIMEZONE_INTERVIEW, moved.dropped)
        moving.append(texts.TIMEZONE_DROPPED.format(what=dropped))
    if moved.kept:
        moving.append(texts.TIMEZONE_KEPT)
    if moving:
        lines.append(" ".join(moving))
    return Reply(kind=Kind.INFO, text="\n".join(lines))


def zone_choices(candidates: zones.Candidates, now: datetime) -> Reply:
    """The zones an ambiguous name can mean, each with where it is and its time now, and a
    button for each."""
    lines = [texts.TIMEZONE_WHICH.format(said=candidates.said)]
    for option in candidates.options:
        time = f"{now.astimezone(ZoneInfo(option.zone)):%H:%M}"
        template = texts.TIMEZONE_OPTION if option.where else texts.TIMEZONE_OPTION_BARE
        lines.append(template.format(zone=option.zone, where=option.where, time=time))
    lines.append(texts.TIMEZONE_PICK_TYPED.format(example=candidates.zones[0]))
    buttons = tuple(zone_button(zone) for zone in candidates.zones[:MAX_ZONE_BUTTONS])
    return Reply(kind=Kind.INFO, text="\n".join(lines), buttons=buttons)


def zone_unknown(unknown: zones.Unknown) -> Reply:
    """One line the person can act on, with examples."""
    if unknown.hint == zones.OUT_OF_RANGE:
        text = texts.TIMEZONE_RANGE.format(name=unknown.said)
    elif unknown.hint == zones.NO_STEADY_ZONE:
        text = texts.TIMEZONE_NO_STEADY.format(name=unknown.said)
    else:
        text = texts.TIMEZONE_BAD.format(name=unknown.said)
    return Reply(kind=Kind.ERROR, text=text)
