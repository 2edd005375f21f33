"""Persistent buttons: every `tp:` button is matched by template, so a press reaches the core
even on a message sent before a restart, and no view is kept per message."""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

import discord

from adapters.discord.receiving import BUTTON_TEMPLATE
from adapters.discord.rendering import ButtonSpec, OutMessage, Style

_STYLES = {
    Style.PRIMARY: discord.ButtonStyle.primary,
    Style.SECONDARY: discord.ButtonStyle.secondary,
    Style.SUCCESS: discord.ButtonStyle.success,
    Style.DANGER: discord.ButtonStyle.danger,
}
_STYLE_NAMES = {v: k for k, v in _STYLES.items()}


@runtime_checkable
class PressHandler(Protocol):
    """What the client offers the buttons: one entry point for every press."""

    async def handle_press(
        self, interaction: discord.Interaction[Any], custom_id: str, label: str
    ) -> None: ...


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=BUTTON_TEMPLATE
):
    """Any button whose custom id is one of ours; the press goes to the client as is."""

    def __init__(self, button: discord.ui.Button[discord.ui.View]) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AnswerButton:
        if not isinstance(item, discord.ui.Button):
            raise TypeError("tp: ids are only used on buttons")
        return cls(item)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = interaction.client
        if isinstance(handler, PressHandler):
            await handler.handle_press(interaction, self.custom_id, self.item.label or "")


def to_view(message: OutMessage) -> discord.ui.View | None:
    """The message's buttons as a view made only of template-matched items (none if it has no
    buttons). Such a view is not stored per message, however many are sent."""
    if not message.rows:
        return None
    view = discord.ui.View(timeout=None)
    for row_number, row in enumerate(message.rows):
        for spec in row:
            button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
                style=_STYLES[spec.style],
                label=spec.label,
                custom_id=spec.custom_id,
                disabled=spec.disabled,
                row=row_number,
            )
            view.add_item(AnswerButton(button))
    return view


def components(message: OutMessage) -> list[dict[str, Any]]:
    """The message's buttons as the API's raw component objects (action rows of buttons), for
    sends that need no view: the press still finds AnswerButton by its custom id."""
    return [
        {
            "type": 1,
            "components": [
                {
                    "type": 2,
                    "style": _STYLES[spec.style].value,
                    "label": spec.label,
                    "custom_id": spec.custom_id,
                    "disabled": spec.disabled,
                }
                for spec in row
            ],
        }
        for row in message.rows
    ]


def rows_of(message: discord.Message | None) -> tuple[tuple[ButtonSpec, ...], ...]:
    """The buttons of a message the bot sent earlier, row by row."""
    rows: list[tuple[ButtonSpec, ...]] = []
    for component in message.components if message is not None else ():
        if not isinstance(component, discord.ActionRow):
            continue
        row = tuple(
            ButtonSpec(
                child.custom_id,
                child.label or "",
                _STYLE_NAMES.get(child.style, Style.SECONDARY),
                child.disabled,
            )
            for child in component.children
            if isinstance(child, discord.Button) and child.custom_id
        )
        if row:
            rows.append(row)
    return tuple(rows)
