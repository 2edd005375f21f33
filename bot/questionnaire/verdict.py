"""Turns answers into a verdict, using the rules in `bot.questionnaire.rules`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.questionnaire.rules import (
    CERTAIN_SUMMARY,
    DECLINE_NOTE,
    LEAN_AT,
    PASS_OVERRIDE,
    PASS_OVERRIDE_LINE,
    RULES,
    TAKE_AT,
    TIPS,
    TIPS_UNLESS,
    VERDICT_SUMMARY,
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
    # The one-line summary, true to the verdict's cause.
    summary: str = ""
    # Points for and against going; None when the verdict was not weighed ("no way").
    balance: tuple[int, int] | None = None


def is_certain_pass(answers: Mapping[str, str]) -> bool:
    """Whether the answers end the questionnaire at once ("no way")."""
    return answers.get(PASS_OVERRIDE[0]) == PASS_OVERRIDE[1]


def interview_words(company: str | None, role: str | None) -> str:
    """ " for the Data Analyst role at Acme", " at Acme", " for the Data Analyst role", or ""."""
    if role and company:
        return f" for the {role} role at {company}"
    if company:
        return f" at {company}"
    if role:
        return f" for the {role} role"
    return ""


def decide(
    answers: Mapping[str, str], *, company: str | None = None, role: str | None = None
) -> Outcome:
    """Score the answers and pick the verdict; company and role personalise the decline note."""
    note = DECLINE_NOTE.format(what=interview_words(company, role))
    if is_certain_pass(answers):
        finding = Finding(Reason.CERTAIN, 0, PASS_OVERRIDE_LINE)
        return Outcome(Verdict.PASS, 0, (finding,), (), note, CERTAIN_SUMMARY)
    findings = tuple(
        Finding(rule.reason, rule.points, rule.line)
        for rule in RULES
        if answers.get(rule.question) == rule.value
        and not any(answers.get(q) == v for q, v in rule.unless)
    )
    score = sum(f.points for f in findings)
    balance = (
        sum(f.points for f in findings if f.points > 0),
        -sum(f.points for f in findings if f.points < 0),
    )
    if score >= TAKE_AT:
        verdict = Verdict.TAKE_IT
    elif score >= LEAN_AT:
        verdict = Verdict.LEAN_TAKE
    else:
        verdict = Verdict.PASS
    if verdict is Verdict.PASS:
        return Outcome(verdict, score, findings, (), note, VERDICT_SUMMARY[verdict], balance)
    reasons = {f.reason for f in findings if f.points > 0}
    tips = tuple(
        tip
        for reason, tip in TIPS.items()
        if reason in reasons
        and not any(answers.get(q) == v for q, v in TIPS_UNLESS.get(reason, ()))
    )
    return Outcome(verdict, score, findings, tips, None, VERDICT_SUMMARY[verdict], balance)
