"""The rules of a player's identity: ladder names (length, one script, no hidden characters, unique without case
or lookalikes), BattleTags, other names and countries."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db import identity
from db.identity import Identity
from db.refusals import Why


@pytest.mark.parametrize("typed", ["Kim", "  Kim  ", "김치맨", "Иван", "Boxer_2000", "a.b-c"])
def test_a_good_ladder_name_is_kept(typed: str) -> None:
    name, refused = identity.ladder_name(typed)
    assert refused is None and name == typed.strip()


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("", Why.NAME_EMPTY),
        ("    ", Why.NAME_EMPTY),
        ("ab", Why.LADDER_NAME_LENGTH),
        ("x" * 13, Why.LADDER_NAME_LENGTH),
        ("x" * 10_000, Why.NAME_TOO_LONG),
        ("bob\u200b", Why.NAME_HIDDEN_CHARACTERS),  # zero-width space
        ("\u202ebob", Why.NAME_HIDDEN_CHARACTERS),  # right-to-left override
        ("bo\x07b", Why.NAME_HIDDEN_CHARACTERS),  # a control character
        ("\u0430lice", Why.NAME_MIXED_SCRIPTS),  # Cyrillic a in a Latin name
        ("\u03a1aul", Why.NAME_MIXED_SCRIPTS),  # Greek capital rho
        ("---", Why.NAME_WITHOUT_LETTERS),
    ],
)
def test_a_bad_ladder_name_is_refused_with_its_reason(typed: str, why: Why) -> None:
    name, refused = identity.ladder_name(typed)
    assert name == "" and refused is not None and refused.why is why


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Alice", "alice"),
        ("Alice", "ALICE"),
        ("Ivan", "lvan"),  # a capital I reads as a small L
        ("P0LL", "poll"),
        ("\u0430\u0441\u0435", "ace"),  # all-Cyrillic letters that look like Latin ones
        ("\u210cello", "Hello"),  # a compatibility letter
        ("Ren\u00e9", "Rene"),
        ("a b c", "abc"),
    ],
)
def test_names_that_read_alike_share_a_key(one: str, other: str) -> None:
    assert identity.name_key(one) == identity.name_key(other)


def test_names_that_read_differently_have_different_keys() -> None:
    keys = {identity.name_key(n) for n in ("Kim", "Kimm", "Lee", "Park", "김", "이")}
    assert len(keys) == 6


@pytest.mark.parametrize("typed", ["Name#1234", "Näme#12345", " Name#123456 ", "김치맨#1234"])
def test_a_battletag_is_a_name_and_a_number(typed: str) -> None:
    tag, refused = identity.battletag(typed)
    assert refused is None and tag == typed.strip()


@pytest.mark.parametrize("typed", ["Name", "Name#", "Name#12", "#1234", "Na#1234", "Name#1234567", "Na me#12a4", ""])
def test_a_battletag_without_its_number_or_name_is_refused(typed: str) -> None:
    assert identity.battletag(typed)[1] is not None


def test_other_names_are_at_most_two_and_each_checked() -> None:
    assert identity.alt_names("") == ((), None)
    assert identity.alt_names("Smurf, Other ") == (("Smurf", "Other"), None)
    assert identity.alt_names("Smurf, smurf") == (("Smurf",), None)
    refused = identity.alt_names("a, b, c")[1]
    assert refused is not None and refused.why is Why.TOO_MANY_ALT_NAMES
    refused = identity.alt_names("ok, bad\u200b")[1]
    assert refused is not None and refused.why is Why.NAME_HIDDEN_CHARACTERS


def test_a_country_by_code_or_name_in_a_players_language() -> None:
    assert identity.country("kr") == ("KR", None)
    assert identity.country("South Korea") == ("KR", None)
    assert identity.country("Deutschland", ["de", "en"]) == ("DE", None)
    assert identity.country("Россия", ["ru", "en"]) == ("RU", None)
    assert identity.country("germ") == ("DE", None)
    assert identity.country("") == (None, None)
    which = identity.country("Korea")[1]
    assert (
        which is not None
        and which.why is Why.WHICH_COUNTRY
        and set(str(which.params["choices"]).split(","))
        == {
            "KP",
            "KR",
        }
    )
    unknown = identity.country("Atlantis")[1]
    assert unknown is not None and unknown.why is Why.UNKNOWN_COUNTRY
    # A code Babel knows but ISO 3166 does not assign to a country.
    assert identity.country("EU")[0] != "EU" and identity.country("XK")[0] != "XK"


def test_every_country_has_a_flag_and_iso_has_249() -> None:
    assert len(identity.countries()) == 249
    assert identity.flag("KR") == "\U0001f1f0\U0001f1f7"
    assert identity.flag("ZZ") == "" and identity.flag(None) == ""


def test_the_history_lists_each_changed_field_once() -> None:
    old = Identity("Kim", "Kim", "Kim#1234", (), None, "EUW", None)
    new = Identity("Kim", "KimGG", "Kim#1234", ("Smurf",), "KR", "EUW", "ko")
    assert old.changes_to(new) == {
        "in_game_name": ("Kim", "KimGG"),
        "alt_names": (None, "Smurf"),
        "country": (None, "KR"),
        "language": (None, "ko"),
    }


@given(st.text(max_size=300))
def test_any_text_is_a_name_or_a_reason_never_an_error(typed: str) -> None:
    for check in (identity.ladder_name, identity.in_game_name, identity.battletag):
        value, refused = check(typed)
        assert (value == "") == (refused is not None)
        assert len(value) <= identity.GAME_NAME_MAX
    assert isinstance(identity.name_key(typed), str)
    identity.country(typed)
