"""The whole `remind …` phrase read: where its time stands (first, or last as in Slack's
`/remind me to call Sam tomorrow at 9am`), what the time means, and what is left as the text.
Pure: the moment `now` and the zone are given; no I/O.

Every word is read, however long the reminder. When the text that would be stored still holds
a time ("at 10am", "tomorrow", a weekday) the reader does not guess: it gives both readings back
to be asked. Anything that looks like a time but cannot be one is refused, named."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.reminders import texts
from bot.reminders.moments import STARTS, Moment, moment_at, resolve
from bot.reminders.repeat_rules import build
from bot.reminders.repeats import OPENERS, Repeat, may_repeat, repeat_at
from bot.reminders.timewords import (
    EXAMPLES,
    LINKS,
    REPEATS,
    WhenError,
    format_when,
    shown,
    to_utc,
    tokenize,
)

MAX_AHEAD = timedelta(days=365)
Span = Moment | Repeat
# Alone in the text, these are more often words than times ("the daily report").
_QUIET = frozenset(
    {"daily", "weekly", "monthly", "yearly", "annually", "hourly", "weekdays", "weekends",
     "biweekly", "fortnightly"}
)  # fmt: skip
_TRIM = " \t,;:-–—"


class Reading(NamedTuple):
    """One reading: the first time (UTC), the rule if it repeats, the text, and how a bare
    hour was read (a sentence for the confirmation), if there was one."""

    at: datetime
    rule: str | None
    text: str
    note: str | None = None


@dataclass(frozen=True)
class AskBack:
    """Two ways to read the reminder; `fragment` is the time-like words that make it unclear."""

    first: Reading
    second: Reading
    fragment: str


def span_at(words: Sequence[str], i: int, *, repeating: bool = True) -> Span | None:
    """The time phrase, repeating or not, that starts at word i (`repeating` False: the words
    hold no repeat, so only one-off times are looked for)."""
    return (repeat_at(words, i) if repeating else None) or moment_at(words, i)


_OPEN_ANY = STARTS | OPENERS


def scan(words: Sequence[str]) -> list[Span]:
    """Every time phrase in the words, left to right, none overlapping."""
    spans: list[Span] = []
    i, n = 0, len(words)
    repeating = may_repeat(words)
    opening = _OPEN_ANY if repeating else STARTS
    while i < n:
        # Most words of a reminder open no time phrase: the cheap test first (a digit, or a
        # word a phrase can start with), the readers only after it.
        word = words[i]
        if word in opening or word[:1].isdigit():
            span = span_at(words, i, repeating=repeating)
            if span is not None:
                spans.append(span)
                i = span.end
                continue
        i += 1
    return spans


class _Text:
    """The typed text and its tokens: slices of what was typed, by word index."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.words, self.starts, self.ends = tokenize(raw)

    def typed(self, span: Span) -> str:
        return self.raw[self.starts[span.start] : self.ends[span.end - 1]]

    def without(self, *spans: Span) -> str:
        """The text with the spans taken out and the linking words before it ("to", "about",
        "that", "me") dropped; the user's characters otherwise as typed."""
        pieces: list[str] = []
        leading = True  # still dropping the linking words that open what is kept
        i = 0
        for span in sorted(spans, key=lambda s: s.start):
            leading = self._keep(i, span.start, pieces, leading)
            i = max(i, span.end)
        self._keep(i, len(self.words), pieces, leading)
        return " ".join(pieces).strip(_TRIM)

    def _keep(self, i: int, end: int, pieces: list[str], leading: bool) -> bool:
        """Words [i, end) as typed onto `pieces`, first dropping linking words if `leading`;
        whether linking words are still to be dropped after them."""
        if leading:
            while i < end and self.words[i] in LINKS:
                i += 1
        if i >= end:
            return leading
        piece = self.raw[self.starts[i] : self.ends[end - 1]].strip(_TRIM)
        if piece:
            pieces.append(piece)
        return False


def _refuse(span: Span, phrase: _Text) -> None:
    if span.problem is None and not (isinstance(span, Repeat) and span.cannot):
        return
    typed = phrase.typed(span)
    if span.problem is not None:
        message = texts.REMIND_NO_SUCH_TIME if span.problem.clock else texts.REMIND_NO_SUCH_DATE
        raise WhenError(message.format(typed=span.problem.typed, examples=EXAMPLES))
    if isinstance(span, Repeat) and span.cannot:
        raise WhenError(texts.REMIND_CANNOT_REPEAT.format(typed=shown(typed), repeats=REPEATS))


def _counts(span: Span, words: Sequence[str]) -> bool:
    # Whether a phrase left in the text makes the reading unclear.
    return not (span.end - span.start == 1 and words[span.start] in _QUIET)


def _check_range(at: datetime, typed: str, now: datetime, tz: ZoneInfo) -> None:
    if at <= now:
        shown_at = format_when(at, tz, now=now)
        raise WhenError(texts.REMIND_PASSED.format(typed=shown(typed), when=shown_at,
                                                   examples=EXAMPLES))  # fmt: skip
    if at - now > MAX_AHEAD:
        shown_at = format_when(at, tz, now=now)
        raise WhenError(texts.REMIND_TOO_FAR.format(typed=shown(typed), when=shown_at,
                                                    examples=EXAMPLES))  # fmt: skip


def _bare_note(typed: str, hm: tuple[int, int] | None) -> str | None:
    if hm is None:
        return None
    hour = hm[0]
    base = hour % 12 or 12
    other = f"{base}{'am' if hour >= 12 else 'pm'}"
    return texts.REMIND_BARE_HOUR.format(typed=typed, clock=f"{hour:02d}:{hm[1]:02d}", other=other)


def _reading(span: Span, typed: str, text: str, now: datetime, tz: ZoneInfo) -> Reading:
    """The reading of one time phrase, checked: ahead, within a year, ending after it starts."""
    if isinstance(span, Repeat):
        built = build(span, now, tz)
        if built is None:
            raise WhenError(texts.REMIND_NEVER.format(typed=shown(typed), repeats=REPEATS))
        _check_range(built.at, typed, now, tz)
        if built.until is not None and built.until < built.first:
            when = format_when(built.at, tz, now=now)
            raise WhenError(texts.REMIND_ENDS_FIRST.format(typed=shown(typed), when=when))
        return Reading(built.at, built.rule, text, _bare_note(typed, built.bare))
    at, bare = resolve(span, now, tz)
    _check_range(at, typed, now, tz)
    return Reading(at, None, text, _bare_note(typed, bare))


def _timestamp(raw: str, tz: ZoneInfo) -> datetime | None:
    """An ISO 8601 date-time with seconds or an offset ("2026-12-08T15:00:00+00:00"), as
    forms send it; None for anything else (the reader takes the simpler ISO forms)."""
    text = raw.strip()
    if len(text) < 19 or not text[:4].isdigit() or text[4:5] != "-":
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo is not None else to_utc(parsed, tz)


def read_time(raw: str, *, now: datetime, tz: ZoneInfo) -> Reading:
    """All of `raw` as one time phrase (an interview's time, an edited time); text "".
    Raises WhenError naming what could not be used."""
    if (stamped := _timestamp(raw, tz)) is not None:  # a form's date-time picker
        _check_range(stamped, raw.strip(), now, tz)
        return Reading(stamped, None, "")
    phrase = _Text(raw)
    words = phrase.words
    if not words:
        raise WhenError(texts.REMIND_EMPTY_WHEN.format(examples=EXAMPLES))
    span = span_at(words, 0)
    if span is not None:
        _refuse(span, phrase)
    if span is None or span.end != len(words):
        for other in scan(words):
            _refuse(other, phrase)
        raise WhenError(texts.REMIND_NOT_A_TIME.format(typed=shown(raw), examples=EXAMPLES))
    return _reading(span, phrase.typed(span), "", now, tz)


# Words that lead into a time without saying one.
_LINKING = frozenset({"at", "@", "on", "in", "by", "the", "this", "next", "coming"})


def _merged(phrase: _Text, primary: Span, other: Span) -> tuple[Span, str] | None:
    """The other fragment read as part of the primary time ("tomorrow" + "at 5pm": tomorrow at
    17:00), with what it reads as typed; where the two clash ("tomorrow 9am" + "at 8pm"), the
    primary's leading words that fit with the fragment ("tomorrow at 8pm"). None if nothing fits."""
    words = phrase.words
    lead, tail = words[primary.start : primary.end], words[other.start : other.end]
    for keep in range(len(lead), 0, -1):
        if all(word in _LINKING for word in lead[:keep]):
            break  # "next" or "on" alone says nothing of the primary time: no merge
        both = [*lead[:keep], *tail]
        span = span_at(both, 0)
        if span is not None and span.end == len(both) and span.problem is None:
            kept = phrase.raw[phrase.starts[primary.start] : phrase.ends[primary.start + keep - 1]]
            return span, f"{kept} {phrase.typed(other)}"
    return None


def read_reminder(raw: str, *, now: datetime, tz: ZoneInfo) -> Reading | AskBack:
    """`raw` is what follows `remind [#channel]` (a leading "me" already gone): its time first or
    last, the rest its text. Raises WhenError naming what could not be used."""
    phrase = _Text(raw)
    words = phrase.words
    if not words:
        raise WhenError(texts.REMIND_EMPTY_WHEN.format(examples=EXAMPLES))
    spans = scan(words)
    for span in spans:
        _refuse(span, phrase)
    lead = spans[0] if spans and spans[0].start == 0 else None
    trail = spans[-1] if spans and spans[-1].end == len(words) else None
    primary = lead or trail
    if primary is None:
        inside = [span for span in spans if _counts(span, words)]
        if inside:
            fragment = phrase.typed(inside[0])
            raise WhenError(
                texts.REMIND_TIME_INSIDE.format(fragment=shown(fragment), examples=EXAMPLES)
            )
        # "every full moon call mom": a repeat we don't know, where a time would stand
        if words[0] in ("every", "each"):
            typed = " ".join(words[:3])
            raise WhenError(texts.REMIND_CANNOT_REPEAT.format(typed=typed, repeats=REPEATS))
        raise WhenError(texts.REMIND_NO_TIME.format(typed=shown(raw), examples=EXAMPLES))
    typed = phrase.typed(primary)
    text = phrase.without(primary)
    if not text:
        raise WhenError(texts.NO_TEXT.format(when=shown(typed)))
    first = _reading(primary, typed, text, now, tz)
    others = [span for span in spans if span is not primary and _counts(span, words)]
    if not others:
        return first
    other = others[0]
    fragment = phrase.typed(other)
    # The second reading takes its time from the fragment, so neither time stays in its text.
    rest = phrase.without(primary, other)
    merged = _merged(phrase, primary, other)
    if merged is not None:
        second = _reading(merged[0], merged[1], rest, now, tz)
    else:
        second = _reading(other, fragment, rest, now, tz)
    if not second.text:
        raise WhenError(texts.NO_TEXT.format(when=shown(fragment)))
    return AskBack(first, second, fragment)
