"""How the core reads what people type: words matched loosely, company text cleaned and cut."""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from bot.common.text import clean_text
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

# Words that carry no meaning of their own in an answer: "the hiring manager" means what
# "hiring manager" means. Written as `words` gives them (no apostrophes, no plural s).
_FILLER_WORDS: Final = (
    "a an the i i'm i'd i've i'll my me mine is am are was were be been it it's its to of in "
    "on at and or but so that this there their them they we you your with for from by would "
    "will do does did have has had just really very quite pretty think guess say"
)
# Words that turn a phrase around: "not recent" is no near miss for "recent".
_NEGATIONS: Final = frozenset("not no never dont didnt isnt wasnt wont cant nothing none".split())


def words(text: str) -> tuple[str, ...]:
    """The words of a text as answers are compared: normalized, apostrophes dropped, a
    plural s taken off ("2 years ago" and "a year ago" share "year")."""
    found = []
    for word in normalize(text).replace("'", "").split():
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.append(word)
    return tuple(found)


_FILLER: Final = frozenset(words(_FILLER_WORDS))


def edits(a: str, b: str) -> int:
    """How many letters must change (insert, delete, replace, swap two neighbours) to turn
    one word into the other: "remnd" is one from "remind", "histroy" one from "history"."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, start=1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1]


def near(a: str, b: str) -> bool:
    """Whether a typed word is a slip of another: one edit, or two in a long word."""
    if a == b or min(len(a), len(b)) < 4:
        return False
    return edits(a, b) <= (2 if min(len(a), len(b)) >= 8 else 1)


def _contains(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    size = len(inner)
    return 0 < size <= len(outer) and any(
        outer[i : i + size] == inner for i in range(len(outer) - size + 1)
    )


class _Vocabulary(NamedTuple):
    value: str
    phrases: tuple[tuple[str, ...], ...]
    known: frozenset[str]


def _vocabulary(question: Question) -> tuple[_Vocabulary, ...]:
    found = []
    for choice in question.choices:
        texts = (choice.label, choice.value.replace("_", " "), *choice.synonyms)
        phrases = tuple(p for p in dict.fromkeys(words(t) for t in texts) if p)
        found.append(_Vocabulary(choice.value, phrases, frozenset(w for p in phrases for w in p)))
    return tuple(found)


VOCABULARIES: Final = {q.id: _vocabulary(q) for q in QUESTIONS}


class Reading(NamedTuple):
    """What a typed answer says: the choice it names for sure (`value`), or the one it most
    likely means, to be asked back (`guess`); neither when it could be anything."""

    value: str | None = None
    guess: str | None = None


class _Score(NamedTuple):
    value: str
    sure: bool
    points: float
    negated: bool


def _score(vocab: _Vocabulary, typed: tuple[str, ...], meaning: tuple[str, ...]) -> _Score:
    # The longest phrase of the choice found in the answer, or the answer found inside one of
    # its phrases ("not much" in "Not much, my time is flexible"), counted in meaningful words;
    # and the words those phrases explain.
    hit = 0
    explained: set[str] = set()
    for phrase in vocab.phrases:
        if _contains(typed, phrase):
            hit = max(hit, sum(w not in _FILLER for w in phrase))
            explained.update(phrase)
        elif len(typed) > 1 and _contains(phrase, typed):
            hit = max(hit, len(meaning))
            explained.update(typed)
    known = [w for w in meaning if w in vocab.known]
    slips = [w for w in meaning if w not in vocab.known and any(near(w, k) for k in vocab.known)]
    # A "not" counts only inside a phrase it belongs to: "not recent" is not "recent".
    negated = any(w in _NEGATIONS and w not in explained for w in meaning)
    sure = hit > 0 and len(known) == len(meaning) and not negated
    return _Score(vocab.value, sure, 2 * hit + len(known) + len(slips), negated)


def read_choice(question_id: str, text: str) -> Reading:
    """Read a typed answer by meaning. Sure: a number, a label, a value or a synonym as typed,
    or a phrase of one choice that explains every word of the answer ("the hiring manager",
    "over a year ago"). Otherwise the choice sharing most words with it, or one a typo away,
    is only a guess to ask back; a tie, or a "not" the choice doesn't have, is no guess."""
    exact = CHOICE_TABLES[question_id].get(normalize(text))
    if exact is not None:
        return Reading(exact)
    typed = words(text)
    meaning = tuple(w for w in typed if w not in _FILLER and not w.isdigit())
    if not meaning:
        return Reading()
    scores = [_score(v, typed, meaning) for v in VOCABULARIES[question_id]]
    sure = [s for s in scores if s.sure]
    if len(sure) == 1:
        return Reading(sure[0].value)
    ranked = sorted(scores, key=lambda s: s.points, reverse=True)
    best, runner_up = ranked[0], ranked[1]
    if best.points > runner_up.points and not best.negated:
        return Reading(guess=best.value)
    return Reading()


def match_choice(question_id: str, text: str) -> str | None:
    """The choice value a typed answer names for sure, or None."""
    return read_choice(question_id, text).value


def clean_company(text: str) -> str | None:
    """Company text as it is kept: cleaned as all typed text is (`clean_text`), at most
    MAX_COMPANY_CHARS; None when nothing is left. Cleaning it again changes nothing."""
    # Cleaned again after the cut, which may have split an emoji sequence.
    return clean_text(clean_text(text)[:MAX_COMPANY_CHARS]) or None


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
