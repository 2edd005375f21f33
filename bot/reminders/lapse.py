"""Pure: what becomes of a post of a recurring channel reminder once its owner may no longer post
in that channel (left it, left the server, lost the permission). The series pauses: its posts
are skipped while the owner is out, and it carries on by itself once they are back. The owner is
told once, at the first skipped post; recheck.py carries this out for the scheduler."""

from __future__ import annotations

from enum import Enum
from typing import Final

from bot.reminders.model import Access, Due, Role

# The note kept on a skipped occurrence: the next one knows from it that the owner was told.
PAUSED: Final = "paused: the owner may no longer post in the channel"
# The reason kept while the platform can't be asked, and given if it never can be.
UNCHECKED: Final = "the platform couldn't tell me whether you may still post in that channel"


class AtDelivery(Enum):
    """What to do with a claimed post of a recurring channel reminder."""

    POST = "post"
    # Skip it; the owner was told at an earlier skipped post.
    PAUSE = "pause"
    # Skip it and tell the owner how to resume or move the series.
    PAUSE_AND_TELL = "pause_and_tell"
    # Put it back to ask again later, as a refused post is retried.
    RETRY = "retry"


def needs_check(due: Due) -> bool:
    """Whether the owner's standing is asked before posting: for a recurring series' own posts
    in a channel. A one-off was checked when it was set, and DMs are the owner's own."""
    return due.rule is not None and due.channel is not None and due.role is Role.REPEAT


def at_delivery(access: Access, *, paused_before: bool) -> AtDelivery:
    """The post's fate from what the platform said. A channel out of the bot's reach is posted
    all the same, so that the refusal says what is wrong with the channel; a platform that
    could not answer is asked again, never taken for a yes."""
    if access is Access.DENIED:
        return AtDelivery.PAUSE if paused_before else AtDelivery.PAUSE_AND_TELL
    if access is Access.UNKNOWN:
        return AtDelivery.RETRY
    return AtDelivery.POST
