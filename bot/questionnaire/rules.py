"""The questionnaire and the verdict rules, as data: tune them here, not in the flow or adapters."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    """The five reasons the questionnaire weighs."""

    WANT = "want"
    PRACTICE = "practice"
    PEOPLE = "people"
    LEVERAGE = "leverage"
    TIME = "time"
    # "No way": the one answer that decides on its own.
    CERTAIN = "certain"


class Verdict(StrEnum):
    """The three verdicts; their values are the words the verdict message starts with."""

    TAKE_IT = "TAKE IT"
    LEAN_TAKE = "LEAN TAKE"
    PASS = "PASS"


@dataclass(frozen=True)
class Choice:
    """One answer to a question: a stable value, a button label and typed synonyms."""

    value: str
    label: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire."""

    id: str
    prompt: str
    why: str
    choices: tuple[Choice, ...]
    # A word or two for recaps and for "Change an answer".
    short: str = ""


@dataclass(frozen=True)
class Rule:
    """Points an answer adds (or, negative, takes away) and the line that explains it."""

    question: str
    value: str
    points: int
    reason: Reason
    line: str
    # The rule counts only when no answer listed here was given.
    unless: tuple[tuple[str, str], ...] = ()


def _synonyms(listed: str) -> tuple[str, ...]:
    """A choice's synonyms, written as one comma-separated list."""
    return tuple(word.strip() for word in listed.split(","))


# Synonyms are read two ways (bot/questionnaire/reading.py): typed exactly, each names its
# choice; inside a longer answer, a synonym that explains every word of it names it too, and
# one that explains only some of them is asked back ("Did you mean …?").
QUESTIONS: tuple[Question, ...] = (
    Question(
        id="certainty",
        short="Chance you want it",
        prompt="Is there any chance you'd want to work there, in this role?",
        why="If you're sure you'd never take it, the interview is mostly cost. "
        "If you're not sure, seeing the place is the quickest way to find out.",
        choices=(
            Choice(
                "no_way",
                "No way",
                _synonyms(
                    "no, never, certain, not for me, none, no chance, not a chance, zero, "
                    "definitely not, absolutely not, not at all, nope, not interested, i "
                    "would never, not in a million years"
                ),
            ),
            Choice(
                "doubtful",
                "Doubtful",
                _synonyms(
                    "unlikely, probably not, not sure, no idea, doubt, i doubt it, not likely, "
                    "slim chance, small chance, not really, hardly, not much, a little"
                ),
            ),
            Choice(
                "maybe",
                "Maybe",
                _synonyms(
                    "could be, possibly, perhaps, convince me, yes, might, open to it, some "
                    "chance, a good chance, probably, likely, interested, sure, yeah, i would "
                    "consider it"
                ),
            ),
        ),
    ),
    Question(
        id="insight",
        short="Know the place",
        prompt="How well do you know the day-to-day there: the team, the culture, the place?",
        why="Job posts are adverts. If all you've seen is the advert, "
        "the job may be better (or worse) than it looks.",
        choices=(
            Choice(
                "well",
                "From the inside",
                _synonyms(
                    "well, inside, i know, know it, insider, very well, quite well, i know "
                    "people there, know people, friends there, worked there, i work there, "
                    "contacts there, know the team, former employee"
                ),
            ),
            Choice(
                "paper",
                "Only on paper",
                _synonyms(
                    "paper, posting, website, ad, not well, not much, not at all, barely, job "
                    "ad, advert, job post, listing, reviews, online, don't know, no idea, a "
                    "little, not really, only the posting"
                ),
            ),
        ),
    ),
    Question(
        id="rust",
        short="Last interview",
        prompt="When did you last do a real interview?",
        why="Interviewing is a skill that fades. A low-stakes interview is cheap practice.",
        choices=(
            Choice(
                "recent",
                "In the last few months",
                _synonyms(
                    "recent, recently, months, months ago, a month ago, last month, this "
                    "month, few months, weeks ago, last week, this week, days ago, this year, "
                    "lately, not long ago, earlier this year"
                ),
            ),
            Choice(
                "while",
                "A year or more ago",
                _synonyms(
                    "a while, year, long ago, ages, years, a year ago, years ago, over a "
                    "year, more than a year, last year, a long time, ages ago, a while ago, "
                    "been a while, forever, rusty, decade"
                ),
            ),
            Choice(
                "new",
                "I'm early in my career",
                _synonyms(
                    "new, early, never, first, junior, never interviewed, first interview, "
                    "first job, graduate, new grad, student, intern, entry level, early "
                    "career, starting out"
                ),
            ),
        ),
    ),
    Question(
        id="dream",
        short="Interview you care about",
        prompt="Is an interview you really care about coming up, or hoped for soon?",
        why="A warm-up shortly before the interview you care about helps a little: "
        "it counts for a point, not more.",
        choices=(
            Choice(
                "yes",
                "Yes",
                _synonyms(
                    "y, yep, yeah, soon, coming up, yes soon, i have one, hopefully, next "
                    "week, next month, in a few weeks, sure"
                ),
            ),
            Choice(
                "no",
                "No",
                _synonyms(
                    "n, nope, not yet, none, nothing, not really, nothing planned, nothing "
                    "coming up, no interview"
                ),
            ),
        ),
    ),
    Question(
        id="interviewer",
        short="Talking to",
        prompt="Who would you be talking to?",
        why="Recruiters move between companies and remember good candidates; "
        "a hiring manager is a contact in your field.",
        choices=(
            Choice(
                "recruiter",
                "A recruiter",
                _synonyms(
                    "recruiter, hr, talent, sourcer, recruiting, talent acquisition, people "
                    "team, human resources, agency, headhunter, phone screen"
                ),
            ),
            Choice(
                "team",
                "The hiring manager or team",
                _synonyms(
                    "team, manager, hiring manager, the hiring manager, the team, my future "
                    "boss, boss, future manager, team lead, tech lead, engineers, director, "
                    "founder, panel, peers, colleagues"
                ),
            ),
            Choice(
                "unknown",
                "Not sure",
                _synonyms(
                    "unknown, dont know, don't know, no idea, unsure, idk, no clue, not told, "
                    "who knows"
                ),
            ),
        ),
    ),
    Question(
        id="pending",
        short="Waiting on another",
        prompt="Are you waiting to hear from a company you'd prefer that is slow to decide?",
        why="A real offer in hand is the politest way to ask a slow company to hurry up.",
        choices=(
            Choice(
                "late",
                "Yes, in late rounds",
                _synonyms(
                    "late, late rounds, final, finals, final round, last round, final "
                    "interview, offer stage, onsite, late stage, nearly there"
                ),
            ),
            Choice(
                "early",
                "Yes, early on",
                _synonyms(
                    "early, early rounds, first round, just applied, applied, screening, "
                    "early stage, second round"
                ),
            ),
            Choice(
                "no",
                "No",
                _synonyms(
                    "n, nope, none, not waiting, nobody, no one, not really, nothing, this is "
                    "the only one"
                ),
            ),
        ),
    ),
    Question(
        id="cost",
        short="Cost of going",
        prompt="What would going cost you?",
        why="Your time is the one real price of an interview. When it's steep, "
        "the bar for going is higher.",
        choices=(
            Choice(
                "sneak",
                "I'd have to slip away from work",
                _synonyms(
                    "sneak, slip away, full-time, full time, hard, a lot, a lot of hassle, "
                    "take time off, day off, a day off, holiday, vacation day, pto, annual "
                    "leave, expensive, difficult, hard to get away"
                ),
            ),
            Choice(
                "some",
                "Some hassle",
                _synonyms(
                    "some, hassle, a bit, bit, a bit of hassle, bit of a hassle, moderate, a "
                    "little, a few hours, manageable, an afternoon, half a day, somewhat, "
                    "commute, some time"
                ),
            ),
            Choice(
                "free",
                "Not much, my time is flexible",
                _synonyms(
                    "free, flexible, nothing, easy, not much, my time is flexible, between "
                    "jobs, unemployed, free time, plenty of time, remote, no problem, very "
                    "little, no hassle, hardly anything"
                ),
            ),
        ),
    ),
)

QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)
QUESTION_BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}

RULES: tuple[Rule, ...] = (
    Rule("certainty", "maybe", 2, Reason.WANT, "You could be convinced, so go and find out."),
    Rule(
        "certainty",
        "doubtful",
        1,
        Reason.WANT,
        "You're doubtful, not certain: seeing it settles it.",
    ),
    Rule(
        "insight",
        "paper",
        1,
        Reason.WANT,
        "You only know it from the posting; the real job may surprise you.",
        unless=(("certainty", "no_way"),),
    ),
    Rule("rust", "while", 2, Reason.PRACTICE, "It's been a while since your last interview."),
    Rule(
        "rust", "new", 2, Reason.PRACTICE, "Early in a career, every interview teaches something."
    ),
    Rule("dream", "yes", 1, Reason.PRACTICE, "It's a warm-up for the interview you care about."),
    Rule("interviewer", "recruiter", 2, Reason.PEOPLE, "Recruiters remember good candidates."),
    Rule("interviewer", "team", 1, Reason.PEOPLE, "You'd meet people in your field."),
    Rule("pending", "late", 2, Reason.LEVERAGE, "An offer could hurry the company you prefer."),
    Rule(
        "pending",
        "early",
        1,
        Reason.LEVERAGE,
        "An offer later could help with the company you prefer.",
    ),
    Rule(
        "cost",
        "sneak",
        -3,
        Reason.TIME,
        "Slipping away from a full-time job costs you, and your time matters most then.",
    ),
    Rule("cost", "some", -1, Reason.TIME, "Going is some hassle."),
)

# The answer that decides the verdict on its own (and ends the questionnaire), and the line
# that says why.
PASS_OVERRIDE: tuple[str, str] = ("certainty", "no_way")
PASS_OVERRIDE_LINE = "You're certain you'd never take this job."

# Score at or above which the verdict is TAKE IT, and at or above which it is LEAN TAKE.
TAKE_AT = 3
LEAN_AT = 1

# Each summary states the verdict's real cause.
VERDICT_SUMMARY: dict[Verdict, str] = {
    Verdict.TAKE_IT: "Go to this one: it's worth more than it costs you.",
    Verdict.LEAN_TAKE: "Lean towards going: you're not totally certain, so don't stay away.",
    Verdict.PASS: "Pass on this one: going would cost you more than it's likely to give you.",
}
CERTAIN_SUMMARY = "Pass on this one: you're certain it's not for you, so pass the dud."

REASON_NAMES: dict[Reason, str] = {
    Reason.WANT: "Want",
    Reason.PRACTICE: "Practice",
    Reason.PEOPLE: "People",
    Reason.LEVERAGE: "Leverage",
    Reason.TIME: "Time",
    Reason.CERTAIN: "Certain",
}

# Prep tips for TAKE IT and LEAN TAKE, picked by the reasons that applied.
TIPS: dict[Reason, str] = {
    Reason.PRACTICE: "Rehearse two stories out loud: a win and a mistake you learned from.",
    Reason.PEOPLE: "Write down who you meet and one thing about each; send a thank-you note.",
    Reason.LEVERAGE: "If an offer comes, tell the company you prefer, truthfully, "
    "and ask about their timeline.",
    Reason.WANT: "Go and look around: ask what a normal week is like and who you'd work with.",
}

# A tip is left out when one of these answers was given: someone who knows the place from the
# inside needn't be told to go and look around.
TIPS_UNLESS: dict[Reason, tuple[tuple[str, str], ...]] = {
    Reason.WANT: (("insight", "well"),),
}

DECLINE_NOTE = (
    "Thank you for inviting me to interview{what}. I've given it careful thought and decided "
    "not to go ahead this time, so I won't take up your team's time. I appreciate you thinking "
    "of me, and I'd be glad to stay in touch about future roles."
)
