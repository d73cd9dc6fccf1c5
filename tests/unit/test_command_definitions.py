"""Every slash command the bot registers is one Discord accepts: each is checked against the schema of Discord's
own OpenAPI description (`ApplicationCommandCreateRequest`), since a single refused command fails the whole
sync and the bot does not start."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from discord import app_commands

from bot.admin_commands import admin_group
from bot.commands import COMMANDS, REPLAY_COMMANDS
from sandbox.discord_standin.spec import violations


def _payloads() -> list[dict[str, Any]]:
    client = discord.Client(intents=discord.Intents.none())
    tree = app_commands.CommandTree(client)
    for command in COMMANDS + REPLAY_COMMANDS:
        tree.add_command(command)
    tree.add_command(admin_group)
    return [command.to_dict(tree) for command in tree.get_commands()]


@pytest.mark.parametrize("payload", _payloads(), ids=lambda p: str(p["name"]))
def test_each_registered_command_is_one_discord_accepts(payload: dict[str, Any]) -> None:
    assert violations("ApplicationCommandCreateRequest", payload) == []


def test_the_check_refuses_an_integer_bound_past_int53() -> None:
    """The bug this guards against: `Range[int, 1, 2**63 - 1]` on /admin match's match_id."""
    option = {"type": 4, "name": "match_id", "description": "a match", "min_value": 1, "max_value": 2**63 - 1}
    command = {"name": "show", "description": "a match", "options": [option]}
    found = violations("ApplicationCommandCreateRequest", command)
    assert found == ["$.options[0].max_value: 9223372036854775807 is greater than the maximum of 9007199254740991"]
