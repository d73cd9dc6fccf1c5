"""/admin: queue, match and player tools for the ladder's admins.

Discord hides the group from members without Manage Server (its default permissions; a server can show it to
the admin role in its settings), and every command checks for itself: Manage Server or the admin role, in the
ladder's home server only.
Every action that writes is first shown as a preview (what it would do, ratings old → new) with Confirm and Cancel:
it is done only when confirmed, and only if it would still do what the preview showed. Each is audited in the
database and posted to the admins' log channel when one is configured. Players are named by id, mention, ladder
name or Discord name, with suggestions.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import discord
from discord import app_commands

from bot.actions.leaderboard import race_code, suggest_races
from bot.admin_access import is_admin
from bot.admin_service import MAX_REASON, clean_reason
from bot.admin_status import status_text
from bot.answer_in_time import Reply, answer_privately
from bot.drawing.admin_notes import admin_summary, replay_line
from bot.drawing.admin_preview import preview_text, preview_view
from bot.drawing.drift import drift_text
from bot.drawing.profile import profile_embed
from bot.drawing.renderings import name, race, timestamp
from bot.health import BotHealth
from bot.ladder_client import Interaction, services_of
from bot.languages import SOURCE
from db.admin import RATING_CHANGES, RESOLUTIONS

log = logging.getLogger(__name__)

# Discord's integer options are Int53 (its OpenAPI schema `Int53Type`): a larger bound fails the whole command
# sync with a 400, and the bot would not start.
DISCORD_MAX_INTEGER = 2**53 - 1
# Every admin action takes a reason: audited, and read by the player it concerns in a direct message.
Reason = app_commands.Range[str, 1, MAX_REASON]
WHY = "Why, as the player will read it"

admin_group = app_commands.Group(
    name="admin",
    description="Ladder admin tools",
    default_permissions=discord.Permissions(manage_guild=True),
    allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False),
)
queue_group = app_commands.Group(name="queue", description="The queue", parent=admin_group)
match_group = app_commands.Group(name="match", description="Matches", parent=admin_group)
player_group = app_commands.Group(name="player", description="Players", parent=admin_group)
ratings_group = app_commands.Group(name="ratings", description="Ratings against the match history", parent=admin_group)


async def _refused(interaction: Interaction) -> bool:
    if is_admin(interaction):
        return False
    await interaction.response.send_message(
        "Only the ladder's admins can use this (Manage Server or the admin role, in the ladder's server).",
        ephemeral=True,
    )
    return True


async def _preview(interaction: Interaction, action: str, params: dict[str, Any]) -> None:
    """Shows the admin what the action would do, with Confirm and Cancel; nothing is written before Confirm. An
    action that would change nothing is said so, with nothing to confirm."""

    async def shown() -> Reply:
        previewed = await services_of(interaction).admin.preview(interaction.user.id, action, params)
        if previewed.preview_id is None:
            return {"content": admin_summary(previewed.done)[:2000]}
        text = preview_text(previewed.done, previewed.names, clean_reason(params.get("reason")))
        return {"content": text[:2000], "view": preview_view(previewed.preview_id)}

    await answer_privately(interaction, shown())


async def _player_id(interaction: Interaction, typed: str) -> int | None:
    """The player an admin named (an id, a mention, a ladder or Discord name); None, and the admin told why, when
    that names nobody or several players."""
    found = await services_of(interaction).admin.players_named(typed)
    if len(found) == 1:
        return found[0].player_id
    if not found:
        text = f"No player is called {discord.utils.escape_markdown(typed[:100])!r}. Pick one from the suggestions."
    else:
        listed = ", ".join(f"{discord.utils.escape_markdown(f.ladder_name or '?')} ({f.player_id})" for f in found)
        text = f"Several players are called that: {listed}. Give the id."
    await interaction.response.send_message(text[:2000], ephemeral=True)
    return None


async def _suggest_players(interaction: Interaction, typed: str) -> list[app_commands.Choice[str]]:
    if not is_admin(interaction):
        return []
    found = await services_of(interaction).admin.suggest_players(typed)
    return [
        app_commands.Choice(name=f"{f.ladder_name or '—'} · {f.discord_name or '—'} · {f.player_id}"[:100],
                            value=str(f.player_id))
        for f in found
    ]  # fmt: skip


# The player options: an id, a mention, a ladder name or a Discord name, with suggestions as the admin types.
Player = app_commands.Range[str, 1, 100]
WHO = "The player: type a ladder name, a Discord name or an id"


@admin_group.command(name="status", description="The queue, the last wave, events not yet shown, the bot's health")
async def status(interaction: Interaction) -> None:
    if await _refused(interaction):
        return
    await answer_privately(interaction, _status(interaction))


async def _status(interaction: Interaction) -> Reply:
    ladder, stream = await services_of(interaction).admin.status()
    health: BotHealth | None = interaction.client.health
    return {"content": status_text(ladder, stream, health)}


@queue_group.command(name="list", description="Who is waiting, longest first")
async def queue_list(interaction: Interaction) -> None:
    if await _refused(interaction):
        return
    await answer_privately(interaction, _queue_list(interaction))


async def _queue_list(interaction: Interaction) -> Reply:
    total, waiting = await services_of(interaction).admin.queue_list()
    lines = [
        f"{discord.utils.escape_markdown(w.display_name or str(w.player_id))} ({w.player_id}) · "
        f"{', '.join(w.races)} · {round(w.waited_s)} s"
        for w in waiting
    ]
    return {"content": (f"{total} waiting.\n" + "\n".join(lines))[:2000]}


@queue_group.command(name="remove", description="Take a player out of the queue")
@app_commands.describe(player=WHO, reason=WHY)
async def queue_remove(interaction: Interaction, player: Player, reason: Reason) -> None:
    if await _refused(interaction) or (player_id := await _player_id(interaction, player)) is None:
        return
    await _preview(interaction, "queue_remove", {"player": player_id, "reason": reason})


queue_remove.autocomplete("player")(_suggest_players)


@queue_group.command(name="clear", description="Take everyone out of the queue")
@app_commands.describe(reason=WHY)
async def queue_clear(interaction: Interaction, reason: Reason) -> None:
    if await _refused(interaction):
        return
    await _preview(interaction, "queue_clear", {"reason": reason})


@match_group.command(name="disputes", description="Disputed matches waiting for an admin, oldest first")
async def match_disputes(interaction: Interaction) -> None:
    if await _refused(interaction):
        return
    await answer_privately(interaction, _disputes(interaction))


async def _disputes(interaction: Interaction) -> Reply:
    total, disputes = await services_of(interaction).admin.open_disputes()
    lines = [f"{total} disputed match{'es' if total != 1 else ''} waiting."]
    for d in disputes:
        a, b = (discord.utils.escape_markdown(n) for n in d.names)
        lines.append(
            f"#{d.match_id}: {a} vs {b} · {(d.reason or 'disputed').replace('_', ' ')} · since {timestamp(d.since)}"
        )
    lines.append("Settle one with /admin match resolve.")
    return {"content": "\n".join(lines)[:2000]}


@match_group.command(name="show", description="A match's players, state, reports and replays")
async def match_show(interaction: Interaction, match_id: app_commands.Range[int, 1, DISCORD_MAX_INTEGER]) -> None:
    if await _refused(interaction):
        return
    await answer_privately(interaction, _match(interaction, match_id))


async def _match(interaction: Interaction, match_id: int) -> Reply:
    services = services_of(interaction)
    words = services.catalogs.words(SOURCE)
    payload = await services.admin.match_show(match_id)
    if payload is None:
        return {"content": f"There is no match #{match_id}."}
    lines = [f"Match #{match_id}: {payload['state'].replace('_', ' ')}"]
    for n, p in enumerate(payload["players"], start=1):
        lines.append(f"player{n}: {name(words, p)} ({p['player_id']}) · {race(words, p)} · {p['rating']} · "
                     f"confirmed: {'yes' if p['confirmed'] else 'no'} · report: {p['report'] or '—'}")  # fmt: skip
    if payload.get("result"):
        lines.append(f"result: {payload['result']}")
    uploads, files = await services.admin.match_replays(match_id)
    lines += [replay_line(upload) for upload in uploads]
    reply: Reply = {"content": "\n".join(lines)[:2000]}
    if files:
        reply["files"] = [discord.File(io.BytesIO(data), filename=filename) for filename, data in files]
    return reply


@match_group.command(name="resolve", description="Settle any match, or settle an ended one again")
@app_commands.choices(result=[app_commands.Choice(name=r, value=r) for r in RESOLUTIONS])
@app_commands.describe(reason="Why, as both players will read it")
async def match_resolve(
    interaction: Interaction, match_id: app_commands.Range[int, 1, DISCORD_MAX_INTEGER], result: str, reason: Reason
) -> None:
    if await _refused(interaction):
        return
    await _preview(interaction, "match_resolve", {"match": match_id, "resolution": result, "reason": reason})


@player_group.command(name="show", description="A player's profile, ban included")
@app_commands.describe(player=WHO)
async def player_show(interaction: Interaction, player: Player) -> None:
    if await _refused(interaction) or (player_id := await _player_id(interaction, player)) is None:
        return
    await answer_privately(interaction, _player(interaction, player_id))


player_show.autocomplete("player")(_suggest_players)


async def _player(interaction: Interaction, player_id: int) -> Reply:
    services = services_of(interaction)
    profile = await services.players.profile(player_id)
    if profile is None:
        return {"content": "That player has never used this ladder."}
    embed = profile_embed(services.ladder, profile, services.catalogs.words(SOURCE))
    changes = await services.players.identity_history(player_id, limit=8)
    if changes:
        shown = [
            (f, discord.utils.escape_markdown(o or "—"), discord.utils.escape_markdown(n or "—")) for f, o, n in changes
        ]
        lines = [f"{field}: {old} → {new}" for field, old, new in shown]
        embed.add_field(name="Identity changes (latest first)", value="\n".join(lines)[:1024], inline=False)
    return {"embed": embed}


@player_group.command(name="rating", description="Set a player's rating of a race, or add to it or subtract from it")
@app_commands.choices(change=[app_commands.Choice(name=c, value=c) for c in RATING_CHANGES])
@app_commands.describe(player=WHO, value="The new rating (set), or the points to add or subtract", reason=WHY)
async def player_rating(
    interaction: Interaction,
    player: Player,
    race: app_commands.Range[str, 1, 32],
    change: str,
    value: app_commands.Range[float, 0, 10_000],
    reason: Reason,
) -> None:
    if await _refused(interaction) or (player_id := await _player_id(interaction, player)) is None:
        return
    words = services_of(interaction).catalogs.words(SOURCE)
    code = race_code(race, services_of(interaction).ladder.races, words) or race.strip().lower()
    params = {"player": player_id, "race": code, "change": change, "value": value, "reason": reason}
    await _preview(interaction, "player_rating", params)


player_rating.autocomplete("player")(_suggest_players)
player_rating.autocomplete("race")(suggest_races)


@ratings_group.command(name="check", description="Every rating against the match history")
async def ratings_check(interaction: Interaction) -> None:
    if await _refused(interaction):
        return
    await answer_privately(interaction, _ratings_check(interaction))


async def _ratings_check(interaction: Interaction) -> Reply:
    drifts = await services_of(interaction).admin.rating_drift()
    return {"content": drift_text(len(drifts), [d.as_payload() for d in drifts])[:2000]}


@ratings_group.command(name="repair", description="Set every rating that differs from the match history to it")
@app_commands.describe(reason="Why, for the audit log")
async def ratings_repair(interaction: Interaction, reason: Reason) -> None:
    if await _refused(interaction):
        return
    await _preview(interaction, "ratings_repair", {"reason": reason})


@player_group.command(name="ban", description="Ban a player from the ladder")
@app_commands.describe(player=WHO, reason=WHY)
async def player_ban(interaction: Interaction, player: Player, reason: Reason) -> None:
    if await _refused(interaction) or (player_id := await _player_id(interaction, player)) is None:
        return
    await _preview(interaction, "player_ban", {"player": player_id, "reason": reason})


player_ban.autocomplete("player")(_suggest_players)


@player_group.command(name="unban", description="Lift a player's ban")
@app_commands.describe(player=WHO, reason=WHY)
async def player_unban(interaction: Interaction, player: Player, reason: Reason) -> None:
    if await _refused(interaction) or (player_id := await _player_id(interaction, player)) is None:
        return
    await _preview(interaction, "player_unban", {"player": player_id, "reason": reason})


player_unban.autocomplete("player")(_suggest_players)
