"""The bot's words about reminders. Never write the verdict words in capitals here."""

ASK_NEXT_ROUND = (
    "Good luck with the next round! When is it? Type the day and time, for example: "
    "next tuesday 10:30. Type cancel to skip."
)
INTERVIEW_SET = "Interview reminders set for {about}, {when}."
INTERVIEW_TIMES = "When you'll hear from me"
INTERVIEW_NOTHING_BEFORE = "It's too soon for a reminder before it; I'll still ask how it went."
INTERVIEW_UNKNOWN = "I can't find that questionnaire any more, so I can't set its reminders."
BEFORE_LINE = "{when}: a reminder, {ahead} before"
FOLLOWUP_LINE = "{when}: I'll ask how it went"
THE_INTERVIEW = "the interview"

REMIND_HELP = (
    "Write remind with when and what, in either order: remind tomorrow 9am send the thank-you "
    "note, remind me to call Sam back in 2 hours, remind every monday 9am plan the week."
)
# --- P1, the phrase reader: what it could not read, and the reminder asked back ----------------
REMIND_NO_TIME = (
    "I couldn't find when in “{typed}”. Put the time first or last: remind tomorrow 9am call "
    "Sam, or remind me to call Sam in 2 hours. Times I understand: {examples}."
)
REMIND_TIME_INSIDE = (
    "“{fragment}” sits in the middle of the reminder, so I can't tell the time from the text. "
    "Put the time first or last: remind tomorrow 9am call Sam, or remind me to call Sam "
    "tomorrow at 9am. Times I understand: {examples}."
)
REMIND_EMPTY_WHEN = "Tell me when, for example: {examples}."
REMIND_NOT_A_TIME = "I couldn't read “{typed}” as a time. Try: {examples}."
REMIND_NO_SUCH_TIME = (
    "There's no {typed} on the clock (a day runs from 00:00 to 23:59), so nothing was saved. "
    "Try: {examples}."
)
REMIND_NO_SUCH_DATE = "There's no {typed} in the calendar, so nothing was saved. Try: {examples}."
REMIND_CANNOT_REPEAT = "I can't repeat “{typed}”. I can repeat: {repeats}."
REMIND_PASSED = "“{typed}” ({when}) has already passed. Try a time ahead: {examples}."
REMIND_TOO_FAR = (
    "“{typed}” ({when}) is more than a year ahead; I can remind you up to 365 days out. "
    "Try: {examples}."
)
REMIND_NEVER = "“{typed}” doesn't come round within a year. I can repeat: {repeats}."
REMIND_ENDS_FIRST = "“{typed}” ends before its first time ({when}), so nothing was saved."
REMIND_BARE_HOUR = "I read “{typed}” as {clock}; write {other} if you meant the other one."
REMIND_ASK = "“{fragment}” looks like a time too, so I didn't guess. Which did you mean?"
REMIND_ASK_GONE = "That question was already answered; set the reminder again with remind."
REMIND_ASK_PASSED = "That time has passed in the meantime; set the reminder again with remind."
REMIND_SET = "Reminder set for {when}{where}: {text}"
REMIND_SET_RECURRING = "Recurring reminder set{where}, {rule}, starting {when}: {text}"
# P2 (recurrence): the recurring confirmation's list of the next times.
RECURRING_NEXT_TIMES = "Next times"
NO_TEXT = "What should I remind you of? Put it after the time, for example: remind {when} stretch."
# Text that was only control or invisible characters (they are never kept).
NOTHING_TO_POST = (
    "That text is only invisible or control characters, which I leave out; type the words to post."
)
TOO_LONG = "That reminder is {length} characters; please keep it to {limit}."
TOO_MANY = (
    "You already have {limit} reminders waiting. Cancel one (type reminders) before adding more."
)
TOO_MANY_IN_CHANNEL = (
    "That channel already has {limit} recurring reminders. Cancel one before adding more."
)
WHERE_CHANNEL = " in <#{channel}>"
NO_CHANNELS_HERE = (
    "Channels are for Slack and Discord; here every reminder prints in this window. "
    "Leave the channel out: remind in 2 hours call Sam back."
)
NO_JOB_HUNT_CHANNEL = (
    "No job-hunt channel is set yet. Run channel in the channel you want, "
    "or name it: remind #job-hunt tomorrow 9am …"
)
NOT_HERE = "Reminders aren't available on this platform yet."
UNCLEAR_CHANNEL = "I couldn't tell which channel that is. Pick it from the list as you type #."

LIST_TITLE = "Your upcoming reminders"
LIST_EMPTY = "You have no upcoming reminders. Set one with remind, for example: {example}."
LIST_MISSED = "Missed while I was offline, or not delivered"
LIST_LINE = "{when}: {text}{where}"
CANCEL = "Cancel"
STOP = "Stop"
SNOOZE_HOUR = "Snooze 1 hour"
UNDO = "Undo"
CANCELLED_ONE = "Cancelled: {text}"
STOPPED_SERIES = "Stopped: {text}. It won't come again."
UNDONE = "Undone. Nothing will be posted for it."
SNOOZED = "Snoozed until {when}: {text}"
GONE = "That reminder was already posted, cancelled or taken care of."
WEEKLY_FIXED = (
    "The weekly look back comes every Monday at 09:00 and can't be edited or snoozed; "
    "type weekly off to stop it."
)
NOT_YOURS = "That reminder isn't yours, so I left it alone."

# --- Managing like people expect (part M): edit, done, the snooze choices, delete, clear ---
EDIT = "Edit"
DONE = "Done"
SNOOZE = "Snooze"
SNOOZE_20M = "Snooze 20 minutes"
SNOOZE_3H = "Snooze 3 hours"
SNOOZE_MORNING = "Snooze until tomorrow morning"
SNOOZE_WEEK = "Snooze until next week"
SNOOZE_DAY = "Snooze 1 day"  # on posts made before the choices above
SNOOZE_ASK = "Snooze until when? {text}"
LIST_DONE = "Done recently"
DONE_LINE = "✓ {text} ({when})"
MARKED_DONE = "Done: {text}. I won't remind you of it again."
MARKED_DONE_REPEAT = "Done: {text}. It comes again {rule}."
ALREADY_DONE = "That one is already marked done."
NO_SUCH_ITEM = (
    "You have no reminder {number}; you have {count}. Type reminders to see them numbered."
)
NO_ITEMS = "You have no upcoming reminders, so there is nothing to change."
SNOOZE_UNKNOWN = "I can't snooze for “{words}”. Pick one of: {choices}."
EDIT_ASK = (
    "Type the new time or the new text for {text} ({when}), as: edit {number} tomorrow 10am, "
    "or edit {number} call Sam at the office."
)
EDIT_ASK_LINE = "New time or new text for {text} ({when}); an empty line keeps it:"
EDIT_HELP = "Write edit, the reminder's number, then the new time or text: edit 2 tomorrow 10am."
EDIT_AS_TEXT = 'To make those words the text instead, put them in quotes: edit 2 "…".'
EDIT_INTERVIEW = (
    "Interview reminders follow the interview's time: set it again from the verdict, or "
    "cancel this one."
)
EDITED_TIME = "Moved to {when}: {text}"
EDITED_RULE = "Now {rule}, starting {when}: {text}"
EDITED_TEXT = "Changed to: {text} ({when})"
EDIT_UNCHANGED = "Nothing changed: {text} ({when})."
CLEAR_ASK = "Cancel all {count} of your upcoming reminders? This can't be undone."
CLEAR_CONFIRM = "Cancel them all"
CLEAR_KEEP = "Keep them"
CLEARED = "Cancelled {count} reminder{s}. Nothing more will be posted for them."
CLEAR_KEPT = "Kept: your reminders are as they were."
CLEAR_NOTHING = "You have no upcoming reminders to clear."
CLEAR_STALE = "That question has closed. Type reminders clear to ask again."
EDIT_FORM_TITLE = "Edit reminder"  # at most 24 (Slack) and 45 (Discord) characters
EDIT_FORM_SUBMIT = "Save"
EDIT_FORM_WHEN = "When"
EDIT_FORM_WHEN_HINT = "For example: tomorrow 10am, fri 15:00, every monday 9am"
EDIT_FORM_TEXT = "What to remind you of"
EDIT_FORM_EMPTY = "Give the reminder a time and a text."

REMINDER = "Reminder: {text}"
RECURRING_NOTE = "This repeats {rule}."
# P2 (recurrence): the post of a series' last run.
RECURRING_LAST = "This is the last time: it repeated {rule}."
LATE = "Sorry, this is late: it was due {when}."
BEFORE = "Your interview{about} is in {ahead}: {when}."
BEFORE_TIPS = "To prepare"
FOLLOWUP = "How did the interview{about} go?"
FAILED = 'I couldn\'t post your reminder "{text}" ({reason}). It is kept in your reminders list.'

TIMEZONE_HINT = "Times are in {zone} until you tell me yours, for example: timezone Europe/Berlin"
TIMEZONE_SHOW = "Your timezone is {zone} ({now}). Change it with: timezone Europe/Berlin"
# Timezones by the names people use (part T): said back, candidates, what moved.
TIMEZONE_SET = "Your times are now in {zone}{said}. It's {now} there."
TIMEZONE_SAID = " ({said})"
TIMEZONE_ETC = (
    "{zone} is {said}: IANA names write these offsets with the sign reversed. A fixed offset "
    "doesn't change for daylight saving time; if your clocks do, name your city instead "
    "(timezone Berlin)."
)
TIMEZONE_STEADY = "{zone} keeps {said} all year."
TIMEZONE_MOVED = "Moved to keep their clock time: {what}."
TIMEZONE_KEPT = "One-off reminders keep their moment."
TIMEZONE_DROPPED = "Cancelled, as their new time has already passed: {what}."
TIMEZONE_RECURRING = "{count} recurring reminder{s}"
TIMEZONE_INTERVIEW = "{count} interview reminder{s}"
TIMEZONE_WHICH = "{said} can mean more than one timezone. Which is yours?"
TIMEZONE_OPTION = "{zone}: {where}, {time} there now"
TIMEZONE_OPTION_BARE = "{zone}: {time} there now"
TIMEZONE_PICK_TYPED = "Or type it: timezone {example}"
TIMEZONE_BAD = (
    "I don't know the timezone {name!r}. Try a city (timezone Berlin), an abbreviation (PST, "
    "CET), an offset (UTC+2) or an IANA name like Europe/Berlin."
)
TIMEZONE_RANGE = (
    "UTC offsets run from UTC-12 to UTC+14, so {name!r} isn't one. Or name your city: "
    "timezone Berlin."
)
TIMEZONE_NO_STEADY = (
    "No timezone keeps {name} all year. Name your city instead, for example: timezone St Johns."
)
CHANNEL_SET = "Reminders for the job-hunt channel will go to <#{channel}>."
CHANNEL_SHOW = "The job-hunt channel is <#{channel}>. Change it by running channel in another one."
CHANNEL_NEEDS_MANAGE = (
    "Setting the job-hunt channel needs the Manage Channels permission in this server; "
    "ask someone who has it."
)
CHANNEL_IN_SERVER = (
    "Run /takeorpass channel in the server's channel you want, so I know which server it is for."
)
JOB_HUNT_IN_SERVER = (
    "Which server's job-hunt channel? Run /takeorpass remind in that server, or name the "
    "channel: remind #job-hunt tomorrow 9am …"
)
CHANNEL_LIST_TITLE = "Recurring reminders in this channel"
PAUSED = (
    'Your recurring reminder "{text}" in <#{channel}> is paused: you can no longer post in that '
    "channel, so I won't post there for you. It carries on by itself once you can again. To "
    "end it, press Stop; to have it somewhere else, stop it and set it again in a channel you "
    "can post in."
)
CHANNEL_ASK = "Run channel in the channel you want for reminders, or name it: channel #job-hunt."

OUTCOME_NOTED = "Noted: {outcome}."
WEEKLY_OFFER = (
    "Want a look back each week? Every Monday at 09:00 I can send you, privately, the "
    "interviews you had and how they went, the decisions you made and what's coming up. "
    "Type weekly on any time, or weekly off to stop it."
)
WEEKLY_OFFER_BUTTON = "Weekly look back"
WEEKLY_OFFER_TITLE = "Every Monday"
OUTCOME_GONE = "I no longer have that questionnaire, so I couldn't record how it went."
OFFER = "Congratulations on the offer! Take the time you need to weigh it."
OFFER_LEVERAGE = (
    "Congratulations! You were waiting on a company you prefer: now is the moment to tell "
    "them, truthfully, and ask about their timeline."
)
LEVERAGE_TITLE = "A note to the company you prefer, to copy"
LEVERAGE_NOTE = (
    "Hello, I wanted to let you know that I've received an offer from another company. "
    "Your team is still my first choice, so before I answer them I'd like to ask where things "
    "stand on your side and what your timeline looks like. Thank you!"
)
WAITING = "Fingers crossed. If it's quiet for more than a week, a short polite follow-up is fine."
STILL_WORTH_TITLE = "What it was still worth"
NOT_THIS_TIME = "Sorry it didn't work out. It wasn't wasted, though."
DIDNT_GO = "That's fine: plans change. Next time, here's what going could give you."
WORTH_PRACTICE = "Practice: one more real interview behind you, ready for the one you care about."
WORTH_PEOPLE = "People: note who you met; a short thank-you keeps the door open."
WORTH_INSIGHT = "Insight: you know now what that kind of job looks like from the inside."

STATS_EMPTY = "No finished questionnaires yet, so nothing to count."
STATS_TITLE = "{count} interview{s} you weren't sure about"
STATS_OUTCOMES = "Outcomes: {outcomes}"
STATS_NONE_REPORTED = "No outcomes reported yet; I ask after each interview with reminders."
STATS_BY_VERDICT = "By verdict"
STATS_VERDICT_LINE = "{verdict}: {count}, {outcomes}"
STATS_NOT_REPORTED = "not reported"
