"""One call for an analyst: a scenario, with overrides, evaluated to its key figures.

>>> from ejournal_lib.results.what_if import key_figures
>>> kf = key_figures("config/ssd2020.yaml", {"cba.frame.discount_rate": 0.03})   # doctest: +SKIP
>>> kf                                                                              # doctest: +SKIP
KeyFigures(ssd2020 + 1 override: npv 6 883 MNOK, benefits 30 130, costs −23 248; .summary() for the table)

The deterministic base case only (a tenth of a second per call); ``expected=True`` adds the expected net present
value (about half a second). Overrides use the scenario's dotted paths; the scenario is reloaded with them and
checked like its file. The figures are the result graph's nodes, so they are the appendices' numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ejournal_lib.results.graph import result_graph
from ejournal_lib.scenario import Scenario

__all__ = ["KeyFigures", "key_figures", "KEY_FIGURES"]

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
    by_effect: pd.Series = field(default_factory=pd.Series, repr=False, compare=False)

    def summary(self) -> pd.DataFrame:
        """One row per key figure: metric code and value."""
        return pd.DataFrame({"metric": KEY_FIGURES, "value": [getattr(self, k) for k in KEY_FIGURES]})

    def __repr__(self) -> str:
        extra = f" + {len(self.overrides)} override{'s' if len(self.overrides) != 1 else ''}" if self.overrides else ""
        fmt = lambda v: f"{v:,.0f}".replace(",", " ").replace("-", "−")  # noqa: E731
        return (
            f"KeyFigures({self.scenario}{extra}: npv {fmt(self.npv_mnok)} MNOK, benefits {fmt(self.pv_benefits_mnok)}, "
            f"costs {fmt(self.pv_costs_mnok)}; .summary() for the table)"
        )


def key_figures(
    scenario: Scenario | str | Path, overrides: dict | None = None, *, expected: bool = False
) -> KeyFigures:
    """Evaluate ``scenario`` (a loaded scenario or its file) with ``overrides`` (``{"cba.frame.discount_rate":
    0.03}``) and return its key figures, read from its result graph (the nodes ``base_case_key_figures``,
    ``cba_effects`` and, with ``expected``, ``expected_values``); every override is checked like the scenario
    file."""
    overrides = dict(overrides or {})
    graph = result_graph(scenario, overrides)
    base = graph.get("base_case_key_figures").set_index("metric")["value"]
    by_effect = graph.get("cba_effects").groupby("effect", sort=False)["npv_mnok"].sum()
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
    )
