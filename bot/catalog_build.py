"""Builds the bot's catalogs, as `make messages` and `make catalogs` run it.

    python -m bot.catalog_build extract   # bot/locales/bot.pot from the code, then every .po brought up to it
    python -m bot.catalog_build compile   # every .po to its .mo, and the pseudo-language's generated catalog

Extraction reads two sources: the texts the code passes to `words._`, `words.ngettext` and `words.pgettext`
(pybabel's extractor), and the player commands' names, descriptions and choices, asked of each command the
way discord.py's translator asks for them (their context is where Discord shows them: `command_name`, ...).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import discord
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from discord import app_commands

from bot.catalogs import DOMAIN, LOCALES_DIR, compiled_path
from bot.languages import LANGUAGES, PSEUDO, SOURCE, catalog_folder
from bot.pseudo import pseudo

BOT_DIR = Path(__file__).resolve().parent
ROOT = BOT_DIR.parent
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
PROJECT = "ladder-bot"


def po_path(code: str) -> Path:
    return LOCALES_DIR / catalog_folder(code) / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract_template() -> Catalog:
    template = Catalog(project=PROJECT, domain=DOMAIN, fuzzy=False)
    for filename, _lineno, message, comments, context in extract_from_dir(
        BOT_DIR, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):  # fmt: skip
        flags = ("python-brace-format",) if "{" in (message if isinstance(message, str) else message[0]) else ()
        template.add(message, None, [(f"bot/{filename}", 0)], auto_comments=comments, context=context, flags=flags)
    for context, message in asyncio.run(command_texts()):
        template.add(message, None, [("bot/commands.py", 0)], context=context)
    return template


async def command_texts() -> list[tuple[str, str]]:
    """Every text of the player commands that Discord shows translated, with where it shows."""
    from bot.commands import COMMANDS, REPLAY_COMMANDS

    asked: dict[tuple[str, str], None] = {}

    class Recorder(app_commands.Translator):
        async def translate(
            self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
        ) -> str | None:
            if locale is discord.Locale.korean and not string.extras.get("verbatim"):
                asked[(context.location.name, string.message)] = None
            return None

    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    for command in COMMANDS + REPLAY_COMMANDS:
        await command.get_translated_payload(tree, Recorder())
    return list(asked)


def extract() -> None:
    template = extract_template()
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    with TEMPLATE.open("wb") as fp:
        write_po(fp, template, include_lineno=False, width=120, omit_header=False)
    for code in LANGUAGES:
        if code == SOURCE:
            continue
        path = po_path(code)
        if path.exists():
            with path.open("rb") as fp:
                catalog = read_po(fp, locale=catalog_folder(code), domain=DOMAIN)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=Locale.parse(catalog_folder(code)), domain=DOMAIN, project=PROJECT, fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as fp:
            write_po(fp, catalog, include_lineno=False, width=120, ignore_obsolete=True)
    print(f"{TEMPLATE.relative_to(ROOT)}: {sum(1 for m in template if m.id)} messages")


def compile_all() -> None:
    for code in LANGUAGES:
        if code == SOURCE:
            continue
        with po_path(code).open("rb") as fp:
            catalog = read_po(fp, locale=catalog_folder(code), domain=DOMAIN)
        _write(code, catalog)
    _write(PSEUDO, pseudo_catalog())


def pseudo_catalog() -> Catalog:
    """The test-only language: the template with every text made pseudo (bot/pseudo.py)."""
    with TEMPLATE.open("rb") as fp:
        template = read_po(fp, domain=DOMAIN)
    catalog = Catalog(locale=Locale.parse("en_US"), domain=DOMAIN, project=PROJECT, fuzzy=False)
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, str):
            string: str | tuple[str, ...] = pseudo(message.id)
        else:
            string = tuple(pseudo(form) for form in message.id)
        catalog.add(message.id, string, context=message.context)
    return catalog


def _write(code: str, catalog: Catalog) -> None:
    path = compiled_path(code)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fp:
        write_mo(fp, catalog, use_fuzzy=False)


def main(argv: list[str]) -> int:
    if argv == ["extract"]:
        extract()
    elif argv == ["compile"]:
        compile_all()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
