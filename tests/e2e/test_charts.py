"""Pictures drawn by a real worker for the player who asked, in their language: the rating history added to
/profile once drawn, and /activity; a player with no game gets their profile and no picture."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image
from sqlalchemy import Engine, text

from sandbox.discord_standin import StandIn
from sandbox.discord_standin.models import Message
from tests.e2e.conftest import BotProcess, new_user
from tests.e2e.hostile import polite

PNG = b"\x89PNG\r\n\x1a\n"


def _seed_history(engine: Engine, player: int, opponent: int) -> None:
    """Three completed matches for the player, the last one a week ago."""
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO players (id, display_name) VALUES (:a, 'Chartist'), (:b, 'Foil')"),
                     {"a": player, "b": opponent})  # fmt: skip
        for days, before, change in ((30, 1500, 20), (20, 1520, -18), (7, 1502, 21)):
            conn.execute(
                text(
                    "INSERT INTO matches (player1_id, player2_id, player1_race, player2_race, player1_rating,"
                    " player2_rating, server, state, result, ended_at, player1_rating_change,"
                    " player2_rating_change) VALUES (:a, :b, 'bw_zerg', 'bw_terran', :before, 1500, 'x',"
                    " 'completed', :result, :at, :change, -:change)"
                ),
                {"a": player, "b": opponent, "before": before, "change": change,
                 "result": "player1" if change > 0 else "player2", "at": datetime.now(UTC) - timedelta(days=days)},
            )  # fmt: skip
        conn.execute(
            text(
                "INSERT INTO ratings (player_id, race, rating, games, wins, losses, draws, last_played_at)"
                " VALUES (:a, 'bw_zerg', 1523, 3, 2, 1, 0, now() - interval '7 days')"
            ),
            {"a": player},
        )


def _picture(standin: StandIn, message: Message, name: str) -> Image.Image:
    [attached] = [a for a in message.attachments if a["filename"] == name]
    data = standin.store.cdn.data(attached["id"])
    assert data.startswith(PNG)
    assert message.embeds[0]["image"]["url"].endswith(name)
    return Image.open(io.BytesIO(data))


async def test_the_profile_gains_its_rating_chart_and_activity_is_drawn(
    bot: BotProcess, standin: StandIn, engine: Engine
) -> None:
    player, opponent = new_user(), new_user()
    _seed_history(engine, player, opponent)
    answered = await standin.run_command(player, "profile", {})
    first = polite(answered)
    assert "1523" in first.text()
    charted = await standin.wait_for_message(player, lambda m: m.id == first.id and bool(m.attachments), timeout=20)
    picture = _picture(standin, charted, "rating.png")
    assert picture.size == (800, 340)
    assert "1523" in charted.text(), "the profile stays as it was, the picture added"

    activity = polite(await standin.run_command(player, "activity", {"period": "week"}))
    assert "Ladder activity" in activity.text() and "the last 7 days" in activity.text()
    assert _picture(standin, activity, "activity.png").size == (800, 340)


async def test_a_player_with_no_game_gets_no_picture(bot: BotProcess, standin: StandIn, engine: Engine) -> None:
    player = new_user()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO players (id, display_name) VALUES (:p, 'Newcomer')"), {"p": player})
        conn.execute(text("INSERT INTO ratings (player_id, race, rating) VALUES (:p, 'bw_zerg', 1500)"), {"p": player})
    shown = polite(await standin.run_command(player, "profile", {}))
    assert "Newcomer" in shown.text() and "comes with the first completed match" in shown.text()
    drawn = await standin.run_command(player, "activity", {"period": "day"})
    assert drawn.message is not None and drawn.message.attachments
    # The profile's answer asked for no picture: it never gains one.
    assert not standin.store.messages[shown.id].attachments
