"""The charts as PNG pictures, drawn with matplotlib's Agg canvas (no screen, no pyplot state shared between
tasks). Every word on a chart comes from the bot in the player's language (`ChartWords`); dates and numbers are
written by Babel in that language, and the CJK font bundled from PyPI draws Korean and Chinese."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

import matplotlib
import noto_cjk_sans_otc
from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal
from matplotlib import dates as mdates
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from db.chart_data import HourCount, RatingPoint

matplotlib.use("Agg")

SIZE_IN = (8.0, 3.4)
DPI = 100
# Where matplotlib counts dates from (its default since 3.3): a tick's value is days since then.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
COLOURS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c"]


@dataclass(frozen=True)
class ChartWords:
    """The words on one chart, in the player's language (`locale`: a Babel locale such as `ko` or `es_419`)."""

    locale: str
    title: str
    y_label: str
    # A legend label per series: a race's name by its code; `joins` and `matches` for /activity.
    series: Mapping[str, str] = field(default_factory=dict)


@cache
def _families(locale: str) -> tuple[str, ...]:
    """Latin and Cyrillic from matplotlib's own font; Han and Hangul from Noto Sans CJK, in the reader's variant."""
    font_manager.fontManager.addfont(str(noto_cjk_sans_otc.FONT_PATH))
    cjk = {"ko": "Noto Sans CJK KR", "ja": "Noto Sans CJK JP", "zh_TW": "Noto Sans CJK TC"}
    return ("DejaVu Sans", cjk.get(locale, cjk.get(locale.split("_")[0], "Noto Sans CJK SC")))


def _figure(words: ChartWords) -> tuple[Figure, Axes]:
    figure = Figure(figsize=SIZE_IN, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(words.title, fontfamily=_families(words.locale), fontsize=12)
    axes.set_ylabel(words.y_label, fontfamily=_families(words.locale))
    axes.grid(True, alpha=0.3)
    locale = Locale.parse(words.locale)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_decimal(round(v), locale=locale)))
    return figure, axes


def _dates(axes: Axes, words: ChartWords, skeleton: str) -> None:
    locale = Locale.parse(words.locale)

    def written(value: float, _: int) -> str:
        return format_skeleton(skeleton, EPOCH + timedelta(days=value), locale=locale)

    axes.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(FuncFormatter(written))
    for label in axes.get_xticklabels():
        label.set_fontfamily(_families(words.locale))


def _days(times: Sequence[datetime]) -> list[float]:
    """Times as matplotlib's date numbers (a naive time is UTC, as the database keeps them)."""
    return [((t if t.tzinfo else t.replace(tzinfo=UTC)) - EPOCH).total_seconds() / 86400 for t in times]


def _png(figure: Figure, words: ChartWords) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def rating_chart(history: Mapping[str, Sequence[RatingPoint]], words: ChartWords) -> bytes:
    """The rating after each match, a line per race."""
    figure, axes = _figure(words)
    for i, (race, points) in enumerate(sorted(history.items())):
        axes.plot(_days([p.at for p in points]), [p.rating for p in points], drawstyle="steps-post", linewidth=1.4,
                  color=COLOURS[i % len(COLOURS)], label=words.series.get(race, race))  # fmt: skip
    _dates(axes, words, "MMMd")
    if len(history) > 1:
        axes.legend(prop={"family": _families(words.locale)}, fontsize=9, loc="best")
    return _png(figure, words)


def activity_chart(hours: Sequence[HourCount], words: ChartWords) -> bytes:
    """Queue joins (filled) and matches (a line) in each hour."""
    figure, axes = _figure(words)
    # Each hour is a step as wide as the hour: the last one closes an hour after it began.
    steps = [*hours, hours[-1]] if hours else []
    at = _days([h.hour for h in hours] + ([hours[-1].hour + timedelta(hours=1)] if hours else []))
    axes.fill_between(at, [h.joins for h in steps], step="post", alpha=0.35, color=COLOURS[0],
                      label=words.series.get("joins", "joins"))  # fmt: skip
    axes.plot(at, [h.matches for h in steps], drawstyle="steps-post", linewidth=1.4, color=COLOURS[1],
              label=words.series.get("matches", "matches"))  # fmt: skip
    axes.set_ylim(bottom=0)
    spread = (hours[-1].hour - hours[0].hour).total_seconds() if len(hours) > 1 else 0
    _dates(axes, words, "Hm" if spread <= 36 * 3600 else "MMMd")
    axes.legend(prop={"family": _families(words.locale)}, fontsize=9, loc="upper left")
    return _png(figure, words)
