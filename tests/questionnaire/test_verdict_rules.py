"""The verdict rules: every rule's points, the score boundaries, the no_way override, the
article's personas, and all 972 answer sets against an independent count."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from bot.questionnaire.rules import QUESTIONS, RULES, Reason, Verdict
from bot.questionnaire.verdict import decide

# Answers that score exactly 1: doubtful (+1) and nothing else for or against.
BASELINE = {
    "certainty": "doubtful",
    "insight": "well",
    "rust": "recent",
    "dream": "no",
    "interviewer": "unknown",
    "pending": "no",
    "cost": "free",
}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.question}={r.value}")
def test_each_rule_adds_its_points_and_its_reason(rule):
    base = decide(BASELINE)
    changed = decide({**BASELINE, rule.question: rule.value})
    expected_delta = rule.points - (1 if rule.question == "certainty" else 0)
    assert changed.score - base.score == expected_delta
    assert any(f.line == rule.line and f.reason is rule.reason for f in changed.findings)


@pytest.mark.parametrize(
    ("changes", "score", "verdict"),
    [
        ({"cost": "some"}, 0, Verdict.PASS),
        ({}, 1, Verdict.LEAN_TAKE),
        ({"certainty": "maybe"}, 2, Verdict.LEAN_TAKE),
        ({"certainty": "maybe", "insight": "paper"}, 3, Verdict.TAKE_IT),
        ({"cost": "sneak"}, -2, Verdict.PASS),
    ],
    ids=["score-0-pass", "score-1-lean", "score-2-lean", "score-3-take", "score-neg-pass"],
)
def test_score_boundaries_pick_the_verdict(changes, score, verdict):
    outcome = decide({**BASELINE, **changes})
    assert outcome.score == score
    assert outcome.verdict is verdict


def test_no_way_passes_whatever_else_was_answered_with_its_own_reason():
    best = {"insight": "paper", "rust": "new", "dream": "yes", "interviewer": "recruiter"}
    outcome = decide({**BASELINE, **best, "pending": "late", "cost": "free", "certainty": "no_way"})
    assert outcome.verdict is Verdict.PASS
    assert outcome.decline_note is not None
    assert [f.reason for f in outcome.findings] == [Reason.CERTAIN]
    assert outcome.balance is None  # nothing was weighed
    # The summary says why: certainty, never that the cost outweighs anything.
    assert "certain" in outcome.summary and "cost" not in outcome.summary


def test_insight_paper_counts_when_not_certain():
    outcome = decide({**BASELINE, "insight": "paper"})
    assert any("posting" in f.line for f in outcome.findings)


def test_the_look_around_tip_is_not_for_someone_who_knows_the_place():
    outsider = decide({**BASELINE, "certainty": "maybe", "insight": "paper", "rust": "while"})
    insider = decide({**BASELINE, "certainty": "maybe", "insight": "well", "rust": "while"})
    assert any("look around" in tip for tip in outsider.tips)
    assert not any("look around" in tip for tip in insider.tips)


def test_tips_follow_the_reasons_that_applied():
    outcome = decide({**BASELINE, "certainty": "maybe", "rust": "while", "pending": "late"})
    assert outcome.verdict is Verdict.TAKE_IT
    joined = " ".join(outcome.tips)
    assert "stories" in joined and "timeline" in joined
    assert "who you meet" not in joined  # no people reason applied
    assert outcome.decline_note is None


@pytest.mark.parametrize(
    ("company", "role", "phrase"),
    [
        ("Acme", "Data Analyst", "to interview for the Data Analyst role at Acme."),
        ("Acme", None, "to interview at Acme."),
        (None, "Data Analyst", "to interview for the Data Analyst role."),
        (None, None, "Thank you for inviting me to interview. "),
    ],
)
def test_the_decline_note_reads_naturally(company, role, phrase):
    outcome = decide({**BASELINE, "cost": "sneak"}, company=company, role=role)
    assert outcome.decline_note is not None and phrase in outcome.decline_note
    assert "None" not in outcome.decline_note and " ." not in outcome.decline_note


def test_the_balance_counts_points_for_and_against():
    outcome = decide({**BASELINE, "insight": "paper", "cost": "sneak"})
    assert outcome.balance == (2, 3) and outcome.score == -1


# --- the article's personas -------------------------------------------------------------------

PERSONAS = [
    # four years since the last interview, a recruiter call, final rounds elsewhere, would slip
    # away from work, doubtful: 1 + 1 + 2 + 2 + 2 - 3 = 5
    (("doubtful", "paper", "while", "no", "recruiter", "late", "sneak"), Verdict.TAKE_IT, 5),
    # knows the place, interviewed last month, doubtful, unknown interviewer, would slip away:
    # 1 - 3 = -2
    (("doubtful", "well", "recent", "no", "unknown", "no", "sneak"), Verdict.PASS, -2),
    # doubtful, only the posting, interviewed recently, a team call, some hassle: 1+1+1-1 = 2
    (("doubtful", "paper", "recent", "no", "team", "no", "some"), Verdict.LEAN_TAKE, 2),
]


@pytest.mark.parametrize(("answers", "verdict", "score"), PERSONAS)
def test_personas_get_the_verdict_the_article_would_give(answers, verdict, score):
    outcome = decide(dict(zip([q.id for q in QUESTIONS], answers, strict=True)))
    assert (outcome.verdict, outcome.score) == (verdict, score)


def test_the_new_graduate_who_is_certain_passes_at_once():
    outcome = decide({"certainty": "no_way"})  # nothing else was asked
    assert outcome.verdict is Verdict.PASS and outcome.findings[0].reason is Reason.CERTAIN


# --- all 972 answer sets ----------------------------------------------------------------------

# The rules written out again, by hand, from SPEC §2, to check the data-driven ones against.
FOR = {
    ("certainty", "maybe"): 2,
    ("certainty", "doubtful"): 1,
    ("insight", "paper"): 1,
    ("rust", "while"): 2,
    ("rust", "new"): 2,
    ("dream", "yes"): 1,
    ("interviewer", "recruiter"): 2,
    ("interviewer", "team"): 1,
    ("pending", "late"): 2,
    ("pending", "early"): 1,
}
AGAINST = {("cost", "sneak"): 3, ("cost", "some"): 1}


def _by_hand(answers: dict[str, str]) -> Verdict:
    if answers["certainty"] == "no_way":
        return Verdict.PASS
    score = sum(FOR.get(pair, 0) for pair in answers.items())
    score -= sum(AGAINST.get(pair, 0) for pair in answers.items())
    return Verdict.TAKE_IT if score >= 3 else Verdict.LEAN_TAKE if score >= 1 else Verdict.PASS


def test_all_972_answer_sets_match_an_independent_count():
    ids = [q.id for q in QUESTIONS]
    sets = [
        dict(zip(ids, values, strict=True))
        for values in itertools.product(*([c.value for c in q.choices] for q in QUESTIONS))
    ]
    assert len(sets) == 972
    ours = Counter(decide(answers).verdict for answers in sets)
    theirs = Counter(_by_hand(answers) for answers in sets)
    assert ours == theirs
    for answers in sets:
        assert decide(answers).verdict is _by_hand(answers), answers
    # 324 sets say "no way"; of the other 648, cost now sends 21 to PASS (it was 7 at -2).
    assert ours == {Verdict.TAKE_IT: 532, Verdict.LEAN_TAKE: 95, Verdict.PASS: 345}


def test_choice_words_never_collide_within_a_question():
    from bot.questionnaire.reading import CHOICE_TABLES, normalize

    for question in QUESTIONS:
        seen: dict[str, str] = {}
        for number, choice in enumerate(question.choices, start=1):
            for word in (str(number), choice.value, choice.label, *choice.synonyms):
                key = normalize(word)
                assert seen.setdefault(key, choice.value) == choice.value, (question.id, word)
        assert set(CHOICE_TABLES[question.id].values()) == {c.value for c in question.choices}
