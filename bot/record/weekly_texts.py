"""What `weekly`, `weekly on` and `weekly off` answer."""

from __future__ import annotations

WEEKLY_ON = (
    "Weekly look back on: every Monday at 09:00 I'll send you, privately, the week's "
    "interviews and decisions and what's coming up (nothing in a quiet week). "
    "The first comes {next}. Type weekly off to stop it."
)
WEEKLY_ALREADY_ON = "Your weekly look back is already on; the next one comes {next}."
WEEKLY_IS_ON = "Your weekly look back is on; the next one comes {next}. Type weekly off to stop it."
WEEKLY_IS_OFF = (
    "Your weekly look back is off. Type weekly on to get a private summary of your week "
    "every Monday at 09:00."
)
WEEKLY_OFF = "Weekly look back off: no more Monday summaries. Type weekly on to start it again."
WEEKLY_ALREADY_OFF = "Your weekly look back is already off; type weekly on to start it."
WEEKLY_NEXT_SOON = "in a moment"
WEEKLY_NOT_HERE = "The weekly look back isn't available on this platform yet."
