"""The compiled catalogs, read once at start: a `Words` for every language the bot speaks.

`make catalogs` compiles them from the `.po` files under bot/locales (bot/catalog_build.py); they are never
committed. A missing one stops the bot with the command that builds it, rather than a bot that quietly
speaks English to everyone.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from pathlib import Path

from babel import Locale

from bot.languages import LANGUAGES, PSEUDO, SOURCE, babel_locale_name, catalog_folder, first_spoken
from bot.words import LadderNames, Words
from db.ladder import Ladder

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "bot"


class CatalogMissing(RuntimeError):
    pass


def compiled_path(code: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / catalog_folder(code) / "LC_MESSAGES" / f"{DOMAIN}.mo"


def load_translations(code: str, locales_dir: Path = LOCALES_DIR) -> gettext.NullTranslations:
    if code == SOURCE:
        # The source language is the msgids themselves.
        return gettext.NullTranslations()
    path = compiled_path(code, locales_dir)
    if not path.exists():
        raise CatalogMissing(f"no compiled catalog for {code} at {path}: run `make catalogs`")
    with path.open("rb") as fp:
        return gettext.GNUTranslations(fp)


def source_words() -> Words:
    """The source language's words, with no catalog and no ladder: for texts whose English a test or the
    sandbox recognises."""
    return Words(SOURCE, gettext.NullTranslations(), Locale.parse(babel_locale_name(SOURCE)), LadderNames())


class Catalogs:
    """Every language's `Words`, and which one a player reads."""

    def __init__(self, words: Mapping[str, Words], *, pseudo: bool = False) -> None:
        self._words = dict(words)
        self.pseudo = pseudo
        # The ladder's server's language (its Discord "preferred locale"), once the bot has seen the server:
        # what a player is told in when nothing of theirs says otherwise.
        self.house_locale: str | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._words)

    def words(self, *locales: str | None) -> Words:
        """The first of these locales the bot speaks, in the order given (a stored choice, the locale a message
        was drawn in, the player's client, the guild's), then the ladder server's; English when none is."""
        return self._words[first_spoken(*locales, self.house_locale, pseudo=self.pseudo)]


def load_catalogs(ladder: Ladder, *, pseudo: bool = False, locales_dir: Path = LOCALES_DIR) -> Catalogs:
    codes = (*LANGUAGES, PSEUDO) if pseudo else LANGUAGES
    words = {
        code: Words(
            code,
            load_translations(code, locales_dir),
            Locale.parse(babel_locale_name(code)),
            LadderNames.of(ladder, code, pseudo_language=code == PSEUDO),
        )
        for code in codes
    }
    return Catalogs(words, pseudo=pseudo)
