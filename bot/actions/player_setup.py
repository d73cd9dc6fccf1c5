"""The guided setup: the rules to accept, then the profile preview with its names form, region and language, and
Save (or Save and play, when it came from /queue). Each step keeps the setup in progress as a draft in the
database, so the stored profile is the old one until the player saves, and a restart loses nothing."""

from __future__ import annotations

import discord

from bot.actions.form_values import form_values
from bot.actions.owner import belongs_to
from bot.actions.setup import picked_values, private_here, queue_setup
from bot.drawing.custom_ids import DISCARD, NAMES, PLAY, profile_button
from bot.drawing.player_setup import (
    FORM_INPUTS,
    field_name,
    names_form,
    preview_embed,
    preview_view,
    rules_embed,
    rules_view,
)
from bot.drawing.refusals import refusal_text
from bot.ladder_client import Interaction, services_of
from bot.languages import LANGUAGES
from bot.player_service import SetupRefused
from bot.speaking import client_locale, words_for
from db.identity import Identity
from db.refusals import Refusal, Why


async def needs_rules(interaction: Interaction) -> bool:
    rules = services_of(interaction).ladder.rules
    if rules is None:
        return False
    return await services_of(interaction).players.rules_accepted(interaction.user.id) != rules.version


async def show_rules(interaction: Interaction) -> None:
    words = await words_for(interaction)
    await interaction.response.send_message(
        embed=rules_embed(words), view=rules_view(interaction.user.id, words), ephemeral=private_here(interaction)
    )


async def accept_rules(interaction: Interaction, player_id: int) -> None:
    """I accept: the version is kept, and the player goes on to the setup, or to the queue if set up."""
    if not await belongs_to(interaction, player_id):
        return
    services = services_of(interaction)
    if services.ladder.rules is not None:
        await services.players.accept_rules(player_id, services.ladder.rules.version)
    words = await words_for(interaction)
    if not await services.players.is_set_up(player_id):
        await open_profile(interaction, to_queue=True, note=words._("Thank you. Now set up your ladder profile."))
        return
    embed, view = await queue_setup(services, player_id, words)
    await interaction.response.edit_message(embed=embed, view=view)


async def open_profile(interaction: Interaction, *, to_queue: bool, note: str = "") -> None:
    """The profile preview: a new message for a command, the pressed message redrawn for a button."""
    services = services_of(interaction)
    words = await words_for(interaction)
    draft, _ = await services.players.setup_draft(interaction.user.id, interaction.user.display_name)
    embed = preview_embed(draft, words, note=note)
    view = preview_view(services.ladder, interaction.user.id, draft, words, to_queue=to_queue)
    if interaction.type is discord.InteractionType.component:
        await interaction.response.edit_message(embed=embed, view=view)
    else:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=private_here(interaction))


def _to_queue(interaction: Interaction) -> bool:
    """Whether the preview being answered came from /queue (it offers Save and play)."""
    wanted = profile_button(PLAY, interaction.user.id)
    message = interaction.message
    for row in message.components if message else []:
        for item in getattr(row, "children", []):
            if getattr(item, "custom_id", None) == wanted:
                return True
    return False


async def _redraw(interaction: Interaction, draft: Identity, problems: list[str] | None = None) -> None:
    services = services_of(interaction)
    words = await words_for(interaction)
    embed = preview_embed(draft, words, problems=problems)
    view = preview_view(services.ladder, interaction.user.id, draft, words, to_queue=_to_queue(interaction))
    if interaction.message is not None:
        await interaction.response.edit_message(embed=embed, view=view)
    else:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=private_here(interaction))


async def press_profile(interaction: Interaction, action: str, player_id: int) -> None:
    if not await belongs_to(interaction, player_id):
        return
    services = services_of(interaction)
    words = await words_for(interaction)
    if action == NAMES:
        draft, typed = await services.players.setup_draft(player_id, interaction.user.display_name)
        shown = {
            "ladder_name": draft.ladder_name or "",
            "in_game_name": draft.in_game_name or "",
            "battletag": draft.battletag or "",
            "alt_names": ", ".join(draft.alt_names),
            "country": draft.country or "",
        }
        await interaction.response.send_modal(names_form(player_id, shown | typed, words))
        return
    if action == DISCARD:
        await services.players.discard_setup(player_id)
        text = words._("Setup cancelled: your profile is as it was. Use /setup to start again.")
        await interaction.response.edit_message(content=text, embed=None, view=None)
        return
    try:
        saved = await services.players.confirm_setup(player_id, client_locale(interaction))
    except SetupRefused as err:
        await interaction.response.send_message(refusal_text(words, err.refusal), ephemeral=True)
        return
    if saved.language:
        services.languages.remember(player_id, saved.language)
    words = await words_for(interaction)
    if action == PLAY:
        embed, view = await queue_setup(services, player_id, words)
        done = words._(
            "Your profile is saved, **{name}**.", name=discord.utils.escape_markdown(saved.ladder_name or "")
        )
        embed.description = f"{done}\n\n{embed.description or ''}"
        await interaction.response.edit_message(embed=embed, view=view)
        return
    embed = preview_embed(saved, words, note=words._("Your profile is saved. Use /queue to play."))
    await interaction.response.edit_message(embed=embed, view=None)


async def pick_region(interaction: Interaction, player_id: int) -> None:
    if not await belongs_to(interaction, player_id):
        return
    services = services_of(interaction)
    picked = picked_values(interaction)
    region = picked[0][:16] if picked else ""
    if region not in services.ladder.region_codes:
        words = await words_for(interaction)
        await interaction.response.send_message(
            refusal_text(words, Refusal(Why.UNKNOWN_REGION, {"region": region})), ephemeral=True
        )
        return
    draft = await services.players.change_draft(player_id, interaction.user.display_name, region=region)
    await _redraw(interaction, draft)


async def pick_language(interaction: Interaction, player_id: int) -> None:
    if not await belongs_to(interaction, player_id):
        return
    services = services_of(interaction)
    picked = picked_values(interaction)
    language = picked[0] if picked and picked[0] in LANGUAGES else None
    if language is None:
        words = await words_for(interaction)
        text = words._("That is not a language this bot speaks.")
        await interaction.response.send_message(text, ephemeral=True)
        return
    draft = await services.players.change_draft(player_id, interaction.user.display_name, language=language)
    await _redraw(interaction, draft)


async def names_submitted(interaction: Interaction, player_id: int) -> None:
    """The names form sent back: each field checked; the preview shows what passed and why the rest did not."""
    if not await belongs_to(interaction, player_id):
        return
    services = services_of(interaction)
    words = await words_for(interaction)
    typed = form_values(interaction.data, FORM_INPUTS, 400)
    languages = [words.code.split("-")[0], "en"]
    draft, refusals = await services.players.type_names(player_id, interaction.user.display_name, typed, languages)
    problems = [f"**{field_name(words, key)}**: {refusal_text(words, r)}" for key, r in refusals.items()]
    await _redraw(interaction, draft, problems)
