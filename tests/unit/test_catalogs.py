"""The catalogs are complete and sound: every text of the code is in the template, every language translates
every one of them, with the same placeholders and markup, valid plural forms, and command names Discord takes."""

from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.catalog_build import TEMPLATE, extract_template, po_path
from bot.languages import LANGUAGES, SOURCE, catalog_folder
from sandbox.discord_standin.rules import valid_command_name

TRANSLATED = [code for code in LANGUAGES if code != SOURCE]
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_COMMAND = re.compile(r"(?<![\w<])/([a-z]+)")


def _read(path: str, code: str | None = None) -> Catalog:
    with open(path, "rb") as fp:
        return read_po(fp, locale=catalog_folder(code) if code else None)


def _key(message: Message) -> tuple[str | None, str]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, msgid


def _forms(message: Message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


def _ids(message: Message) -> list[str]:
    return [message.id] if isinstance(message.id, str) else list(message.id)


def test_the_template_holds_every_text_of_the_code() -> None:
    """`make messages` was run after the last change of a text: the committed template is what the code says."""
    fresh = {_key(m) for m in extract_template() if m.id}
    committed = {_key(m) for m in _read(str(TEMPLATE)) if m.id}
    assert fresh - committed == set(), "texts missing from bot/locales/bot.pot: run `make messages`"
    assert committed - fresh == set(), "texts no longer in the code are in bot/locales/bot.pot: run `make messages`"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_text_is_translated(code: str) -> None:
    template = {_key(m) for m in _read(str(TEMPLATE)) if m.id}
    catalog = _read(str(po_path(code)), code)
    translated = {_key(m) for m in catalog if m.id and all(_forms(m)) and not m.fuzzy}
    missing = sorted(str(k) for k in template - translated)
    assert not missing, f"{code}: {len(missing)} texts without a translation, e.g. {missing[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_babel_finds_no_problem(code: str) -> None:
    """Babel's own checkers: plural forms as many as the language has, and format strings that agree."""
    catalog = _read(str(po_path(code)), code)
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check() if errors]
    assert not problems, f"{code}: {problems[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_markup_and_commands_agree(code: str) -> None:
    catalog = _read(str(po_path(code)), code)
    names = {m.id: m.string for m in catalog if m.context == "command_name"}
    wrong = []
    for message in catalog:
        if not message.id or not all(_forms(message)):
            continue
        wanted = {p for msgid in _ids(message) for p in _PLACEHOLDER.findall(msgid)}
        for form in _forms(message):
            if set(_PLACEHOLDER.findall(form)) != wanted:
                wrong.append((message.id, form, "placeholders"))
            if form.count("**") != _ids(message)[0].count("**"):
                wrong.append((message.id, form, "bold markup"))
            for command in _COMMAND.findall(_ids(message)[0]):
                if f"/{names.get(command, command)}" not in form:
                    wrong.append((message.id, form, f"/{command} must read /{names.get(command)}"))
    assert not wrong, f"{code}: {wrong[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_command_texts_obey_discord(code: str) -> None:
    catalog = _read(str(po_path(code)), code)
    bad = []
    for message in catalog:
        if not message.id or not isinstance(message.string, str) or not message.string:
            continue
        if message.context in ("command_name", "parameter_name") and not valid_command_name(message.string):
            bad.append((message.context, message.id, message.string))
        if message.context in ("command_description", "parameter_description") and not 1 <= len(message.string) <= 100:
            bad.append((message.context, message.id, message.string))
        if message.context == "choice_name" and not 1 <= len(message.string) <= 100:
            bad.append((message.context, message.id, message.string))
    names = [m.string for m in catalog if m.context == "command_name"]
    assert len(names) == len(set(names)), f"{code}: two commands share a name: {names}"
    assert not bad, f"{code}: {bad}"
