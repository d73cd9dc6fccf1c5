"""The pseudo-language: every text marked and lengthened, with what the bot fills or Discord reads left alone;
and the check that finds a text that never went through the catalogs."""

from __future__ import annotations

from bot.pseudo import CLOSE, OPEN, pseudo, unmarked


def test_a_pseudo_text_is_marked_longer_and_keeps_what_is_not_words() -> None:
    source = "You play **{race}** against {opponent}. Confirm <t:{until}:R> or use /queue."
    shown = pseudo(source)
    assert shown.startswith(OPEN) and shown.endswith(CLOSE)
    assert len(shown) >= 1.4 * len(source)
    for kept in ("**", "{race}", "{opponent}", "<t:{until}:R>", "/queue"):
        assert kept in shown
    assert "play" not in shown and "Confirm" not in shown
    assert shown.format(race="Zerg", opponent="Kim", until=1).count(OPEN) == 1


def test_unmarked_finds_words_outside_the_marks_and_nothing_else() -> None:
    inner = pseudo("Brood War")
    sentence = pseudo("Pick your race in {sides}.").format(sides=inner)
    assert unmarked(sentence) == ""
    assert unmarked(f"{sentence} <t:1800000000:R> 1520 (+20) · #7") == ""
    assert unmarked(f"{sentence} Match found") == "Match found"
    assert unmarked("Player 7 joined", known=("Player 7",)) == "joined"
