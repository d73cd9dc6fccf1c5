"""Who a player is in the game: the rules a ladder name, an in-game name, a BattleTag and a country obey.

Pure functions: they take what a player typed and give back the value to store, or a `Refusal` saying why not.
A ladder name is unique without regard to case or to letters that look alike (`Paul` with a Greek capital rho
for its P, `alice` with a Cyrillic a): each name has a key (its Unicode compatibility form, case-folded, each
letter that looks like a Latin one written as that Latin letter), and the database holds the key unique.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from babel import Locale
from confusable_homoglyphs import confusables

from db.refusals import Refusal, Why

LADDER_NAME_MIN = 3
LADDER_NAME_MAX = 12
GAME_NAME_MAX = 32
MAX_ALT_NAMES = 2
# Longest text a form field is read from; anything longer is refused before any other work is done on it.
MAX_TYPED = 200
BATTLETAG = re.compile(r"^(?P<name>[^\s#]{3,12})#(?P<number>[0-9]{4,6})$")

# Babel knows every ISO 3166-1 alpha-2 code, and some codes that are not countries (reserved or user-assigned):
# those are refused.
NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"})

# Characters a name must not carry: invisible ones, and those that turn the text around.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064")


@dataclass(frozen=True)
class Identity:
    """A player's identity as stored; None where they have not given it."""

    ladder_name: str | None = None
    in_game_name: str | None = None
    battletag: str | None = None
    alt_names: tuple[str, ...] = ()
    country: str | None = None
    region: str | None = None
    language: str | None = None

    def changes_to(self, other: Identity) -> dict[str, tuple[str | None, str | None]]:
        """Each field that differs in `other`, as (old, new) texts: what the history table keeps."""
        out: dict[str, tuple[str | None, str | None]] = {}
        for name in IDENTITY_FIELDS:
            old, new = _shown(getattr(self, name)), _shown(getattr(other, name))
            if old != new:
                out[name] = (old, new)
        return out


IDENTITY_FIELDS = ("ladder_name", "in_game_name", "battletag", "alt_names", "country", "region", "language")


def _shown(value: object) -> str | None:
    if isinstance(value, tuple):
        return ", ".join(value) or None
    return value if isinstance(value, str) else None


def _clean(raw: str) -> tuple[str, Refusal | None]:
    """The text in its compatibility form with outer spaces trimmed, or why it cannot be a name at all."""
    if len(raw) > MAX_TYPED:
        return "", Refusal(Why.NAME_TOO_LONG, {"most": LADDER_NAME_MAX})
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return "", Refusal(Why.NAME_EMPTY)
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _INVISIBLE or category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            return "", Refusal(Why.NAME_HIDDEN_CHARACTERS)
    if not any(ch.isalnum() for ch in text):
        return "", Refusal(Why.NAME_WITHOUT_LETTERS)
    return re.sub(r"\s+", " ", text), None


def ladder_name(raw: str) -> tuple[str, Refusal | None]:
    """The name other players see on the ladder: 3 to 12 characters of one script (digits and `_-.` besides)."""
    text, refused = _clean(raw)
    if refused:
        return "", refused
    if not LADDER_NAME_MIN <= len(text) <= LADDER_NAME_MAX:
        return "", Refusal(Why.LADDER_NAME_LENGTH, {"least": LADDER_NAME_MIN, "most": LADDER_NAME_MAX})
    if confusables.is_mixed_script(text, allowed_aliases=["COMMON", "INHERITED"]):
        return "", Refusal(Why.NAME_MIXED_SCRIPTS)
    return text, None


def name_key(name: str) -> str:
    """What two names that read alike share: compared without case, accents, spaces, or lookalike letters."""
    text = unicodedata.normalize("NFKC", name).casefold()
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) or ch.isspace():
            continue
        out.append(_ASCII_LOOKALIKES.get(ch) or _latin_lookalike(ch))
    return unicodedata.normalize("NFC", "".join(out))


# Within Latin letters and digits, those a common font draws alike. `I` looks like `l`, and since names compare
# without case, `i` does too.
_ASCII_LOOKALIKES = {"i": "l", "1": "l", "|": "l", "0": "o"}


@cache
def _latin_lookalike(ch: str) -> str:
    if ch.isascii():
        return ch
    found = confusables.is_confusable(ch, greedy=True, preferred_aliases=["latin"])
    for entry in found or []:
        for glyph in entry["homoglyphs"]:
            letter = glyph["c"]
            if len(letter) == 1 and letter.isascii() and letter.isalnum():
                return str(_ASCII_LOOKALIKES.get(letter.lower(), letter.lower()))
    return ch


def in_game_name(raw: str) -> tuple[str, Refusal | None]:
    """A name as the game shows it: 1 to 32 visible characters (any script: the game allows them)."""
    text, refused = _clean(raw)
    if refused:
        return "", refused
    if len(text) > GAME_NAME_MAX:
        return "", Refusal(Why.NAME_TOO_LONG, {"most": GAME_NAME_MAX})
    return text, None


def alt_names(raw: str) -> tuple[tuple[str, ...], Refusal | None]:
    """Up to two other in-game names, separated by commas (an empty field: none)."""
    parts = [p for p in raw[:MAX_TYPED].split(",") if p.strip()] if raw.strip() else []
    if len(raw) > MAX_TYPED or len(parts) > MAX_ALT_NAMES:
        return (), Refusal(Why.TOO_MANY_ALT_NAMES, {"most": MAX_ALT_NAMES})
    names: list[str] = []
    for part in parts:
        name, refused = in_game_name(part)
        if refused:
            return (), refused
        if name.casefold() not in (n.casefold() for n in names):
            names.append(name)
    return tuple(names), None


def battletag(raw: str) -> tuple[str, Refusal | None]:
    """`Name#1234`: a name of 3 to 12 characters, `#`, and four to six digits."""
    text, refused = _clean(raw)
    if refused:
        return "", Refusal(Why.BATTLETAG_FORM)
    text = text.replace(" ", "")
    if not BATTLETAG.match(text):
        return "", Refusal(Why.BATTLETAG_FORM)
    return text, None


def countries() -> frozenset[str]:
    return _countries()


@cache
def _countries() -> frozenset[str]:
    codes = (str(c) for c in Locale("en").territories)
    return frozenset(c for c in codes if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES)


def flag(country: str | None) -> str:
    """The country's flag as Discord draws it (two regional indicator letters); nothing for no country."""
    if not country or country not in _countries():
        return ""
    return "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in country)


def country_name(country: str, language: str = "en") -> str:
    names = Locale.parse(language.replace("-", "_")).territories
    return str(names.get(country) or Locale("en").territories.get(country) or country)


def find_countries(typed: str, languages: Iterable[str] = ("en",), limit: int = 25) -> list[str]:
    """Countries whose code or name (in any of `languages`) matches what was typed, best first: an exact code or
    name, then names that start with it, then names that contain it."""
    wanted = _folded(typed[:MAX_TYPED])
    if not wanted:
        return sorted(_countries(), key=lambda c: country_name(c, next(iter(languages), "en")))[:limit]
    ranked: dict[str, int] = {}
    for code in _countries():
        best = 0 if code.casefold() == wanted else 9
        for language in languages:
            name = _folded(country_name(code, language))
            if name == wanted:
                best = min(best, 0)
            elif name.startswith(wanted):
                best = min(best, 1)
            elif wanted in name:
                best = min(best, 2)
        if best < 9:
            ranked[code] = best
    return sorted(ranked, key=lambda c: (ranked[c], country_name(c, next(iter(languages), "en"))))[:limit]


def country(typed: str, languages: Iterable[str] = ("en",)) -> tuple[str | None, Refusal | None]:
    """A country from its code, its name, or the start of its name; an empty field is no country. Several
    countries that fit: refused with them, so the player can say which."""
    if not typed.strip():
        return None, None
    if typed.strip().upper() in _countries():
        return typed.strip().upper(), None
    wanted = _folded(typed)
    found = find_countries(typed, languages, limit=5)
    names = {c: [_folded(country_name(c, lang)) for lang in languages] for c in found}
    exact = [c for c in found if wanted in names[c]]
    starting = [c for c in found if any(n.startswith(wanted) for n in names[c])]
    for fitting in (exact, starting):
        if len(fitting) == 1:
            return fitting[0], None
    if not found:
        return None, Refusal(Why.UNKNOWN_COUNTRY, {"country": typed.strip()[:40]})
    return None, Refusal(Why.WHICH_COUNTRY, {"choices": ",".join(found)})


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def check_names(
    typed: Mapping[str, str], languages: Iterable[str] = ("en",)
) -> tuple[dict[str, object], dict[str, Refusal]]:
    """The names form, field by field (`ladder_name`, `in_game_name`, `battletag`, `alt_names`, `country`): the
    values to store and each field's refusal. A field not in `typed` is left out of both."""
    values: dict[str, object] = {}
    refusals: dict[str, Refusal] = {}
    checks = {"ladder_name": ladder_name, "in_game_name": in_game_name, "battletag": battletag}
    for key, check in checks.items():
        if key in typed:
            value, refused = check(typed[key])
            _keep(key, value, refused, values, refusals)
    if "alt_names" in typed:
        names, refused = alt_names(typed["alt_names"])
        _keep("alt_names", names, refused, values, refusals)
    if "country" in typed:
        code, refused = country(typed["country"], languages)
        _keep("country", code, refused, values, refusals)
    return values, refusals


def _keep(
    key: str, value: object, refused: Refusal | None, values: dict[str, object], refusals: dict[str, Refusal]
) -> None:
    if refused:
        refusals[key] = refused
    else:
        values[key] = value
