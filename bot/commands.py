"""The slash commands: each declares itself to Discord and hands the interaction to its action."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str

from bot.actions.activity import show_activity
from bot.actions.help import show_help
from bot.actions.leaderboard import open_board, suggest_races, suggest_ranks
from bot.actions.notify import COOLDOWN_MINUTES, set_notify
from bot.actions.open_queue import open_queue
from bot.actions.profile import show_profile
from bot.actions.region import set_up_by_command, suggest_countries
from bot.actions.replay import upload_replay
from bot.ladder_client import Interaction, services_of
from bot.languages import LANGUAGES, NATIVE_NAMES

_EVERYWHERE = {"guilds": True, "dms": True, "private_channels": False}


@app_commands.command(name="queue", description="Pick your races and map vetoes, then join the ladder's queue.")
@app_commands.allowed_contexts(**_EVERYWHERE)
@app_commands.allowed_installs(guilds=True, users=False)
async def queue_command(interaction: Interaction) -> None:
    await open_queue(interaction)


@app_commands.command(
    name="setup", description="Set the name other players see, the region you play from and your language."
)
@app_commands.describe(
    name="Your ladder name, the one other players see (3 to 12 characters)",
    region="Your region code",
    language="The language the ladder speaks to you (your Discord language if never set)",
    country="Your country, shown as a flag beside your name",
)
@app_commands.choices(
    # Each language by its own name, the same in every language: not translated.
    language=[app_commands.Choice(name=locale_str(NATIVE_NAMES[c], verbatim=True), value=c) for c in LANGUAGES]
)
@app_commands.allowed_contexts(**_EVERYWHERE)
@app_commands.allowed_installs(guilds=True, users=False)
async def setup_command(
    interaction: Interaction,
    name: app_commands.Range[str, 1, 100] | None = None,
    region: app_commands.Range[str, 1, 100] | None = None,
    language: str | None = None,
    country: app_commands.Range[str, 1, 100] | None = None,
) -> None:
    await set_up_by_command(interaction, name, region, language, country)


@setup_command.autocomplete("country")
async def country_suggestions(interaction: Interaction, typed: str) -> list[app_commands.Choice[str]]:
    return await suggest_countries(interaction, typed)


@app_commands.command(name="profile", description="A player's ratings, record, rank and last matches.")
@app_commands.describe(player="Whose profile (yours if left out)")
@app_commands.allowed_contexts(**_EVERYWHERE)
@app_commands.allowed_installs(guilds=True, users=False)
async def profile_command(interaction: Interaction, player: discord.User | None = None) -> None:
    await show_profile(interaction, player or interaction.user)


@app_commands.command(name="leaderboard", description="The ladder's best players, of every race or the ones you pick.")
@app_commands.describe(
    race="Only this race (every race if left out; more races can be picked on the board)",
    country="Only players from this country",
    rank="Only players of this rank",
    best_only="Each player once, in their best race",
    page="Which page",
)
@app_commands.allowed_contexts(**_EVERYWHERE)
@app_commands.allowed_installs(guilds=True, users=False)
async def leaderboard_command(
    interaction: Interaction,
    race: app_commands.Range[str, 1, 100] | None = None,
    country: app_commands.Range[str, 1, 100] | None = None,
    rank: app_commands.Range[str, 1, 100] | None = None,
    best_only: bool = False,
    page: app_commands.Range[int, 1, 1_000_000] = 1,
) -> None:
    await open_board(interaction, race, country, rank, best_only, page)


@leaderboard_command.autocomplete("race")
async def race_suggestions(interaction: Interaction, typed: str) -> list[app_commands.Choice[str]]:
    return await suggest_races(interaction, typed)


@leaderboard_command.autocomplete("country")
async def board_country_suggestions(interaction: Interaction, typed: str) -> list[app_commands.Choice[str]]:
    return await suggest_countries(interaction, typed)


@leaderboard_command.autocomplete("rank")
async def rank_suggestions(interaction: Interaction, typed: str) -> list[app_commands.Choice[str]]:
    return await suggest_ranks(interaction, typed)


@app_commands.command(name="activity", description="When people play: queue joins and matches per hour, as a chart.")
@app_commands.describe(period="Over the last day, week or month")
@app_commands.choices(
    period=[
        app_commands.Choice(name="day", value="day"),
        app_commands.Choice(name="week", value="week"),
        app_commands.Choice(name="month", value="month"),
    ]
)
@app_commands.allowed_contexts(**_EVERYWHERE)
@app_commands.allowed_installs(guilds=True, users=False)
async def activity_command(interaction: Interaction, period: str = "day") -> None:
    await show_activity(interaction, period)


@app_commands.command(
    name="notify", description="A direct message when players are waiting in the queue while you are not in it."
)
@app_commands.describe(setting="on or off", cooldown="At most one message every so many minutes")
@app_commands.choices(
    setting=[app_commands.Choice(name="on", value="on"), app_commands.Choice(name="off", value="off")]
)
@app_commands.allowed_contexts(**_EVERYWHERE)
@app_commands.allowed_installs(guilds=True, users=False)
async def notify_command(
    interaction: Interaction,
    setting: str,
    cooldown: app_commands.Range[int, COOLDOWN_MINUTES[0], COOLDOWN_MINUTES[1]] | None = None,
) -> None:
    await set_notify(interaction, setting, cooldown)


@app_commands.command(
    name="replay", description="Upload the replay of your match: a verified replay settles the result."
)
@app_commands.describe(file="The game's replay file (.SC2Replay)")
@app_commands.allowed_contexts(**_EVERYWHERE)
@app_commands.allowed_installs(guilds=True, users=False)
async def replay_command(interaction: Interaction, file: discord.Attachment) -> None:
    await upload_replay(interaction, file)


@app_commands.command(name="help", description="How the ladder works: a match from queue to result, and the commands.")
@app_commands.allowed_contexts(**_EVERYWHERE)
@app_commands.allowed_installs(guilds=True, users=False)
async def help_command(interaction: Interaction) -> None:
    with_replays = services_of(interaction).ladder.replays.mode != "off"
    listed = COMMANDS + (REPLAY_COMMANDS if with_replays else [])
    await show_help(interaction, [(c.name, c.description) for c in listed])


# Registered only where the ladder asks for replays (its file's `[replays] mode`).
REPLAY_COMMANDS: list[app_commands.Command[Any, Any, Any]] = [replay_command]

COMMANDS: list[app_commands.Command[Any, Any, Any]] = [
    queue_command,
    setup_command,
    profile_command,
    leaderboard_command,
    activity_command,
    notify_command,
    help_command,
]
