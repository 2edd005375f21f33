"""Whose conversation, reminders and history a thing is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class UserKey:
    """Whose conversation this is: one per user per Slack workspace, one per Discord user."""

    platform: str
    workspace: str
    user: str
