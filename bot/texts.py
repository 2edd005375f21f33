"""The bot's own words outside the questionnaire. Never write the verdict words in capitals here."""

INTRO = "Let's see whether this interview is worth your time: seven quick questions."
INTRO_TYPED = (
    "Let's see whether this interview is worth your time: seven quick questions. "
    "(To keep the company in your history, type start Acme — Data Analyst instead.)"
)
COMPANY_PROMPT = (
    "Which company and role is it? For example: Acme — Data Analyst. "
    "It's only for your history; type skip to leave it out."
)
COMPANY_WHY = (
    "So your history and reminders can say which interview this was. "
    "It's optional and only you see it."
)
COMPANY_NOTED = "Got it: {company}."
RETRY = "I didn't catch that. Answer with a button, or type one of: {choices}."
RETRY_HARD = (
    "Still not matching, sorry. Press one of the buttons, or type its number ({numbers}). "
    "Type cancel to stop."
)
STALE = "That question was already answered."
UNKNOWN_BUTTON = "I don't recognise that button. Type help to see what I can do."
AT_FIRST = "This is already the first question."
AT_COMPANY = "This is the first step; type skip to go straight to the questions."
CANCELLED = "Cancelled. Nothing from this questionnaire was kept."
NOTHING_TO_CANCEL = "There's nothing to cancel. Type start to begin a questionnaire."
RESTARTED = "Starting again from the first question."
EXPIRED = (
    "Your questionnaire from {started} expired after {ttl} without an answer, so I've closed it."
)
EXPIRED_PRESS = "That questionnaire expired. Type start to begin a new one."
RESUME_PROMPT = (
    "You have a questionnaire in progress{about}, at question {number} of {total}. "
    "Resume it, or start over?"
)
RESUME_RETRY = "Please choose: type resume, or start over."
RESUME = "Resume"
START_OVER = "Start over"
FORGET_PROMPT = (
    "This deletes everything I keep about you: answers, verdicts, history and settings. "
    "Delete it all?"
)
FORGET_YES = "Yes, delete everything"
FORGET_NO = "No, keep it"
FORGOTTEN = "Done. I've deleted everything I kept about you."
FORGET_KEPT = "Nothing was deleted."
HISTORY_EMPTY = "No finished questionnaires yet. Type start to begin one."
HISTORY_TITLE = "Your past verdicts"
HISTORY_LINE = "{date}: {verdict} ({about})"
HISTORY_NO_COMPANY = "no company given"
HISTORY_OUTCOME = ". Outcome: {outcome}"
START_ANOTHER = "Start another"
HELP = (
    "I help you decide whether an interview you're not excited about is worth taking. "
    "Answer seven quick questions and I'll give you a verdict with its reasons."
)
HELP_QUESTIONS = (
    "While answering: press a button or type its number or words; "
    "type back, restart, cancel, or why (why I ask)."
)
HELP_COMMANDS = (
    "Commands: start [company — role], history, stats, remind <when> <what>, reminders, "
    "timezone <zone>, channel, forget me, help."
)
SET_REMINDERS = "Set interview reminders"
VERDICT_REASONS_FOR = "In favour of going"
VERDICT_REASONS_AGAINST = "Against going"
VERDICT_TIPS = "To prepare"
VERDICT_NOTE = "A polite decline you can copy"
CONTROL_LABELS = {
    "back": "Back",
    "restart": "Restart",
    "cancel": "Cancel",
    "why": "Why I ask",
}
SKIP = "Skip"
