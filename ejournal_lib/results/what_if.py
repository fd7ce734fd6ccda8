"""One call for an analyst: a scenario, with overrides, evaluated to its key figures.

>>> from ejournal_lib.results.what_if import key_figures
>>> kf = key_figures("config/ssd2020.yaml", {"cba.frame.discount_rate": 0.03})   # doctest: +SKIP
>>> kf                                                                              # doctest: +SKIP
KeyFigures(ssd2020 + 1 override: npv 6 883 MNOK, benefits 30 130, costs −23 248; .summary() for the table)

The deterministic base case only (a tenth of a second per call); ``expected=True`` adds the expected net present
value (about half a second); ``distribution=True`` also the simulation's P10/P50/P85/P90 and probability of a
negative value, the break-even share of the population, and each actor's yearly cash (a few seconds). Overrides use the scenario's dotted paths; the scenario is reloaded with them and
checked like its file. The figures are the result graph's nodes, so they are the appendices' numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ejournal_lib.results.graph import result_graph
from ejournal_lib.scenario import Scenario

__all__ = ["KeyFigures", "key_figures", "KEY_FIGURES", "DISTRIBUTION_FIGURES", "Solution", "solve"]

#: The key figures, in the order tables show them (codes; words in the label catalogue's ``metric`` domain).
KEY_FIGURES = (
    "npv_mnok",
    "pv_benefits_mnok",
    "pv_costs_mnok",
    "municipal_net_mnok",
    "municipal_cash_mnok",
    "npv_per_budget_krone",
    "expected_npv_mnok",
)

#: With ``distribution=True``: the simulated distribution and the break-even (codes as in ``KEY_FIGURES``).
DISTRIBUTION_FIGURES = (
    "npv_p10_mnok",
    "npv_p50_mnok",
    "npv_p85_mnok",
    "npv_p90_mnok",
    "prob_negative_npv",
    "break_even_municipal_share",
    "break_even_gp_share",
)


@dataclass(frozen=True)
class KeyFigures:
    """The key figures of one evaluated scenario (MNOK, present value in the base year)."""

    scenario: str
    overrides: dict
    npv_mnok: float
    pv_benefits_mnok: float
    pv_costs_mnok: float
    municipal_net_mnok: float
    municipal_cash_mnok: float
    npv_per_budget_krone: float
    expected_npv_mnok: float = float("nan")
    npv_p10_mnok: float = float("nan")
    npv_p50_mnok: float = float("nan")
    npv_p85_mnok: float = float("nan")
    npv_p90_mnok: float = float("nan")
    prob_negative_npv: float = float("nan")
    break_even_municipal_share: float = float("nan")
    break_even_gp_share: float = float("nan")
    by_effect: pd.Series = field(default_factory=pd.Series, repr=False, compare=False)
    # each actor's yearly cash (year, actor, without_loan_mnok, with_loan_mnok); with ``distribution=True``
    cash: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)

    def summary(self) -> pd.DataFrame:
        """One row per key figure (and, when computed, per distribution figure): metric code and value."""
        metrics = list(KEY_FIGURES) + [k for k in DISTRIBUTION_FIGURES if getattr(self, k) == getattr(self, k)]
        return pd.DataFrame({"metric": metrics, "value": [getattr(self, k) for k in metrics]})

    def __repr__(self) -> str:
        extra = f" + {len(self.overrides)} override{'s' if len(self.overrides) != 1 else ''}" if self.overrides else ""
        fmt = lambda v: f"{v:,.0f}".replace(",", " ").replace("-", "−")  # noqa: E731
        return (
            f"KeyFigures({self.scenario}{extra}: npv {fmt(self.npv_mnok)} MNOK, benefits {fmt(self.pv_benefits_mnok)}, "
            f"costs {fmt(self.pv_costs_mnok)}; .summary() for the table)"
        )


def key_figures(
    scenario: Scenario | str | Path,
    overrides: dict | None = None,
    *,
    expected: bool = False,
    break_even: bool = False,
    distribution: bool = False,
    cash: bool = False,
) -> KeyFigures:
    """Evaluate ``scenario`` (a loaded scenario or its file) with ``overrides`` (``{"cba.frame.discount_rate":
    0.03}``) and return its key figures, read from its result graph (the nodes ``base_case_key_figures``,
    ``cba_effects`` and, with ``expected``, ``expected_values``; with ``break_even``, ``break_even``; with
    ``distribution`` all of these and ``uncertainty_summary``; with ``cash`` or ``distribution``,
    ``budget_profile``); every override is checked like the scenario file."""
    overrides = dict(overrides or {})
    graph = result_graph(scenario, overrides)
    base = graph.get("base_case_key_figures").set_index("metric")["value"]
    by_effect = graph.get("cba_effects").groupby("effect", sort=False)["npv_mnok"].sum()
    extra: dict = {}
    if break_even or distribution:
        be = graph.get("break_even")
        for quantity, name in (("municipal_final_share", "municipal"), ("gp_final_share", "gp")):
            rows = be[be["quantity"] == quantity]
            rows = rows[rows["stated"]] if quantity == "municipal_final_share" else rows  # one GP row: the 2020 rule
            # 0 when the value is positive without participation; missing when negative even at full participation
            extra[f"break_even_{name}_share"] = (
                0.0
                if rows["status"].iloc[0] == "positive_without_participation"
                else float(rows["break_even_share"].iloc[0])
            )
    if distribution:
        npv = graph.get("uncertainty_summary").set_index("quantity").loc["npv"]
        expected = True
        extra |= {
            **{f"npv_{q}_mnok": float(npv[q]) for q in ("p10", "p50", "p85", "p90")},
            "prob_negative_npv": float(npv["prob_negative"]),
        }
    if cash or distribution:
        extra["cash"] = graph.get("budget_profile")
    return KeyFigures(
        scenario=graph.scenario.name,
        overrides=overrides,
        npv_mnok=float(base["npv_mnok"]),
        pv_benefits_mnok=float(base["pv_benefits_mnok"]),
        pv_costs_mnok=float(base["pv_costs_mnok"]),
        municipal_net_mnok=float(base["municipal_net_mnok"]),
        municipal_cash_mnok=float(base["municipal_cash_mnok"]),
        npv_per_budget_krone=float(base["npv_per_budget_krone"]),
        expected_npv_mnok=float(graph.get("expected_values")["npv"]) if expected else float("nan"),
        by_effect=by_effect,
        **extra,
    )


@dataclass(frozen=True)
class Solution:
    """The value of ``path`` at which ``figure`` reaches ``target``, the bracket searched and the evaluations."""

    path: str
    value: float
    figure: str
    target: float
    bracket: tuple[float, float]
    evaluations: int

    def __str__(self) -> str:
        lo, hi = self.bracket
        return (
            f"{self.path} = {self.value:.6g} gives {self.figure} = {self.target:g} "
            f"(searched {lo:g} to {hi:g}, {self.evaluations} evaluations)"
        )


def solve(
    scenario: Scenario | str | Path,
    path: str,
    between: tuple[float, float],
    figure: str = "npv_mnok",
    target: float = 0.0,
    overrides: dict | None = None,
) -> Solution:
    """Goal-seek: the value of the numeric input ``path`` (a dotted path) in ``between`` at which key figure
    ``figure`` equals ``target``, by Brent's method on the key figures (:func:`.goal_seek.bracketed_root`, as
    the break-evens), every point checked like the scenario file. A ConfigError, with the figure at both
    ends, when the bracket holds no root; an invalid point names its value and the rule it breaks."""
    from ejournal_lib.cba.goal_seek import bracketed_root
    from ejournal_lib.common.errors import ConfigError

    if figure not in KEY_FIGURES or figure == "expected_npv_mnok":
        raise ConfigError(f"unknown key figure {figure!r}; valid: {', '.join(KEY_FIGURES[:-1])}")
    calls = {"n": 0}

    def gap(x: float) -> float:
        calls["n"] += 1
        return getattr(key_figures(scenario, {**(overrides or {}), path: float(x)}), figure) - target

    lo, hi = (float(b) for b in between)
    root = bracketed_root(gap, lo, hi)
    if root.value is None:
        raise ConfigError(
            f"{figure} does not reach {target:g} for {path} between {lo:g} and {hi:g}: it is {root.at_lo + target:.6g} "
            f"at {lo:g} and {root.at_hi + target:.6g} at {hi:g}; widen the bracket (--between), or the target is out of reach"
        )
    return Solution(path, root.value, figure, target, (lo, hi), calls["n"])
