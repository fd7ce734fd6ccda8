"""Charts for the appendices (matplotlib; each function takes data, returns a Figure with title, axis
labels with units and Norwegian number formatting). Computation never happens here."""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ejournal_lib.common.formatting import fmt_number
from ejournal_lib.common.labels import label, labels

__all__ = [
    "PALETTE",
    "NOK_FORMAT",
    "new_figure",
    "words",
    "legend_below",
    "bridge_chart",
    "timeline_chart",
    "cash_comparison_chart",
    "ranked_municipalities",
    "coverage_curve",
    "participation_forecast_chart",
    "stacked_pv_by_actor",
    "net_by_actor",
    "actor_views_chart",
    "cumulative_net",
    "budget_burden",
]


def words(key: str, **values) -> str:
    """A chart's fixed words from the label catalogue (domain ``figure_text``), with ``{name}`` filled in."""
    return label("figure_text", key).format(**values)


NOK_FORMAT = FuncFormatter(lambda v, _: fmt_number(v, 0))
PALETTE = ["#14365d", "#2e6f9e", "#5fa2ce", "#a3cce9", "#e39c37", "#c8553d", "#7d8c3c", "#8a6fa8", "#6b6b6b"]


def new_figure(width=8.0, height=4.2):
    """A figure with one axes and a light horizontal grid (the appendices' common style)."""
    fig, ax = plt.subplots(figsize=(width, height))
    ax.grid(axis="y", alpha=0.3)
    return fig, ax


def _wrapped(words, width: int = 16) -> list[str]:
    """Tick labels broken over lines between words, so that they do not overlap (a word longer than
    ``width`` keeps its line: never "skattefinansiering" + ")" or a word cut in two)."""
    return [textwrap.fill(w, width, break_long_words=False) for w in words]


def legend_below(ax, ncol: int = 2):
    """A readable legend under the axes (never a tiny one squeezed beside the plot)."""
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=ncol, frameon=False)


def _year_axis(ax):
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))


def stacked_pv_by_actor(actor_pv: pd.DataFrame):
    """Stacked bars: present value per actor, split by effect (MNOK)."""
    effect_labels, actor_labels = labels("effect"), labels("actor")
    table = actor_pv.pivot_table(index="actor", columns="effect", values="npv_mnok", aggfunc="sum").fillna(0.0)
    table = table.reindex([a for a in actor_labels if a in table.index])
    fig, ax = new_figure(9, 6.2)
    x = np.arange(len(table))
    pos, neg = np.zeros(len(table)), np.zeros(len(table))
    for i, effect in enumerate([e for e in effect_labels if e in table.columns]):
        v = table[effect].to_numpy()
        bottom = np.where(v >= 0, pos, neg)
        ax.bar(x, v, bottom=bottom, label=effect_labels[effect], color=PALETTE[i % len(PALETTE)])
        pos += np.where(v >= 0, v, 0)
        neg += np.where(v < 0, v, 0)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, _wrapped([actor_labels[a] for a in table.index]), fontsize=9)
    ax.yaxis.set_major_formatter(NOK_FORMAT)
    ax.set_ylabel(words("pv_axis_2019"))
    ax.set_title(words("pv_by_actor_title"))
    legend_below(ax)
    fig.tight_layout()
    return fig


def actor_views_chart(views: pd.DataFrame):
    """Stacked bars: each actor's present value as cash, capacity, quality and tax financing (MNOK)."""
    parts = [
        ("cash_mnok", words("view_cash")),
        ("capacity_mnok", words("view_capacity")),
        ("quality_mnok", words("view_quality")),
        ("tax_mnok", words("view_tax")),
    ]
    fig, ax = new_figure(9, 5.6)
    x = np.arange(len(views))
    pos, neg = np.zeros(len(views)), np.zeros(len(views))
    for i, (col, name) in enumerate(parts):
        v = views[col].to_numpy(float)
        ax.bar(x, v, bottom=np.where(v >= 0, pos, neg), label=name, color=PALETTE[(2 * i) % len(PALETTE)])
        pos += np.where(v >= 0, v, 0)
        neg += np.where(v < 0, v, 0)
    ax.scatter(x, views["net_mnok"], color="black", zorder=3, label=words("net"), marker="D", s=18)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, _wrapped([label("actor", a) for a in views["actor"]]), fontsize=9)
    ax.yaxis.set_major_formatter(NOK_FORMAT)
    ax.set_ylabel(words("pv_axis_2019"))
    ax.set_title(words("actor_views_title"))
    legend_below(ax, ncol=3)
    fig.tight_layout()
    return fig


def net_by_actor(summary: pd.DataFrame):
    """Horizontal bars: net present value per actor (MNOK)."""
    fig, ax = new_figure(8, 3.6)
    colors = np.where(summary["net_mnok"] >= 0, "#2e6f9e", "#c8553d")
    ax.barh([label("actor", a) for a in summary["actor"]], summary["net_mnok"], color=colors)
    ax.axvline(0, color="black", lw=0.8)
    ax.xaxis.set_major_formatter(NOK_FORMAT)
    ax.set_xlabel(words("npv_axis_2019"))
    ax.set_title(words("net_by_actor_title"))
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    return fig


def cumulative_net(cumulative: pd.DataFrame, positive_year):
    """Line: cumulative discounted net value by year (MNOK), marking the year it turns positive."""
    fig, ax = new_figure()
    ax.plot(cumulative["year"], cumulative["cumulative_discounted_mnok"], marker="o", color="#14365d")
    ax.bar(cumulative["year"], cumulative["discounted_mnok"], color="#a3cce9", label=words("discounted_net_per_year"))
    ax.axhline(0, color="black", lw=0.8)
    if positive_year is not None:
        ax.axvline(positive_year, color="#e39c37", ls="--", label=words("positive_from", year=int(positive_year)))
    ax.yaxis.set_major_formatter(NOK_FORMAT)
    _year_axis(ax)
    ax.set_xlabel(words("year"))
    ax.set_ylabel(words("mnok_pv_2019"))
    ax.set_title(words("cumulative_title"))
    ax.legend(fontsize=8)
    return fig


def _cash_axes(ax, title: str) -> None:
    """A yearly cash chart's axes: the zero line, MNOK by year, the budget axis label, ``title`` (a
    figure-text key) and the legend."""
    ax.axhline(0, color="black", lw=0.8)
    ax.yaxis.set_major_formatter(NOK_FORMAT)
    _year_axis(ax)
    ax.set_xlabel(words("year"))
    ax.set_ylabel(words("budget_axis"))
    ax.set_title(words(title))
    ax.legend(fontsize=8)


def budget_burden(profile: pd.DataFrame, actors=("municipalities", "state", "gps")):
    """Lines: yearly budget effect per actor, with and without loan financing (MNOK, undiscounted)."""
    actor_labels = labels("actor")
    fig, ax = new_figure(9, 4.6)
    for i, actor in enumerate(actors):
        sub = profile[profile["actor"] == actor]
        if sub.empty:
            continue
        ax.plot(sub["year"], sub["without_loan_mnok"], color=PALETTE[i * 2], label=f"{actor_labels[actor]}")
        if actor == "municipalities":
            ax.plot(
                sub["year"],
                sub["with_loan_mnok"],
                color=PALETTE[i * 2],
                ls="--",
                label=words("with_loan", actor=actor_labels[actor]),
            )
    _cash_axes(ax, "budget_title")
    return fig


def cash_comparison_chart(cash: pd.DataFrame, n_scenarios: int):
    """The municipalities' yearly cash in each scenario of a comparison (``cash_side_by_side``): without
    loans (solid) and with loans (dashed), one colour per scenario (MNOK, undiscounted)."""
    fig, ax = new_figure(9, 4.4)
    for i in range(1, n_scenarios + 1):
        color = PALETTE[(2 * (i - 1)) % len(PALETTE)]
        ax.plot(cash["year"], cash[f"municipalities_without_loan_{i}"], color=color, label=words("scenario_n", n=i))
        ax.plot(
            cash["year"],
            cash[f"municipalities_with_loan_{i}"],
            color=color,
            ls="--",
            label=words("scenario_n_loan", n=i),
        )
    _cash_axes(ax, "cash_comparison_title")
    fig.tight_layout()
    return fig


_PUBLIC_STATUS_COLORS = {"signed": "#2e6f9e", "declined": "#c8553d", "unknown": "#e39c37", "not_named": "#c9c9c9"}


def ranked_municipalities(ranking: pd.DataFrame, population_date: str, top: int = 40, target_rank: int | None = None):
    """Bars: the largest municipalities by population (counted on ``population_date``, as readers write it),
    coloured by their status in public sources."""
    t = ranking.head(top)
    fig, ax = new_figure(10, 4.6)
    x = np.arange(len(t))
    ax.bar(x, t["population"] / 1000, color=[_PUBLIC_STATUS_COLORS.get(s, "#999") for s in t["public_status"]])
    handles = [
        Patch(facecolor=color, label=label("public_status", status))
        for status, color in _PUBLIC_STATUS_COLORS.items()
        if status in set(t["public_status"])
    ]
    if target_rank:
        handles.append(
            ax.axvline(target_rank - 0.5, color="#c8553d", ls="--", label=words("largest_reach_half", n=target_rank))
        )
    ax.set_xticks(x, t["municipality_name"], rotation=70, ha="right", fontsize=8)
    ax.set_ylabel(words("population_thousands", date=population_date))
    ax.set_title(words("largest_title", n=top))
    ax.legend(handles=handles, fontsize=8)
    return fig


def coverage_curve(coverage: pd.DataFrame, forecast: pd.DataFrame, target: float):
    """Signed share of the population outside Midt-Norge over time, with the Bass forecast and interval."""
    fig, ax = new_figure(9, 4.2)
    d = pd.to_datetime(coverage["date"])
    ax.step(
        d,
        coverage["share_of_population_outside_midt_norge"] * 100,
        where="post",
        color="#14365d",
        label=words("signed_observed"),
    )
    f = forecast.copy()
    f["when"] = pd.PeriodIndex(f["period"], freq="Q").end_time
    ax.plot(f["when"], f["forecast_share"] * 100, color="#e39c37", label=words("bass_forecast"))
    ax.fill_between(
        f["when"],
        f["low"] * 100,
        f["high"] * 100,
        color="#e39c37",
        alpha=0.2,
        label=words("forecast_interval"),
    )
    ax.axhline(target * 100, color="#c8553d", ls="--", label=words("target_line", share=fmt_number(target * 100, 0)))
    ax.set_ylim(0, 100)
    ax.set_ylabel(words("population_share_axis"))
    ax.set_xlabel(words("date"))
    ax.set_title(words("coverage_title"))
    ax.legend(fontsize=8, loc="lower right")
    return fig


def participation_forecast_chart(forecast: pd.DataFrame):
    """Lines: municipal population share and GP share per year for each scenario (%)."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for i, (name, sub) in enumerate(forecast.groupby("scenario", sort=False)):
        color = PALETTE[i * 2 % len(PALETTE)]
        ax1.plot(
            sub["year"],
            sub["municipal_population_share"] * 100,
            color=color,
            label=label("participation_scenario", name),
        )
        if sub["low"].notna().any():
            ax1.fill_between(sub["year"], sub["low"] * 100, sub["high"] * 100, color=color, alpha=0.15)
        ax2.plot(sub["year"], sub["gp_share"] * 100, color=color, label=label("participation_scenario", name))
    for ax, title in ((ax1, words("municipalities_live")), (ax2, words("gps_with"))):
        _year_axis(ax)
        ax.set_title(title)
        ax.set_xlabel(words("year"))
        ax.grid(alpha=0.3)
    ax1.set_ylabel(words("percent"))
    ax1.legend(fontsize=8)
    fig.suptitle(words("participation_title"))
    fig.tight_layout()
    return fig


def bridge_chart(
    bridge: pd.DataFrame,
    titles: dict,
    start: str | None = None,
    end: str | None = None,
    title: str | None = None,
):
    """Waterfall: net present value from a starting point through each change (``change_id``, words in
    ``titles``) to the end."""
    start, end = start or words("bridge_start"), end or words("bridge_end")
    fig, ax = new_figure(9, 4.4)
    x = np.arange(len(bridge) + 1)
    level = float(bridge["npv_mnok"].iloc[0])
    ax.bar(0, level, color="#14365d")
    for i, row in enumerate(bridge.itertuples(), start=0):
        if i == 0:
            continue
        d = float(row.delta_mnok)  # type: ignore[arg-type]  # itertuples loses dtypes
        ax.bar(i, d, bottom=level, color="#2e6f9e" if d >= 0 else "#c8553d")
        level += d
    ax.bar(len(bridge), level, color="#14365d")
    names = [start] + [titles.get(c, c) for c in bridge["change_id"].iloc[1:]] + [end]
    ax.set_xticks(x, _wrapped(names, 18), fontsize=8)
    ax.axhline(0, color="black", lw=0.8)
    ax.yaxis.set_major_formatter(NOK_FORMAT)
    ax.set_ylabel(words("npv_axis"))
    ax.set_title(title or words("bridge_title"))
    fig.tight_layout()
    return fig


def timeline_chart(timeline: pd.DataFrame):
    """Gantt-like chart in date order: one row per phase (a bar) and per milestone (a marker), each named on
    its row; stop points as dotted lines labelled SP1 … above the chart."""
    t = timeline.copy()
    t["start"], t["end"] = pd.to_datetime(t["start"]), pd.to_datetime(t["end"])
    rows = t[t["kind"] != "stop_point"].sort_values("start", kind="stable").reset_index(drop=True)
    fig, ax = new_figure(10, 0.32 * len(rows) + 2.0)
    for i, r in rows.iterrows():
        if r["kind"] == "phase":
            ax.barh(i, (r["end"] - r["start"]).days, left=r["start"], color="#a3cce9")
        else:
            ax.scatter([r["start"]], [i], marker="D", color="#e39c37", zorder=3)
    ax.set_yticks(range(len(rows)), rows["name"], fontsize=8)
    for _, r in t[t["kind"] == "stop_point"].iterrows():
        ax.axvline(r["start"], color="#c8553d", lw=0.8, ls=":")
        ax.annotate(
            r["name"].split(":")[0],
            (r["start"], 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7,
            color="#c8553d",
        )
    ax.set_ylim(len(rows) - 0.5, -0.7)
    ax.set_xlabel(words("year"))
    ax.set_title(words("timeline_title"), pad=14)
    fig.tight_layout()
    return fig
