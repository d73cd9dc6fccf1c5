"""Words: everything a player reads, in one language. Built once per language at start (bot/catalogs.py reads
the compiled catalogs); every drawing takes the `Words` of the player it draws for.

`_`, `ngettext` and `pgettext` are the names `pybabel extract` looks for (Makefile, `make messages`): a text
passed to them is in the catalogs; a text built any other way is not, and the pseudo-language shows it.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from babel import Locale
from babel.dates import format_timedelta
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from bot.languages import PSEUDO
from bot.pseudo import pseudo
from db.identity import flag
from db.ladder import Ladder, Names


@dataclass(frozen=True)
class LadderNames:
    """The ladder's own words (races, sides, regions, maps, servers) in one language; a name the ladder file
    gives no translation for is its default name."""

    ladder: str = ""
    races: Mapping[str, str] = field(default_factory=dict)
    sides: Mapping[str, str] = field(default_factory=dict)
    regions: Mapping[str, str] = field(default_factory=dict)
    maps: Mapping[str, str] = field(default_factory=dict)
    servers: Mapping[str, str] = field(default_factory=dict)
    rules: str = ""
    notices: Mapping[str, str] = field(default_factory=dict)
    meeting: str = ""
    # The ladder file itself, for what a drawing shows as the file gives it (links, authors, the in-game channel).
    source: Ladder | None = None

    @classmethod
    def of(cls, ladder: Ladder, code: str, *, pseudo_language: bool = False) -> LadderNames:
        def local(default: str, names: Names) -> str:
            return pseudo(default) if pseudo_language else names.get(code, default)

        named = {
            *([ladder.servers.fallback] if ladder.servers.fallback else []),
            *(p.server for p in ladder.servers.pairs),
        }
        servers = {s: local(s, ladder.servers.names.get(s, {})) for s in named}
        # A ladder that lists its servers names them by code; players see each one's short name.
        servers |= {e.code: local(e.short_name, e.names) for e in ladder.servers.entries}
        return cls(
            ladder=local(ladder.ladder.name, ladder.ladder.names),
            races={r.code: local(r.name, r.names) for r in ladder.races},
            sides={s.code: local(s.name, s.names) for s in ladder.sides},
            regions={r.code: local(r.name, r.names) for r in ladder.regions},
            maps={m: local(m, ladder.maps.names.get(m, {})) for m in ladder.maps.pool},
            servers=servers,
            rules=local(ladder.rules.text, ladder.rules.texts) if ladder.rules else "",
            notices={n.id: local(n.text, n.texts) for n in ladder.notices},
            meeting=local(ladder.meeting.text, ladder.meeting.texts) if ladder.meeting else "",
            source=ladder,
        )


class Words:
    def __init__(self, code: str, translations: gettext.NullTranslations, locale: Locale, names: LadderNames) -> None:
        self.code = code
        self.locale = locale
        self.names = names
        self._gettext = translations.gettext
        self._ngettext = translations.ngettext
        self._pgettext = translations.pgettext
        self._numbers: dict[int, str] = {}
        self._ratings: dict[int, str] = {}
        self._changes: dict[int, str] = {}
        self._forms: dict[tuple[str, int], str] = {}
        # Bounded by the catalog: only texts the code passes in, never a player's.
        self._texts: dict[str, str] = {}
        self._in_context: dict[tuple[str, str], str] = {}

    def _(self, message: str, /, **params: object) -> str:
        # Every language looks its texts up the same way, in a dict of its own: English costs what others do.
        text = self._texts.get(message)
        if text is None:
            text = self._texts[message] = self._gettext(message)
        return text.format_map(params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        # The plural rule is an expression evaluated per call (Russian's has six comparisons): kept per count.
        form = self._forms.get((singular, n))
        if form is None:
            form = self._ngettext(singular, plural, n)
            if len(self._forms) < 20_000:
                self._forms[(singular, n)] = form
        return form.format_map({"count": self.number(n), **params})

    def pgettext(self, context: str, message: str, /, **params: object) -> str:
        text = self._in_context.get((context, message))
        if text is None:
            text = self._in_context[(context, message)] = self._pgettext(context, message)
        return text.format_map(params) if params else text

    def number(self, value: float) -> str:
        """A whole number as the reader's language writes it (1,500 · 1 500 · 1.500)."""
        return self._format(self._numbers, value, None)

    def rating(self, value: float) -> str:
        """A rating, whole and ungrouped as players know them (1520, not 1,520), in the language's digits."""
        return self._format(self._ratings, value, "0")

    def signed(self, value: float) -> str:
        """A rating's change, with its sign: +12, -8."""
        return self._format(self._changes, value, "+0;-0")

    def _format(self, kept: dict[int, str], value: float, pattern: str | None) -> str:
        # Babel parses its pattern on every call: each language keeps what it wrote, per whole number.
        n = round(value)
        shown = kept.get(n)
        if shown is None:
            shown = format_decimal(n, format=pattern, locale=self.locale)
            if len(kept) < 20_000:
                kept[n] = shown
        return shown

    def percent(self, share: float) -> str:
        """A share as a whole percentage, as the language writes it: 57%, 57 %, %57."""
        return format_percent(share, locale=self.locale)

    def either(self, items: list[str]) -> str:
        """Alternatives as the language lists them: "A or B", "A 또는 B"."""
        return self._list(items, "or")

    def listing(self, items: list[str]) -> str:
        """Items as the language lists them: "A, B and C", "A、B和C"."""
        return self._list(items, "standard")

    def _list(self, items: list[str], style: Literal["standard", "or"]) -> str:
        if len(items) < 2:
            return items[0] if items else ""
        # The language's own pattern (CLDR's), filled in after: the pseudo-language marks the pattern's words.
        shape = format_list([f"{{{i}}}" for i in range(len(items))], style=style, locale=self.locale)
        return (pseudo(shape) if self.code == PSEUDO else shape).format(*items)

    def race(self, code: str | None, default: str | None = None) -> str:
        if code is None:
            return default or "?"
        return self.names.races.get(code) or default or code

    def side(self, code: str) -> str:
        return self.names.sides.get(code, code)

    def region(self, code: str | None) -> str | None:
        return self.names.regions.get(code) if code else None

    def map(self, name: str) -> str:
        return self.names.maps.get(name, name)

    def server(self, name: str) -> str:
        return self.names.servers.get(name, name)

    def duration(self, seconds: float) -> str:
        """A length of time in this language's words ("45 seconds", "3 hours"), rounded as people say it."""
        shown = format_timedelta(timedelta(seconds=seconds), threshold=2, locale=self.locale)
        return pseudo(shown) if self.code == PSEUDO else shown

    def country(self, code: str | None) -> str:
        """The country's flag and its name in this language; nothing for no country."""
        if not code:
            return ""
        name = str(self.locale.territories.get(code) or code)
        return f"{flag(code)} {pseudo(name) if self.code == PSEUDO else name}".strip()
