"""Charts of the time-use baseline appendix (cells and planning, never individuals); shared styling from
:mod:`ejournal_lib.publishing.figures`."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from ejournal_lib.common.formatting import fmt_number
from ejournal_lib.common.labels import label
from ejournal_lib.publishing.figures import PALETTE, new_figure, words

__all__ = ["timeuse_by_group", "timeuse_municipal_spread", "design_effect_chart"]


def timeuse_by_group(table: pd.DataFrame, groups: list[str]):
    """Horizontal bars with interval whiskers: minutes per staff-day by activity group (``groups``) for each
    service and role (suppressed cells left out)."""
    t = table[~table["suppressed"].astype(bool) & table["activity_group"].isin(groups)].copy()
    t["cell"] = [f"{label('service', s)} – {label('role', r)}" for s, r in zip(t["service"], t["role"])]
    cells = sorted(t["cell"].unique())
    groups = [g for g in groups if g in set(t["activity_group"])]
    fig, ax = new_figure(9, 0.45 * len(cells) + 2.0)
    height = 0.8 / max(len(groups), 1)
    for j, g in enumerate(groups):
        sub = t[t["activity_group"] == g].set_index("cell").reindex(cells)
        y = np.arange(len(cells)) + j * height
        v = sub["minutes_per_day"].astype(float).to_numpy()
        err = np.vstack([v - sub["ci_low"].astype(float).to_numpy(), sub["ci_high"].astype(float).to_numpy() - v])
        ax.barh(
            y,
            v,
            height=height,
            xerr=err,
            color=PALETTE[j % len(PALETTE)],
            label=label("activity_group", g),
            error_kw={"elinewidth": 0.8, "capsize": 2},
        )
    ax.set_yticks(np.arange(len(cells)) + 0.4 - height / 2, cells, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(words("minutes_axis_interval"))
    ax.set_title(words("timeuse_title"))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def timeuse_municipal_spread(by_service: pd.DataFrame, by_municipality: pd.DataFrame):
    """Per service: the estimate with its interval, and each published municipality cell as a dot (cells, never
    individuals; suppressed cells are not drawn)."""
    shown = by_service[~by_service["suppressed"].astype(bool)].sort_values("baseline_addressable_minutes")
    cells = by_municipality[~by_municipality["suppressed"].astype(bool)]
    fig, ax = new_figure(9, 0.5 * len(shown) + 1.5)
    y = np.arange(len(shown))
    est = shown["baseline_addressable_minutes"].to_numpy()
    err = [est - shown["ci_low"].to_numpy(), shown["ci_high"].to_numpy() - est]
    ax.errorbar(est, y, xerr=err, fmt="s", color=PALETTE[0], capsize=3, label=words("service_with_interval"))
    for i, service in enumerate(shown["service"]):
        vals = cells.loc[cells["service"] == service, "baseline_addressable_minutes"].to_numpy()
        ax.plot(
            vals,
            np.full(len(vals), i + 0.2),
            "o",
            color=PALETTE[4],
            ms=5,
            label=words("municipality") if i == 0 else None,
        )
    ax.set_yticks(y, [label("service", s) for s in shown["service"]], fontsize=8)
    ax.set_xlabel(words("affectable_minutes_axis"))
    ax.set_title(words("spread_title"))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def design_effect_chart(planner: pd.DataFrame):
    """Lines: staff-days needed against days per staff, one line per number of staff per municipality."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for i, (k, sub) in enumerate(planner.groupby("staff_per_municipality")):
        c = PALETTE[i * 2 % len(PALETTE)]
        ax1.plot(
            sub["days_per_staff"], sub["staff_days"], marker="o", color=c, label=words("staff_per_municipality", n=k)
        )
        ax2.plot(
            sub["days_per_staff"], sub["design_effect"], marker="o", color=c, label=words("staff_per_municipality", n=k)
        )
    ax1.set_title(words("staff_days_needed"))
    ax1.set_ylabel(words("staff_days"))
    ax2.set_title(words("design_effect"))
    ax2.set_ylabel(words("design_effect_axis"))
    for ax in (ax1, ax2):
        ax.set_xlabel(words("days_per_staff"))
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax1.legend(fontsize=8)
    m = planner["margin_minutes"].iloc[0]
    fig.suptitle(words("planning_title", minutes=fmt_number(m, 0)))
    fig.tight_layout()
    return fig
