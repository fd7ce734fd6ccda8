"""Charts of the uncertainty analysis: the simulated net present value, the tornado, who bears the
uncertainty under each risk-sharing rule, and the value of information; shared styling from
:mod:`ejournal_lib.publishing.figures`."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ejournal_lib.common.formatting import fmt_number
from ejournal_lib.common.labels import label
from ejournal_lib.publishing.figures import NOK_FORMAT, PALETTE, legend_below, new_figure, words

__all__ = [
    "npv_distribution",
    "tornado_chart",
    "sensitivity_chart",
    "risk_sharing_chart",
    "evppi_chart",
    "evsi_chart",
    "stop_threshold_chart",
]


def npv_distribution(npv_draws: np.ndarray, summary: dict):
    """Histogram and S-curve of the simulated net present value (MNOK)."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.hist(npv_draws, bins=80, color="#5fa2ce")
    for key, ls in (("p10", ":"), ("p50", "-"), ("p90", ":")):
        ax1.axvline(summary[key], color="#14365d", ls=ls, label=f"{key.upper()}: {fmt_number(summary[key], 0)}")
    ax1.axvline(0, color="#c8553d", lw=1)
    ax1.xaxis.set_major_formatter(NOK_FORMAT)
    ax1.xaxis.set_major_locator(MaxNLocator(5))  # thousands with spaces are wide: fewer ticks, none overlapping
    ax1.set_xlabel(words("npv_axis"))
    ax1.set_ylabel(words("draws"))
    ax1.set_title(words("npv_distribution_title"))
    ax1.legend(fontsize=8)
    xs = np.sort(npv_draws)
    ax2.plot(xs, np.linspace(0, 1, len(xs)), color="#14365d")
    ax2.axvline(0, color="#c8553d", lw=1)
    ax2.xaxis.set_major_formatter(NOK_FORMAT)
    ax2.xaxis.set_major_locator(MaxNLocator(5))
    ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{fmt_number(100 * v, 0)} %"))
    ax2.set_xlabel(words("npv_axis"))
    ax2.set_ylabel(words("cumulative_probability"))
    ax2.set_title(words("s_curve"))
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def tornado_chart(tornado: pd.DataFrame, top: int = 12):
    """Tornado: net present value with each input at P10 and P90, the others at base values (MNOK)."""
    t = tornado.head(top).iloc[::-1]
    base = float(t["base_npv_mnok"].iloc[0])
    fig, ax = new_figure(9, 0.35 * len(t) + 1.5)
    y = np.arange(len(t))
    ax.barh(y, t["npv_at_p10_mnok"] - base, left=base, color="#c8553d", label=words("input_at_p10"))
    ax.barh(y, t["npv_at_p90_mnok"] - base, left=base, color="#2e6f9e", label=words("input_at_p90"))
    ax.axvline(base, color="black", lw=0.8)
    ax.set_yticks(y, [label("uncertain_input", s) for s in t["input"]], fontsize=8)
    ax.legend(fontsize=8)
    return _bar_chart_done(fig, ax, "npv_axis", "tornado_title")


def sensitivity_chart(sensitivity: pd.DataFrame):
    """The sensitivities as a tornado: each variant's change in the net present value from the base (MNOK),
    largest first; variants that change nothing are left out."""
    t = sensitivity[(sensitivity["sensitivity"] != "base") & (sensitivity["delta_mnok"].abs() > 0.5)]
    t = t.assign(size=t["delta_mnok"].abs()).sort_values("size", ascending=True, kind="stable")
    fig, ax = new_figure(9, 0.32 * len(t) + 1.6)
    y = np.arange(len(t))
    ax.barh(y, t["delta_mnok"], color=np.where(t["delta_mnok"] < 0, "#c8553d", "#2e6f9e"))
    ax.axvline(0, color="black", lw=0.8)
    names = [
        textwrap.shorten(f"{label('sensitivity', s)}: {label('sensitivity_variant', v)}", 62, placeholder="…")
        for s, v in zip(t["sensitivity"], t["variant"])
    ]
    ax.set_yticks(y, names, fontsize=8)
    return _bar_chart_done(fig, ax, "npv_change_axis", "sensitivity_title")


def risk_sharing_chart(table: pd.DataFrame, actors=("municipalities", "state", "gps")):
    """Per rule and actor: the cash effect's P10–P90 range (bar) and P50 (mark), with the probability that it
    is negative written beside it."""
    t = table[(table["measure"] == "cash") & table["actor"].isin(actors)]
    rules = list(dict.fromkeys(t["rule"]))
    fig, ax = new_figure(9, 0.42 * len(t) + 1.6)
    y, ticks = 0.0, []
    for i, rule in enumerate(rules):
        for actor in actors:
            r = t[(t["rule"] == rule) & (t["actor"] == actor)]
            if r.empty:
                continue
            r = r.iloc[0]
            ax.barh(y, r["p90"] - r["p10"], left=r["p10"], color=PALETTE[(2 * i) % len(PALETTE)], height=0.6)
            ax.plot(r["p50"], y, "k|", ms=12)
            ax.annotate(
                words("prob_negative", percent=fmt_number(r["prob_negative"] * 100, 0)),
                (r["p90"], y),
                xytext=(4, -3),
                textcoords="offset points",
                fontsize=8,
            )
            ticks.append(
                (y, f"{label('actor', actor)} – {textwrap.shorten(label('risk_rule', rule), 34, placeholder='…')}")
            )
            y += 1
        y += 0.5
    ax.set_yticks([p for p, _ in ticks], [w for _, w in ticks], fontsize=8)
    ax.invert_yaxis()
    lo, hi = float(t["p10"].min()), float(t["p90"].max())
    ax.set_xlim(min(lo, 0.0) - 0.03 * (hi - lo), hi + 0.22 * (hi - lo))  # room for the probability beside each bar
    ax.axvline(0, color="black", lw=0.8)
    return _bar_chart_done(fig, ax, "risk_axis", "risk_title")


def evppi_chart(evppi: pd.DataFrame, evpi: float):
    """Value of perfect information per parameter group (bars, ± 2 standard errors), EVPI as a line (MNOK)."""
    t = evppi.sort_values("evppi_mnok").reset_index(drop=True)
    fig, ax = new_figure(7.5, 0.26 * len(t) + 1.8)
    y = np.arange(len(t))
    colors = [PALETTE[4] if g == "time_all" else PALETTE[1] for g in t["parameter_group"]]
    ax.barh(y, t["evppi_mnok"], xerr=2 * t["se_mnok"].fillna(0), color=colors, ecolor="#444444", capsize=2)
    ax.axvline(evpi, color=PALETTE[5], lw=1.2, ls="--", label=words("evpi_line"))
    ax.set_yticks(y, [label("voi_group", g) for g in t["parameter_group"]], fontsize=9)
    ax.set_ylim(-0.6, len(t) - 0.4)
    ax.xaxis.set_major_formatter(NOK_FORMAT)
    ax.set_xlabel(words("evppi_axis"))
    ax.set_title(words("evppi_title"))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=9, loc="lower right")
    fig.tight_layout()
    return fig


def _bar_chart_done(fig, ax, xlabel: str, title: str):
    """A horizontal bar chart's money axis (MNOK), its label and title (figure-text keys), a light grid along
    the bars; the figure laid out."""
    ax.xaxis.set_major_formatter(NOK_FORMAT)
    ax.set_xlabel(words(xlabel))
    ax.set_title(words(title))
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def _line_chart_done(fig, ax, xlabel: str, ylabel: str, title: str):
    """Axis labels and title (figure-text keys), a light grid, the legend below; the figure laid out."""
    ax.set_xlabel(words(xlabel))
    ax.set_ylabel(words(ylabel))
    ax.set_title(words(title))
    ax.grid(alpha=0.3)
    legend_below(ax)
    fig.tight_layout()
    return fig


def evsi_chart(evsi: pd.DataFrame):
    """Value of a baseline study over the number of municipalities: EVSI at the scenario's informed share and
    at full information about the time savings, the study cost and the expected net gain (MNOK)."""
    fig, ax = new_figure(9, 4.4)
    n = evsi["municipalities"]
    ax.plot(n, evsi["evsi_full_mnok"], color=PALETTE[3], ls="--", label=words("evsi_full"))
    ax.plot(n, evsi["evsi_mnok"], color=PALETTE[1], lw=2, label=words("evsi_scenario"))
    ax.plot(n, evsi["study_cost_mnok"], color=PALETTE[5], label=words("study_cost"))
    ax.plot(n, evsi["engs_mnok"], color=PALETTE[6], lw=2, label=words("study_net_gain"))
    best = evsi[evsi["optimal"]]
    if not best.empty:
        b = best.iloc[0]
        ax.plot(b["municipalities"], b["engs_mnok"], "o", color=PALETTE[6])
        ax.annotate(
            words("n_municipalities", n=fmt_number(b["municipalities"], 0)),
            (b["municipalities"], b["engs_mnok"]),
            xytext=(0, -16),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xscale("log")
    ticks = [v for v in (1, 2, 5, 10, 20, 50, 100, 200) if n.min() <= v <= n.max()]
    ax.set_xticks(ticks, [fmt_number(v, 0) for v in ticks])
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.yaxis.set_major_formatter(NOK_FORMAT)
    return _line_chart_done(fig, ax, "municipalities_in_study_axis", "mnok_per_decision", "evsi_title")


def stop_threshold_chart(curve: pd.DataFrame, best: float, rule: float, committed: float):
    """Expected net present value with the stop points against the committed population share below which SP2
    stops, with the induction's threshold (``best``), the stop point's own (``rule``) and the value committed
    from the start (MNOK)."""
    fig, ax = new_figure(9, 4.2)
    x = curve["threshold_share"] * 100
    ax.plot(x, curve["with_stops_mnok"], color=PALETTE[1], lw=2, label=words("value_with_stops"))
    ax.axhline(committed, color=PALETTE[8], ls="--", label=words("value_committed"))
    for value, colour, key in ((best, PALETTE[6], "best_threshold"), (rule, PALETTE[5], "rule_threshold")):
        if value == value:  # not NaN
            ax.axvline(value * 100, color=colour, ls=":", lw=1.5, label=words(key, share=fmt_number(value * 100, 0)))
    ax.yaxis.set_major_formatter(NOK_FORMAT)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{fmt_number(v, 0)} %"))
    return _line_chart_done(fig, ax, "sp2_threshold_axis", "mnok_expected_npv", "stop_threshold_title")
