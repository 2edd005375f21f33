"""Turns a full set of answers into a verdict, using the rules in `bot.questionnaire`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.questionnaire import (
    DECLINE_NOTE,
    LEAN_AT,
    PASS_OVERRIDE,
    PASS_OVERRIDE_LINE,
    RULES,
    TAKE_AT,
    TIPS,
    Reason,
    Verdict,
)


@dataclass(frozen=True)
class Finding:
    """One reason that applied, with its signed points."""

    reason: Reason
    points: int
    line: str


@dataclass(frozen=True)
class Outcome:
    """The verdict, its score and everything that explains it."""

    verdict: Verdict
    score: int
    findings: tuple[Finding, ...]
    tips: tuple[str, ...]
    decline_note: str | None


def decide(answers: Mapping[str, str], *, role_text: str | None = None) -> Outcome:
    """Score the answers and pick the verdict; `role_text` personalises the decline note."""
    findings: list[Finding] = []
    overridden = answers.get(PASS_OVERRIDE[0]) == PASS_OVERRIDE[1]
    if overridden:
        findings.append(Finding(Reason.TIME, 0, PASS_OVERRIDE_LINE))
    for rule in RULES:
        if answers.get(rule.question) != rule.value:
            continue
        if any(answers.get(q) == v for q, v in rule.unless):
            continue
        findings.append(Finding(rule.reason, rule.points, rule.line))
    score = sum(f.points for f in findings)
    if overridden:
        verdict = Verdict.PASS
    elif score >= TAKE_AT:
        verdict = Verdict.TAKE_IT
    elif score >= LEAN_AT:
        verdict = Verdict.LEAN_TAKE
    else:
        verdict = Verdict.PASS
    tips: tuple[str, ...] = ()
    note: str | None = None
    if verdict is Verdict.PASS:
        note = DECLINE_NOTE.format(for_role=f" for {role_text}" if role_text else "")
    else:
        reasons = {f.reason for f in findings if f.points > 0}
        tips = tuple(tip for reason, tip in TIPS.items() if reason in reasons)
    return Outcome(verdict, score, tuple(findings), tips, note)
