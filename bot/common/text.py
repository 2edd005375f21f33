"""Typed text made safe to keep and to show others: one cleaning for company names and reminder
texts alike. What reorders, hides or breaks text goes; what people write stays, accents and
emoji included."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_SPACES: Final = re.compile(r"\s+")
# Control (Cc: NUL, escape, C1), format (Cf: bidirectional overrides and isolates, zero-width
# spaces and joiners, the byte order mark, soft hyphens) and lone surrogates (Cs), which no
# database or platform takes as text.
_DROPPED: Final = frozenset({"Cc", "Cf", "Cs"})
ZWJ: Final = "\u200d"
_VARIATION: Final = "\ufe0f"  # "show as emoji", allowed between an emoji and its joiner
_TAGS: Final = re.compile("[\U000e0000-\U000e007f]+")
# The tag letters of a subdivision flag (England, Scotland, Wales: "gbeng") and its end.
_FLAG_TAGS: Final = re.compile("[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,6}\U000e007f")
_BLACK_FLAG: Final = "\U0001f3f4"
_JOINER: Final = re.compile(ZWJ)
_LATER: Final = frozenset({ZWJ, *map(chr, range(0xE0000, 0xE0080))})


def _emoji(ch: str) -> bool:
    """A pictographic symbol, or a code point in the emoji blocks that this Python's Unicode
    tables do not know yet (a newer emoji)."""
    return unicodedata.category(ch) == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF


def _dropped(ch: str) -> bool:
    return unicodedata.category(ch) in _DROPPED and ch not in _LATER


def _kept_joiner(found: re.Match[str]) -> str:
    """A zero-width joiner stays only inside an emoji sequence (👩‍💻, 🏳️‍🌈), where it draws one
    picture of two; anywhere else it is an invisible character and goes."""
    text, at = found.string, found.start()
    before = text[at - 1] if at else ""
    if before == _VARIATION and at >= 2:
        before = text[at - 2]
    after = text[at + 1 : at + 2]
    return ZWJ if before and after and _emoji(before) and _emoji(after) else ""


def _kept_tags(found: re.Match[str]) -> str:
    """Tag characters stay only as the letters of a subdivision flag after the black flag."""
    text, at = found.string, found.start()
    flag = at and text[at - 1] == _BLACK_FLAG and _FLAG_TAGS.fullmatch(found.group())
    return found.group() if flag else ""


def clean_text(text: str) -> str:
    """`text` as it is kept and shown: control, format (bidirectional, zero-width) and
    surrogate characters removed, but for the joiners and tags of emoji sequences; runs of
    whitespace made one space; trimmed. Cleaning it again changes nothing."""
    spaced = _SPACES.sub(" ", text)
    if spaced.isprintable():  # the usual case: nothing to remove
        return spaced.strip()
    # Emoji joiners and tags are judged by their neighbours once the rest is gone.
    kept = spaced
    for ch in [ch for ch in set(spaced) if _dropped(ch)]:  # few distinct ones: replace is quick
        kept = kept.replace(ch, "")
    kept = _TAGS.sub(_kept_tags, _JOINER.sub(_kept_joiner, kept))
    return _SPACES.sub(" ", kept).strip()
