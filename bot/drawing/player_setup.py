"""Setting up a player: the ladder's rules to accept, the profile preview (names, country, region, language) with
its buttons and selects, and the names form. Drawn from plain data; a press is routed by the ids in
`custom_ids`, so nothing is kept in memory between steps (the setup in progress is a draft in the database)."""

from __future__ import annotations

from typing import Any

import discord

from bot.drawing import custom_ids
from bot.drawing.custom_ids import DISCARD, NAMES, PLAY, SAVE
from bot.drawing.renderings import FOUND_COLOUR, NEUTRAL_COLOUR
from bot.drawing.routed import routed_view
from bot.languages import LANGUAGES, NATIVE_NAMES
from bot.words import Words
from db.identity import GAME_NAME_MAX, LADDER_NAME_MAX, MAX_ALT_NAMES, Identity
from db.ladder import Ladder

# What a player must give before their first game; the rest is optional.
REQUIRED = ("ladder_name", "in_game_name", "battletag", "region")
# The names form's inputs, by custom id.
FORM_INPUTS = ("ladder_name", "in_game_name", "battletag", "alt_names", "country")


def missing(identity: Identity) -> list[str]:
    return [key for key in REQUIRED if not getattr(identity, key)]


def field_name(words: Words, key: str) -> str:
    if key == "ladder_name":
        return words._("Ladder name")
    if key == "in_game_name":
        return words._("In-game name")
    if key == "battletag":
        return words._("BattleTag")
    if key == "alt_names":
        return words._("Other in-game names")
    if key == "country":
        return words._("Country")
    if key == "region":
        return words._("Region")
    return words._("Language")


def rules_embed(words: Words) -> discord.Embed:
    return discord.Embed(
        title=words._("The ladder's rules"),
        description=words.names.rules[:3800]
        + "\n\n"
        + words._("Accept them to play. You are asked again when they change."),
        colour=NEUTRAL_COLOUR,
    )


def rules_view(player_id: int, words: Words) -> discord.ui.View:
    return routed_view(
        discord.ui.Button[Any](
            label=words.pgettext("button", "I accept the rules")[:80],
            style=discord.ButtonStyle.success,
            custom_id=custom_ids.rules_button(player_id),
        )
    )


def preview_embed(
    identity: Identity, words: Words, *, note: str = "", problems: list[str] | None = None
) -> discord.Embed:
    """The profile as it will be saved: every field, those still needed marked."""
    lines = [note] if note else []
    lines.append(words._("This is how other players will find you. Press **Enter your names** to change the names, "
                         "pick your region and language below, then save."))  # fmt: skip
    if problems:
        lines.append("\n".join(f"⚠️ {p}" for p in problems))
    embed = discord.Embed(title=words._("Your ladder profile"), description="\n\n".join(lines)[:4000],
                          colour=FOUND_COLOUR if not missing(identity) else NEUTRAL_COLOUR)  # fmt: skip
    needed = words._("needed")
    shown = {
        "ladder_name": _escaped(identity.ladder_name),
        "in_game_name": _escaped(identity.in_game_name),
        "battletag": _escaped(identity.battletag),
        "alt_names": ", ".join(_escaped(n) for n in identity.alt_names),
        "country": words.country(identity.country),
        "region": words.region(identity.region) or "",
        "language": NATIVE_NAMES.get(identity.language or "", "") or words._("your Discord language"),
    }
    for key, value in shown.items():
        value = value or (f"❗ {needed}" if key in REQUIRED else "—")
        embed.add_field(name=field_name(words, key), value=value[:1024], inline=True)
    return embed


def _escaped(text: str | None) -> str:
    return discord.utils.escape_markdown(text) if text else ""


def preview_view(
    ladder: Ladder, player_id: int, identity: Identity, words: Words, *, to_queue: bool
) -> discord.ui.View:
    """The names button, the region and language selects, and Save (or Save and play, from /queue) and Cancel."""
    complete = not missing(identity)
    names = discord.ui.Button[Any](
        label=words.pgettext("button", "Enter your names")[:80],
        style=discord.ButtonStyle.secondary if identity.ladder_name else discord.ButtonStyle.primary,
        custom_id=custom_ids.profile_button(NAMES, player_id),
        row=0,
    )
    save_label = words.pgettext("button", "Save and play") if to_queue else words.pgettext("button", "Save")
    save = discord.ui.Button[Any](
        label=save_label[:80],
        style=discord.ButtonStyle.success,
        disabled=not complete,
        custom_id=custom_ids.profile_button(PLAY if to_queue else SAVE, player_id),
        row=0,
    )
    discard = discord.ui.Button[Any](
        label=words.pgettext("button", "Cancel")[:80],
        style=discord.ButtonStyle.secondary,
        custom_id=custom_ids.profile_button(DISCARD, player_id),
        row=0,
    )
    region = discord.ui.Select[discord.ui.View](
        custom_id=custom_ids.region_select(player_id),
        placeholder=words._("Your region")[:150],
        options=[
            discord.SelectOption(
                label=(words.region(r.code) or r.name)[:100], value=r.code, default=r.code == identity.region
            )
            for r in ladder.regions[:25]
        ],
        row=1,
    )
    language = discord.ui.Select[discord.ui.View](
        custom_id=custom_ids.language_select(player_id),
        placeholder=words._("The language the ladder speaks to you")[:150],
        options=[
            discord.SelectOption(label=NATIVE_NAMES[code][:100], value=code, default=code == identity.language)
            for code in LANGUAGES
        ],
        row=2,
    )
    return routed_view(names, save, discard, region, language)


def names_form(player_id: int, typed: dict[str, str], words: Words) -> discord.ui.Modal:
    """The names form, filled in with what the player has now (or typed last time)."""
    form = discord.ui.Modal(title=words._("Your names")[:45], custom_id=custom_ids.names_form(player_id), timeout=None)
    limits = {"ladder_name": LADDER_NAME_MAX, "in_game_name": GAME_NAME_MAX, "battletag": 20,
              "alt_names": GAME_NAME_MAX * MAX_ALT_NAMES + 2, "country": 60}  # fmt: skip
    hints = {
        "ladder_name": words._("3 to 12 characters, unique on the ladder"),
        "in_game_name": words._("Your name in the game"),
        "battletag": words._("Name#1234"),
        "alt_names": words._("Up to two, separated by a comma"),
        "country": words._("Its name or its two-letter code"),
    }
    for key in FORM_INPUTS:
        form.add_item(
            discord.ui.TextInput[Any](
                label=field_name(words, key)[:45],
                custom_id=key,
                placeholder=hints[key][:100],
                default=typed.get(key, "")[: limits[key]] or None,
                required=key in REQUIRED,
                max_length=limits[key],
            )
        )
    form.stop()  # routed by its id (`NAMES_FORM`), not kept in memory: a bot restart loses nothing
    return form
