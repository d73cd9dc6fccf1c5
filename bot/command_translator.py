"""The slash commands in every language the bot speaks: discord.py asks this for each name, description and
choice of each command, for each of Discord's locales, as it syncs them (`name_localizations`, ...).

The texts come from the same catalogs as the messages, under a context that says where Discord shows them
(`command_name`, `parameter_description`, ...); bot/catalog_build.py extracts them from the commands.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.catalogs import Catalogs
from bot.languages import LANGUAGES, SOURCE


class LadderTranslator(app_commands.Translator):
    def __init__(self, catalogs: Catalogs) -> None:
        self._catalogs = catalogs

    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        if string.extras.get("verbatim") or locale.value == SOURCE or locale.value not in LANGUAGES:
            return None
        translated = self._catalogs.words(locale.value).pgettext(context.location.name, string.message)
        return translated if translated != string.message else None
