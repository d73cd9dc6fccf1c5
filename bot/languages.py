"""The languages the bot speaks, by Discord's own locale codes, and which of them a player's locale gets."""

from __future__ import annotations

from typing import Final

SOURCE: Final = "en-US"
# The order players see them in /setup.
LANGUAGES: Final = ("en-US", "es-ES", "es-419", "ko", "ru", "zh-CN")
# A test-only language whose catalog is generated from the source (bot/pseudo.py): every string marked and
# lengthened, so a text that never went through the catalog shows. Spoken only when the settings ask for it.
PSEUDO: Final = "en-XA"

# Each language in its own words, as a player picks it.
NATIVE_NAMES: Final = {
    "en-US": "English",
    "es-ES": "Español (España)",
    "es-419": "Español (Latinoamérica)",
    "ko": "한국어",
    "ru": "Русский",
    "zh-CN": "中文(简体)",
    PSEUDO: "Ƥšéûðö",
}


def catalog_folder(code: str) -> str:
    """gettext's folder name for a language: `es_419`, `zh_CN`."""
    return code.replace("-", "_")


def babel_locale_name(code: str) -> str:
    """The CLDR locale numbers and dates are written by; the pseudo-language writes them as English does."""
    return "en_US" if code == PSEUDO else catalog_folder(code)


def spoken(locale: str | None, *, pseudo: bool = False) -> str | None:
    """The bot's language for a locale (a Discord client's, a guild's or a stored choice): the same one, else
    one of the same language (`es-MX` reads `es-419`, `en-GB` reads English), else None."""
    if not locale:
        return None
    if locale in LANGUAGES or (pseudo and locale == PSEUDO):
        return locale
    language, _, region = locale.partition("-")
    if language == "es":
        return "es-ES" if region in ("", "ES") else "es-419"
    return next((code for code in LANGUAGES if code.partition("-")[0] == language), None)


def first_spoken(*locales: str | None, pseudo: bool = False) -> str:
    """The first of these the bot speaks, in the order given; English when none is."""
    for locale in locales:
        code = spoken(locale, pseudo=pseudo)
        if code is not None:
            return code
    return SOURCE
