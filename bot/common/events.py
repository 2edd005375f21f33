"""What adapters hand the core: the user started, typed or pressed. Plain frozen values."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.common.buttons import ButtonId, parse_button


@dataclass(frozen=True)
class Start:
    """Begin a questionnaire, optionally for "Company — Role"; ask for it if not given."""

    company_text: str | None = None
    ask_company: bool = True
    # The company text is a slash command's free text: before it names a company, the engine
    # reads it as a button's label or a mistyped command (bot/engine/typed.py).
    typed: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Text:
    """Anything the user typed: an answer, a control word or a command. `channel` is where it
    was typed, when that was a channel (`channel` sets the job-hunt channel to it)."""

    text: str
    channel: str | None = None
    # The workspace or server it was typed in, when the user key does not say (Discord keys
    # are per user across servers): the job-hunt channel is per server.
    server: str | None = None
    # Whether the platform says this user may manage the channel it was typed in (Discord's
    # Manage Channels; any member of a Slack channel): setting the job-hunt channel needs it.
    manage: bool = False
    # Typed into the "When is the interview?" form of this questionnaire (a modal), rather
    # than in answer to the prompt: it is that interview's time whatever else is open.
    interview: str | None = None


@dataclass(frozen=True)
class Press:
    """A button press, by the button's id. `channel` is where the pressed message is, when
    that is a channel, and `manage` whether the presser may manage that channel's reminders
    (Discord: Manage Channels; Slack: any member of the channel).

    The id is parsed once, when the press is made: `button` holds its parts, or None when the
    id is not one of ours."""

    button_id: str
    channel: str | None = None
    manage: bool = False
    button: ButtonId | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "button", parse_button(self.button_id))


Event = Start | Text | Press
