"""One call for an analyst: a scenario, with overrides, evaluated to its key figures.

>>> from ejournal_lib.cba.key_figures import key_figures
>>> kf = key_figures("config/ssd2020.yaml", {"cba.frame.discount_rate": 0.03})   # doctest: +SKIP
>>> kf                                                                              # doctest: +SKIP
KeyFigures(ssd2020 + 1 override: npv 6 883 MNOK, benefits 30 130, costs −23 248; .summary() for the table)

The deterministic model only (milliseconds per call); ``expected=True`` adds the expected net present value
(about half a second). Overrides use the scenario's dotted paths; ``cba.*`` paths are applied to the model
inputs directly, any other path (e.g. ``settings.financing_key``) reloads and re-checks the scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ejournal_lib.cba.actors import BENEFIT_EFFECTS, actor_views, assign_actors, public_shares
from ejournal_lib.cba.calibration import scenario_inputs
from ejournal_lib.cba.engine import effect_pairs, run_cba
from ejournal_lib.cba.uncertainty import expected_npv
from ejournal_lib.scenario import Scenario, load_scenario

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


def _split(scenario: Scenario, overrides: dict) -> tuple[Scenario, dict]:
    """Apply non-model overrides by reloading the scenario; return it and the ``cba.*`` overrides left."""
    model = {k.removeprefix("cba."): v for k, v in overrides.items() if k.startswith("cba.")}
    other = {k: v for k, v in overrides.items() if not k.startswith("cba.")}
    if other:
        scenario = load_scenario(scenario.file, overrides=other, root=scenario.root)
    return scenario, model


def key_figures(
    scenario: Scenario | str | Path, overrides: dict | None = None, *, expected: bool = False
) -> KeyFigures:
    """Evaluate ``scenario`` (a loaded scenario or its file) with ``overrides`` (``{"cba.frame.discount_rate":
    0.03}``) and return its key figures; every override is checked like the scenario file."""
    overrides = dict(overrides or {})
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    scenario, model = _split(scenario, overrides)
    inputs = scenario_inputs(scenario.cba.with_overrides(model) if model else scenario.cba)
    key = scenario.settings.financing_key
    shares = public_shares(scenario.actor_mapping, effect_pairs(inputs), key)
    result = run_cba(inputs, shares)
    by_effect = result.yearly.groupby("effect", sort=False)["discounted_mnok"].sum()
    benefits = float(by_effect[by_effect.index.isin(BENEFIT_EFFECTS)].sum())
    yearly = assign_actors(result.yearly, ["discounted_mnok"], scenario.actor_mapping, key)
    effects = yearly.groupby(["effect", "service", "actor"])["discounted_mnok"].sum().rename("npv_mnok").reset_index()
    views = actor_views(effects, scenario.actor_mapping).set_index("actor")
    public = [a for a, spec in scenario.actor_mapping.actors.items() if spec.public]
    public_cash = float(views.loc[views.index.isin(public), "cash_mnok"].sum())
    return KeyFigures(
        scenario=scenario.name,
        overrides=overrides,
        npv_mnok=result.npv,
        pv_benefits_mnok=benefits,
        pv_costs_mnok=result.npv - benefits,
        municipal_net_mnok=float(views.loc["municipalities", "net_mnok"])  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
        if "municipalities" in views.index
        else np.nan,
        municipal_cash_mnok=float(views.loc["municipalities", "cash_mnok"])  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
        if "municipalities" in views.index
        else np.nan,
        npv_per_budget_krone=result.npv / -public_cash if public_cash < 0 else np.nan,
        expected_npv_mnok=float(expected_npv(inputs, shares)["npv"]) if expected else np.nan,
        by_effect=by_effect,
    )
