"""The conversation as a pure state machine: `step(session, event, context)`, no I/O."""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from bot.common.buttons import INTERVIEW_STEP, RECORD_STEP, USER_SCOPE, button_id
from bot.common.durations import format_duration
from bot.common.events import Event, Press, Start, Text
from bot.common.replies import Button, ButtonRole, Kind, Reply
from bot.questionnaire import texts
from bot.questionnaire.effects import (
    Context,
    ForgetUser,
    InterviewTime,
    ShowHistory,
    Step,
)
from bot.questionnaire.reading import (
    after_start,
    clean_company,
    normalize,
    read_choice,
    split_company,
)
from bot.questionnaire.revise import STEPS as SECOND_LOOK_STEPS
from bot.questionnaire.revise import answer, second_look, typed
from bot.questionnaire.rules import QUESTIONS
from bot.questionnaire.state import Conversation, Pending, PendingKind, Session, Stage
from bot.questionnaire.views import (
    TOTAL,
    describe_company,
    help_reply,
    info,
    join,
    question_reply,
    refused,
    start_button,
)

CONTROL_WORDS: Final = ("back", "restart", "cancel", "why", "help")
MISSES_BEFORE_BUTTONS: Final = 3


# --- text matching ---------------------------------------------------------------------------

CHOICE_VALUES: Final = {q.id: frozenset(c.value for c in q.choices) for q in QUESTIONS}
_RESUME_WORDS: Final = {"resume", "1", "continue", "go on", "carry on"}
_OVER_WORDS: Final = {"start over", "over", "2", "new", "start again", "fresh"}
_YES_WORDS: Final = {"yes", "y", "1", "delete", "yes delete everything", "confirm"}
_NO_WORDS: Final = {"no", "n", "2", "keep", "no keep it"}
FORGET_WORDS: Final = {"forget me", "forget", "delete me", "delete my data"}
# The answer to "Did you mean …?" about a near miss.
_CONFIRM_WORDS: Final = {"yes", "y", "yep", "yeah", "yes please", "correct", "right", "ok"}
_DENY_WORDS: Final = {"no", "n", "nope", "no thanks", "wrong"}
# Labels that are themselves a yes or a no ("Yes", "No"): there a typed yes or no is that
# answer, never a reply to "Did you mean …?".
_LABELS: Final = {q.id: frozenset(normalize(c.label) for c in q.choices) for q in QUESTIONS}


# --- the state machine -----------------------------------------------------------------------


def step(session: Session, event: Event, ctx: Context) -> Step:
    """Apply one event to a session. Pure: the same inputs always give the same result."""
    notices: tuple[Reply, ...] = ()
    conv = session.conversation
    if conv is not None and ctx.now - conv.touched_at > ctx.ttl:
        started = f"{conv.started_at:%d %b %Y}".lstrip("0")
        expired = texts.EXPIRED.format(started=started, ttl=format_duration(ctx.ttl))
        session = Session()
        if isinstance(event, Press):
            return Step(session, (refused(join(expired, texts.EXPIRED_PRESS)),))
        notices = (info(expired),)
    # A near miss asked back holds for the very next text only.
    guess = session.conversation.guess if session.conversation is not None else None
    if guess is not None and session.conversation is not None:
        session = replace(session, conversation=replace(session.conversation, guess=None))
    if isinstance(event, Start):
        result = _start(session, event.company_text, event.ask_company, ctx)
    elif isinstance(event, Text):
        result = _text(session, event, ctx, guess)
    else:
        result = _press(session, event, ctx)
    new_conv = result.session.conversation
    if new_conv is not None and new_conv.touched_at != ctx.now:
        touched = replace(result.session, conversation=replace(new_conv, touched_at=ctx.now))
        result = replace(result, session=touched)
    return replace(result, replies=notices + result.replies) if notices else result


def _begin(company_text: str | None, ask_company: bool, ctx: Context, notice: str | None) -> Step:
    company, role = split_company(company_text) if company_text else (None, None)
    stage = Stage.COMPANY if ask_company and not (company or role) else Stage.QUESTIONS
    conv = Conversation(ctx.new_id, stage, ctx.now, ctx.now, company=company, role=role)
    about = describe_company(company, role)
    noted = texts.COMPANY_NOTED.format(company=about) if about else None
    return Step(Session(conv), (question_reply(conv, join(notice, noted)),))


def _worth_resuming(conv: Conversation) -> bool:
    # Nothing answered yet (or only the company step): starting afresh loses nothing.
    return conv.stage is Stage.QUESTIONS and bool(conv.answers)


def _start(session: Session, company_text: str | None, ask: bool, ctx: Context) -> Step:
    conv = session.conversation
    if conv is None or not _worth_resuming(conv):
        return _begin(company_text, ask, ctx, texts.INTRO)
    about = describe_company(conv.company, conv.role)
    prompt = texts.RESUME_PROMPT.format(
        about=f" ({about})" if about else "", number=conv.index + 1, total=TOTAL
    )
    buttons = (
        Button(button_id(conv.id, "resume", "yes"), texts.RESUME, ButtonRole.ACTION),
        Button(button_id(conv.id, "resume", "over"), texts.START_OVER, ButtonRole.ACTION),
    )
    # Kept as a fresh start would keep it: a huge or garbled text must not bloat the session.
    company = clean_company(company_text) if company_text else None
    pending = Pending(PendingKind.RESUME, company, ask)
    return Step(replace(session, pending=pending), (info(prompt, *buttons),))


def _resume(session: Session, over: bool, ctx: Context) -> Step:
    conv, pending = session.conversation, session.pending
    if conv is None or pending is None:
        return Step(session, (refused(texts.STALE),))
    if over:
        return _begin(pending.company, pending.ask_company, ctx, texts.INTRO)
    return Step(Session(conv), (question_reply(conv),))


def _forget(session: Session, confirmed: bool) -> Step:
    if confirmed:
        return Step(Session(), (info(texts.FORGOTTEN),), (ForgetUser(),))
    conv = session.conversation
    # Show the question again: the answer typed next must meet a question on screen.
    again = (question_reply(conv),) if conv is not None else ()
    return Step(replace(session, pending=None), (info(texts.FORGET_KEPT), *again))


def forget_prompt(text: str, *, offer_export: bool) -> Reply:
    """ "Delete everything?" with its yes and no, and, offered first, the export
    (`tp:-:rec:export`, which the record answers: the question stays open meanwhile)."""
    buttons: tuple[Button, ...] = (
        Button(button_id(USER_SCOPE, "forget", "yes"), texts.FORGET_YES, ButtonRole.ACTION, True),
        Button(button_id(USER_SCOPE, "forget", "no"), texts.FORGET_NO, ButtonRole.ACTION),
    )
    if offer_export:  # last, so that 1 and 2 still answer yes and no
        export = button_id(USER_SCOPE, RECORD_STEP, "export")
        buttons = (*buttons, Button(export, texts.FORGET_EXPORT, ButtonRole.ACTION))
    return info(text, *buttons)


def _ask_forget(session: Session) -> Step:
    pending = Pending(PendingKind.FORGET)
    prompt = forget_prompt(texts.FORGET_PROMPT, offer_export=True)
    return Step(replace(session, pending=pending), (prompt,))


def _text(session: Session, event: Text, ctx: Context, guess: str | None = None) -> Step:
    raw = event.text
    word = "help" if raw.strip() == "?" else normalize(raw)
    if not raw.strip():
        return _blank(session)
    if word in CONTROL_WORDS:
        return _control(session, word, ctx)
    if event.interview is not None:
        if session.pending is not None and session.pending.kind is PendingKind.INTERVIEW:
            session = replace(session, pending=None)
        return Step(session, (), (InterviewTime(event.interview, raw),))
    if word == "history":
        return Step(session, (), (ShowHistory(),))
    if word in FORGET_WORDS:
        return _ask_forget(session)
    if (looked := typed(session, word, ctx)) is not None:
        return looked
    pending = session.pending
    resuming = pending is not None and pending.kind is PendingKind.RESUME
    if resuming and (word in _RESUME_WORDS or word in _OVER_WORDS):
        return _resume(session, word in _OVER_WORDS, ctx)
    if word == "start" or word.startswith("start "):
        return _start(session, after_start(raw), True, ctx)
    if pending is not None and pending.kind is PendingKind.INTERVIEW and pending.ref:
        return Step(session, (), (InterviewTime(pending.ref, raw),))
    if resuming:
        if word.isdigit():
            return Step(session, (info(texts.RESUME_RETRY),))
        # A company and role instead of an answer: that's a new questionnaire about it.
        return _begin(raw, True, ctx, texts.INTRO)
    if pending is not None and pending.kind is PendingKind.FORGET:
        if word in _YES_WORDS or word in _NO_WORDS:
            return _forget(session, word in _YES_WORDS)
        session = replace(session, pending=None)
    conv = session.conversation
    if conv is None:
        # Someone wrote to the bot out of the blue: go straight to the questions.
        return _begin(None, False, ctx, texts.INTRO_TYPED)
    if conv.stage is Stage.COMPANY:
        if word == "skip":
            return _to_questions(session, conv, None, None)
        if word.isdigit():  # an answer typed too early, not a company
            return Step(session, (question_reply(conv, texts.COMPANY_NUMBER),))
        company, role = split_company(raw)
        return _to_questions(session, conv, company, role)
    return _answer(session, conv, word, raw, guess, ctx)


def _answer(
    session: Session, conv: Conversation, word: str, raw: str, guess: str | None, ctx: Context
) -> Step:
    """A typed answer to the question asked, read by meaning; after "Did you mean …?", a yes
    takes the guess and a no asks for the choice (where yes and no are no answer's label)."""
    if guess is not None and word not in _LABELS[conv.step_id]:
        if word in _CONFIRM_WORDS:
            return answer(conv, guess, ctx)
        if word in _DENY_WORDS:
            pick = texts.PICK_ONE.format(choices=_listed(conv), hint=_hint(conv))
            return Step(session, (Reply(kind=Kind.ERROR, text=pick),))
    reading = read_choice(conv.step_id, raw)
    if reading.value is None:
        return _miss(session, conv, reading.guess)
    return answer(conv, reading.value, ctx)


def _blank(session: Session) -> Step:
    conv = session.conversation
    if conv is not None and conv.stage is Stage.COMPANY:
        return Step(session, (question_reply(conv, texts.COMPANY_BLANK),))
    return Step(session)  # an empty message (an image, a blank line) asks nothing


def _to_questions(
    session: Session, conv: Conversation, company: str | None, role: str | None
) -> Step:
    conv = replace(conv, stage=Stage.QUESTIONS, company=company, role=role, misses=0)
    about = describe_company(company, role)
    noted = texts.COMPANY_NOTED.format(company=about) if about else None
    return Step(replace(session, conversation=conv), (question_reply(conv, noted),))


def _listed(conv: Conversation) -> str:
    choices = QUESTIONS[conv.index].choices
    return ", ".join(f"{n} ({c.label})" for n, c in enumerate(choices, start=1))


def _hint(conv: Conversation) -> str:
    """The words that still work while an answer is not understood."""
    back = conv.index > 0 and conv.editing is None
    return texts.RETRY_HINT_BACK if back else texts.RETRY_HINT


def _miss(session: Session, conv: Conversation, guess: str | None = None) -> Step:
    """An answer not understood: a near miss is asked back ("Did you mean …?"), anything
    else gets the choices again; from the third miss in a row the question follows, with its
    buttons, after the apology."""
    conv = replace(conv, misses=conv.misses + 1, guess=guess)
    question = QUESTIONS[conv.index]
    listed = _listed(conv)
    if guess is not None:
        label = next(c.label for c in question.choices if c.value == guess)
        confirmable = not _LABELS[question.id] & _CONFIRM_WORDS
        asked = texts.DID_YOU_MEAN if confirmable else texts.DID_YOU_MEAN_PICK
        text = asked.format(label=label, choices=listed, hint=_hint(conv))
    elif conv.misses >= MISSES_BEFORE_BUTTONS:
        numbers = ", ".join(str(n) for n in range(1, len(question.choices) + 1))
        text = texts.RETRY_HARD.format(numbers=numbers)
    else:
        text = texts.RETRY.format(choices=listed, hint=_hint(conv))
    replies: tuple[Reply, ...] = (Reply(kind=Kind.ERROR, text=text),)
    if conv.misses >= MISSES_BEFORE_BUTTONS:
        replies = (*replies, question_reply(conv))
    return Step(replace(session, conversation=conv), replies)


def _control(session: Session, word: str, ctx: Context) -> Step:
    conv = session.conversation
    if word == "help":
        return Step(session, (help_reply(conv),))
    if word == "cancel":
        if session.pending is not None and session.pending.kind is PendingKind.INTERVIEW:
            return Step(replace(session, pending=None), (info(texts.INTERVIEW_CANCELLED),))
        if conv is None and session.pending is None:
            return Step(session, (info(texts.NOTHING_TO_CANCEL),))
        if conv is not None and conv.editing is not None:
            return Step(Session(), (info(texts.CHANGE_KEPT, start_button()),))
        text = texts.CANCELLED if conv is not None else texts.FORGET_KEPT
        return Step(Session(), (info(text, start_button()),))
    if conv is None:
        if word == "restart":
            return _begin(None, True, ctx, texts.INTRO)
        return Step(session, (help_reply(None),))
    session = Session(conv)
    if word == "why":
        why = texts.COMPANY_WHY if conv.stage is Stage.COMPANY else QUESTIONS[conv.index].why
        return Step(session, (question_reply(conv, why),))
    if word == "restart":
        fresh = Conversation(
            ctx.new_id, Stage.QUESTIONS, ctx.now, ctx.now, company=conv.company, role=conv.role
        )
        return Step(Session(fresh), (question_reply(fresh, texts.RESTARTED),))
    # back
    if conv.editing is not None:
        return Step(session, (question_reply(conv, texts.CHANGE_BACK),))
    if conv.stage is Stage.COMPANY:
        return Step(session, (question_reply(conv, texts.AT_COMPANY),))
    if conv.index == 0:
        return Step(session, (question_reply(conv, texts.AT_FIRST),))
    conv = replace(conv, answers=conv.answers[:-1], misses=0)
    return Step(Session(conv), (question_reply(conv),))


def _press(session: Session, event: Press, ctx: Context) -> Step:
    if event.button is None:
        return Step(session, (refused(texts.UNKNOWN_BUTTON, Kind.ERROR),))
    scope, step_id, value = event.button
    if step_id in SECOND_LOOK_STEPS and scope != USER_SCOPE:
        return second_look(session, scope, step_id, value, ctx)
    if (step_id, value) == (INTERVIEW_STEP, "set"):
        asking = Pending(PendingKind.INTERVIEW, ref=scope)
        # Marked with the questionnaire and step, so an adapter can offer a form for the time.
        ask = info(texts.ASK_INTERVIEW)
        ask = ask._replace(conversation_id=scope, step_id=INTERVIEW_STEP)
        return Step(replace(session, pending=asking), (ask,))
    if scope == USER_SCOPE:
        if (step_id, value) == ("start", "new"):
            return _start(session, None, True, ctx)
        if (step_id, value) == ("history", "show"):
            return Step(session, (), (ShowHistory(),))
        if step_id == "forget" and value in ("yes", "no"):
            pending = session.pending
            if pending is None or pending.kind is not PendingKind.FORGET:
                return Step(session, (refused(texts.STALE),))
            return _forget(session, value == "yes")
        return Step(session, (refused(texts.UNKNOWN_BUTTON, Kind.ERROR),))
    conv = session.conversation
    if conv is None or scope != conv.id:
        return Step(session, (refused(texts.STALE),))
    if step_id == "resume":
        pending = session.pending
        if (
            pending is None
            or pending.kind is not PendingKind.RESUME
            or value not in ("yes", "over")
        ):
            return Step(session, (refused(texts.STALE),))
        return _resume(session, value == "over", ctx)
    if step_id != conv.step_id:
        return Step(session, (refused(texts.STALE),))
    session = Session(conv)
    if value in CONTROL_WORDS:
        return _control(session, value, ctx)
    if conv.stage is Stage.COMPANY:
        if value == "skip":
            return _to_questions(session, conv, None, None)
        return Step(session, (refused(texts.UNKNOWN_BUTTON, Kind.ERROR),))
    if value not in CHOICE_VALUES[step_id]:
        return Step(session, (refused(texts.UNKNOWN_BUTTON, Kind.ERROR),))
    return answer(conv, value, ctx)
