"""How the core reads what people type: words matched loosely, company text cleaned and cut."""

from __future__ import annotations

import re
from typing import Final

from bot.questionnaire.rules import QUESTIONS, Question

MAX_COMPANY_CHARS: Final = 120

_NOISE = re.compile(r"[^\w\s'+-]")
_SPACES = re.compile(r"\s+")
_COMPANY_SPLIT = re.compile(r"\s*[—–|]\s*|\s+-\s+")
# The start word as `normalize` finds it: after anything that is not a letter or a digit
# (punctuation, spaces, a zero-width space or a byte-order mark), in any case.
_START = re.compile(r"\W*start", re.IGNORECASE)


def normalize(text: str) -> str:
    """Lower-case, straight quotes, no punctuation at the ends, single spaces."""
    text = text.replace("’", "'").lower()
    text = _NOISE.sub(" ", text)
    return _SPACES.sub(" ", text).strip(" '-+")


def _choice_table(question: Question) -> dict[str, str]:
    table: dict[str, str] = {}
    for number, choice in enumerate(question.choices, start=1):
        words = (str(number), choice.value, choice.value.replace("_", " "), choice.label)
        for word in (*words, *choice.synonyms):
            table.setdefault(normalize(word), choice.value)
    return table


CHOICE_TABLES: Final = {q.id: _choice_table(q) for q in QUESTIONS}


def match_choice(question_id: str, text: str) -> str | None:
    """The choice value a typed answer names, or None."""
    return CHOICE_TABLES[question_id].get(normalize(text))


def clean_company(text: str) -> str | None:
    """Company text as it is kept: printable characters only, single spaces, at most
    MAX_COMPANY_CHARS; None when nothing is left. Cleaning it again changes nothing."""
    printable = "".join(ch for ch in text if ch.isprintable())
    cleaned = _SPACES.sub(" ", printable).strip()[:MAX_COMPANY_CHARS].rstrip()
    return cleaned or None


def split_company(text: str) -> tuple[str | None, str | None]:
    """Turn "Acme — Data Analyst" into ("Acme", "Data Analyst"); blank gives (None, None)."""
    cleaned = clean_company(text)
    if cleaned is None:
        return None, None
    parts = [p.strip() for p in _COMPANY_SPLIT.split(cleaned, maxsplit=1)]
    company = parts[0] or None
    role = parts[1] if len(parts) > 1 and parts[1] else None
    return company, role


def after_start(text: str) -> str | None:
    """The cleaned company text after the start word of `text`, whose normalized form begins
    with it (`!start Acme`, `\u200bStart: Acme` give "Acme"); None when there is none."""
    found = _START.match(text)
    rest = text[found.end() :] if found else ""
    # "start: Acme" reads as "start Acme".
    return clean_company(rest.lstrip().lstrip(":;,"))
