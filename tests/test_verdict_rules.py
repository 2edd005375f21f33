"""The verdict rules: every rule's points, the score boundaries and the no_way override."""

from __future__ import annotations

import pytest

from bot.questionnaire import QUESTIONS, RULES, Verdict
from bot.verdict import decide

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
        ({"cost": "sneak"}, -1, Verdict.PASS),
    ],
    ids=["score-0-pass", "score-1-lean", "score-2-lean", "score-3-take", "score-neg-pass"],
)
def test_score_boundaries_pick_the_verdict(changes, score, verdict):
    outcome = decide({**BASELINE, **changes})
    assert outcome.score == score
    assert outcome.verdict is verdict


def test_no_way_passes_whatever_else_was_answered():
    best = {"insight": "paper", "rust": "new", "dream": "yes", "interviewer": "recruiter"}
    outcome = decide({**BASELINE, **best, "pending": "late", "certainty": "no_way"})
    assert outcome.verdict is Verdict.PASS
    assert outcome.decline_note is not None
    # Only-on-paper counts only when the user might want the job.
    assert all("posting" not in f.line for f in outcome.findings)


def test_insight_paper_counts_when_not_certain():
    outcome = decide({**BASELINE, "insight": "paper"})
    assert any("posting" in f.line for f in outcome.findings)


def test_tips_follow_the_reasons_that_applied():
    outcome = decide({**BASELINE, "certainty": "maybe", "rust": "while", "pending": "late"})
    assert outcome.verdict is Verdict.TAKE_IT
    joined = " ".join(outcome.tips)
    assert "stories" in joined and "timeline" in joined
    assert "who you meet" not in joined  # no people reason applied
    assert outcome.decline_note is None


def test_pass_gives_a_decline_note_naming_the_role():
    outcome = decide({**BASELINE, "cost": "sneak"}, role_text="Acme — Data Analyst")
    assert outcome.decline_note is not None and "Acme — Data Analyst" in outcome.decline_note


def test_choice_words_never_collide_within_a_question():
    from bot.flow import CHOICE_TABLES, normalize

    for question in QUESTIONS:
        seen: dict[str, str] = {}
        for number, choice in enumerate(question.choices, start=1):
            for word in (str(number), choice.value, choice.label, *choice.synonyms):
                key = normalize(word)
                assert seen.setdefault(key, choice.value) == choice.value, (question.id, word)
        assert set(CHOICE_TABLES[question.id].values()) == {c.value for c in question.choices}
