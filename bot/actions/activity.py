"""/activity: the ladder's queue joins and matches per hour over the last day, week or month, as a picture."""

from __future__ import annotations

from bot.answer_in_time import Reply, answer_privately
from bot.drawing.charts import ACTIVITY_FILE, activity_chart_words, activity_embed, with_chart
from bot.ladder_client import Interaction, services_of
from bot.speaking import words_for
from bot.words import Words
from db.chart_data import PERIOD_HOURS


async def show_activity(interaction: Interaction, period: str) -> None:
    words = await words_for(interaction)
    if period not in PERIOD_HOURS:  # Discord offers only the choices: a forged value
        text = words._("Pick a period: a day, a week or a month.")
        await interaction.response.send_message(text, ephemeral=True)
        return
    await answer_privately(interaction, _activity(interaction, period, words))


async def _activity(interaction: Interaction, period: str, words: Words) -> Reply:
    charts = services_of(interaction).charts
    picture = await charts.draw("activity", {"period": period}, activity_chart_words(period, words))
    if not picture:
        return {"embed": activity_embed(period, words, drawn=False)}
    return with_chart(activity_embed(period, words, drawn=True), picture, ACTIVITY_FILE)
