"""The bot as its commands, components and actions reach it through `interaction.client`, typed.

`LadderBot` (bot/client.py) builds what is declared here; everything below the client imports this instead,
so `Interaction` gives `interaction.client.services` and its settings without a cast or a `getattr`.
"""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.delivery import Deliverer
from bot.health import BotHealth
from bot.services import Services
from db.settings import Settings


class LadderClient(commands.Bot):
    settings: Settings
    health: BotHealth
    deliverer: Deliverer | None

    @property
    def services(self) -> Services:
        raise NotImplementedError


Interaction = discord.Interaction[LadderClient]


def services_of(interaction: Interaction) -> Services:
    return interaction.client.services
