"""Pseudo-localization: a source text made into the test-only language, as the industry does it.

Every letter is accented, the text grows by about 40% (Korean and Russian run long, and a view that only fits
English should break here first) and it is marked `⟦…⟧`, so a player of the pseudo-language who sees a letter
outside the marks has been shown a text that never went through the catalog. Placeholders (`{name}`), Discord's
own markup (`<t:…:R>`), markdown (`**`) and slash commands (`/queue`) stay as they are: the bot fills or
Discord reads them.
"""

from __future__ import annotations

import math
import re

OPEN, CLOSE = "⟦", "⟧"
GROWTH = 0.4
_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
_KEPT = re.compile(r"(\{[^{}]*\}|<[^<>]*>|\*\*|/[a-z][a-z-]*)")
_MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_TIMESTAMP_OR_MENTION = re.compile(r"<(?:t:-?\d+(?::[tTdDfFR])?|@!?\d+|#\d+|@&\d+)>")


def pseudo(text: str) -> str:
    if not text:
        return text
    parts = _KEPT.split(text)
    shown = "".join(part if _KEPT.fullmatch(part) else part.translate(_ACCENTED) for part in parts)
    # The marks and the space count toward the growth.
    padding = "·" * max(1, math.ceil(len(text) * GROWTH) - 3)
    return f"{OPEN}{shown} {padding}{CLOSE}"


def unmarked(text: str, known: tuple[str, ...] = ()) -> str:
    """What of a text a pseudo-language player was shown is not marked: its letters outside `⟦…⟧`, after the
    data the bot shows as it is (`known`: player names) and Discord's own markup are taken out. Empty when
    every word went through the catalog."""
    # Marked texts nest (a pseudo name inside a pseudo sentence): the innermost go first, until none is left.
    rest, before = text, ""
    while rest != before:
        before, rest = rest, _MARKED.sub(" ", rest)
    rest = _TIMESTAMP_OR_MENTION.sub(" ", rest)
    for value in sorted(known, key=len, reverse=True):
        if value:
            rest = rest.replace(value, " ")
    return " ".join(word for word in rest.split() if any(ch.isalpha() for ch in word))
