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
RETRY = "I didn't catch that. Choose one of: {choices}. {hint}"
RETRY_HINT = "Or type why (why I ask), or cancel."
RETRY_HINT_BACK = "Or type why (why I ask), back, or cancel."
DID_YOU_MEAN = "Did you mean “{label}”? Type yes, or pick one: {choices}. {hint}"
DID_YOU_MEAN_PICK = "Did you mean “{label}”? Pick one: {choices}. {hint}"
PICK_ONE = "Then pick one: {choices}. {hint}"
RETRY_HARD = (
    "Still not matching, sorry. Type the number of your answer ({numbers}), or cancel to stop."
)
STALE = "That question was already answered."
# A single word that looks like a command but is none (bot/engine/typed.py).
UNKNOWN_WORD = "I didn't understand “{word}”; type help to see what I can do."
DID_YOU_MEAN_COMMAND = "Did you mean {command}?"
UNKNOWN_BUTTON = "I don't recognise that button. Type help to see what I can do."
# When the database cannot take a change (bot/engine/engine.py); either way nothing was changed.
DISK_FULL = "I can't save anything right now — the bot's disk is full; an admin has been told."
STORAGE_BUSY = (
    "I couldn't save that: the bot's database is busy, and nothing was changed. "
    "Please try again in a moment."
)
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
RESUME_RETRY = (
    "Please choose: type resume, or start over, or the company and role of a new questionnaire."
)
RESUME = "Resume"
START_OVER = "Start over"
FORGET_PROMPT = (
    "This deletes everything I keep about you: answers, verdicts, history, reminders, the weekly "
    "look back and settings. "
    "Want a copy first? Export first (or type export) sends it to you. Delete it all?"
)
# Beside yes and no: the export, offered before anything is deleted (`tp:-:rec:export`).
FORGET_EXPORT = "Export first"
FORGET_YES = "Yes, delete everything"
FORGET_NO = "No, keep it"
FORGOTTEN = "Done. I've deleted everything I kept about you."
FORGET_KEPT = "Nothing was deleted."
HISTORY_EMPTY = "No finished questionnaires yet. Type start to begin one."
HISTORY_INTRO = (
    "{count} finished questionnaire{s}, newest first. Open one to see its verdict again."
)
HISTORY_TITLE = "Your past verdicts"
HISTORY_LINE = "{number}. {date}: {verdict} ({about})"
HISTORY_OPEN = "Open {number}"
HISTORY_GONE = "That questionnaire is no longer in your history."
HISTORY_NO_COMPANY = "no company given"
HISTORY_OUTCOME = ". Outcome: {outcome}"
START_ANOTHER = "Start another"
START_ONE = "Start a questionnaire"
HELP = (
    "I help you decide whether an interview you're not excited about is worth taking. "
    "Answer seven quick questions and I'll give you a verdict with its reasons."
)
HELP_QUESTIONS = (
    "While answering: choose an answer, or type its number or words; "
    "type back, restart, cancel, or why (why I ask)."
)
HELP_COMMANDS = (
    "Commands: start [company — role], history, change (an answer of your last verdict), "
    "not certain, stats, remind <when> <what>, reminders, timezone <zone>, channel, "
    "export (your data as files), weekly on / weekly off (a look back each Monday), "
    "forget me, help."
)
# "Set interview reminders", pressed: the next text typed is the interview's time.
ASK_INTERVIEW = (
    "When is the interview? Type the day and time, for example: tomorrow 3pm, "
    "next tuesday 10:30, dec 8 14:00. Type cancel to skip."
)
INTERVIEW_CANCELLED = "No interview reminders set."
SET_REMINDERS = "Set interview reminders"
VERDICT_WHY = "Why"
VERDICT_ANSWERS = "Your answers"
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
NOT_CERTAIN = "I'm not totally certain"
CHANGE_ANSWER = "Change an answer"
CHANGE_WHICH = "Which answer would you like to change?"
CHANGING = "Changing your answer to: {question}"
CHANGE_KEPT = "Your verdict stays as it was."
CHANGE_BACK = "You're changing just this answer. Type cancel to keep your verdict as it was."
NOT_CERTAIN_AGAIN = "Fair enough: let's look at it properly. The rest of the questions follow."
CHANGE_BUSY = (
    "You're in the middle of another questionnaire. Finish it, or type cancel, then try again."
)
COMPANY_NUMBER = (
    "That looks like an answer, but first: which company and role is it? "
    "For example: Acme — Data Analyst. Or type skip."
)
COMPANY_BLANK = "Type the company and role, for example: Acme — Data Analyst. Or type skip."
