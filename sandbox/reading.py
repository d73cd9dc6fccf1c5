"""How a simulated player reads the bot's messages in whichever language the bot speaks to them: a title, or
the footer that names the match, as each language's catalog words it. The players' steps decide on what they
read, so a player of any language plays the same game."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from bot.catalogs import load_catalogs
from bot.pseudo import unmarked
from bot.words import Words
from db.ladder import load_ladder
from sandbox.discord_standin import Message, MessageVersion
from sandbox.discord_standin.models import iter_components


@cache
def _every_language() -> tuple[Words, ...]:
    catalogs = load_catalogs(load_ladder(), pseudo=True)
    return tuple(catalogs.words(code) for code in catalogs.codes)


@cache
def titles(source: str) -> frozenset[str]:
    """A title (its English source text) in every language."""
    return frozenset(words._(source) for words in _every_language())


@cache
def match_footer() -> re.Pattern[str]:
    """The footer that names a match ("Match #12" and its translations); group 1 is the match id."""
    marker = "__MATCH__"
    shapes = sorted({re.escape(words._("Match #{match}", match=marker)) for words in _every_language()}, key=len)
    # The longest first: a shape that holds another (a pseudo-text around "Match #") is tried before it.
    alternatives = [shape.replace(marker, rf"(?P<m{i}>\d+)") for i, shape in enumerate(reversed(shapes))]
    return re.compile("|".join(alternatives))


def match_named(text: str) -> int | None:
    """The match a message's text names in its footer, in any language."""
    found = match_footer().search(text)
    if found is None:
        return None
    return next(int(value) for value in found.groupdict().values() if value is not None)


def texts_read(version: Message | MessageVersion) -> list[str]:
    """Every text a reader reads on one version of a message: its content and embeds, and the labels,
    placeholders and options of its buttons and selects."""
    texts = [version.text()]
    for component in iter_components(version.components):
        texts += [str(component[key]) for key in ("label", "placeholder") if component.get(key)]
        texts += [str(option.get("label", "")) for option in component.get("options") or []]
    return [text for text in texts if text]


def untranslated(message: Message, known: re.Pattern[str]) -> list[str]:
    """What a player of the pseudo-language read, on any version of this message, that did not go through the
    catalogs (bot/pseudo.py): empty when every word did. `known`: the data the bot shows as it is (names),
    as the bot shows them (markdown-escaped or not)."""
    found = []
    for version in message.versions:
        for text in texts_read(version):
            rest = unmarked(known.sub(" ", text))
            if rest:
                found.append(rest)
    return found


def names_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """Any of these names, plain or markdown-escaped as the bot shows them, the longest first."""
    shown = {form for name in names for form in (name, re.sub(r"([_*~`|>\\])", r"\\\1", name))}
    return re.compile("|".join(re.escape(form) for form in sorted(shown, key=len, reverse=True)) or "(?!)")
