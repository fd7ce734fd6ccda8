"""Calibration: the values the 2020 documents leave open, solved so that the deterministic model reproduces a
published present value, and the check that the scenario's values still do.

Each calibrated effect is linear in its parameter, so every solve is exact: the effect is evaluated at two
values of the parameter and the line through them is solved for the target. The scenario file lists which
parameter is calibrated to which published effect (``cba.calibration``); ``ejournal calibrate`` prints the
solved values to write there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ejournal_lib.cba.curves import municipal_share_curve
from ejournal_lib.cba.discounting import discount_factors
from ejournal_lib.cba.engine import run_cba
from ejournal_lib.scenario.cba import CBAInputs

__all__ = [
    "effect_pvs",
    "operation_cost_for",
    "severity_mix",
    "solve_calibration",
    "calibration_check",
    "scenario_inputs",
    "target_value",
    "published_value",
]

_SERIOUS = ("serious", "very_serious")


def effect_pvs(inputs: CBAInputs, public_share: dict) -> pd.Series:
    """Present value of every effect (MNOK) in the deterministic base model."""
    return run_cba(inputs, public_share).yearly.groupby("effect")["discounted_mnok"].sum()


def operation_cost_for(inputs: CBAInputs, target_pv: float) -> float:
    """Yearly operation cost at full participation whose present value on the scenario's participation curve is
    ``target_pv``: c = PV / Σ_t m(t)·d(t).

    >>> # share live 0.5 in 2020, 1.0 in 2021, base year 2019 at 0 %: c = −150 / (0.5 + 1.0)
    """
    m = municipal_share_curve(inputs.participation.municipal_share_by_year, inputs.years)
    d = discount_factors(inputs.years, base_year=inputs.frame.base_year, schedule=inputs.schedule)
    return float(target_pv / (m @ d))


def severity_mix(non_light_share: float, serious_of_non_light: float) -> dict[str, float]:
    """A mix of light, serious and very serious harms from the share of non-light harms and the serious share
    of those.

    >>> severity_mix(0.02, 0.75)
    {'light': 0.98, 'serious': 0.015, 'very_serious': 0.005}
    """
    s = float(non_light_share)
    return {
        "light": round(1.0 - s, 12),
        "serious": round(s * serious_of_non_light, 12),
        "very_serious": round(s * (1.0 - serious_of_non_light), 12),
    }


def _solve_linear(effect_at, x0: float, x1: float, target: float) -> float:
    """The x at which the (linear) ``effect_at(x)`` equals ``target``."""
    y0, y1 = effect_at(x0), effect_at(x1)
    return x0 + (target - y0) * (x1 - x0) / (y1 - y0)


def target_value(inputs: CBAInputs, public_share: dict, effect: str, service: str | None = None) -> float:
    """The model's present value of ``effect`` (MNOK), or of one service's part of it."""
    if service is None:
        return float(effect_pvs(inputs, public_share)[effect])
    cells = run_cba(inputs, public_share).by_effect_service
    return float(cells.loc[(cells["effect"] == effect) & (cells["service"] == service), "npv_mnok"].sum())


def published_value(inputs: CBAInputs, effect: str, service: str | None = None) -> float:
    """The published present value of ``effect`` (MNOK), or of one service's part of it."""
    pub = inputs.published
    return pub.effects_mnok[effect] if service is None else pub.by_service_mnok[effect][service]


_MIXES = "adverse_events.severity_mixes."


def solve_calibration(inputs: CBAInputs, public_share: dict) -> dict[str, object]:
    """Solve every calibrated value, in order (operation; each severity mix of adverse events on its target,
    a service's published value or an effect's total; municipal legacy operation). Returns
    ``{parameter path: value}`` as the scenario file holds them."""
    out: dict[str, object] = {}
    current = inputs
    op = operation_cost_for(current, published_value(current, "operation"))
    out["operation.cost_per_year_full_participation_mnok"] = round(op, 4)
    current = current.with_overrides({"operation.cost_per_year_full_participation_mnok": op})

    for c in (c for c in inputs.calibration.parameters if c.parameter.startswith(_MIXES)):
        name = c.parameter.removeprefix(_MIXES)
        mix = current.adverse_events.severity_mixes[name]
        serious = mix["serious"] / (mix["serious"] + mix["very_serious"])

        def effect_at(s, c=c, serious=serious, current=current):
            alt = current.with_overrides({c.parameter: severity_mix(s, serious)})
            return target_value(alt, public_share, c.target, c.service)

        target = published_value(current, c.target, c.service)
        s = _solve_linear(effect_at, 0.0, 0.01, target)
        if not 0.0 <= s <= 1.0:
            raise ValueError(f"no severity mix {name} reproduces {c.target} = {target} (share {s:.4f})")
        out[c.parameter] = severity_mix(s, serious)
        current = current.with_overrides({c.parameter: out[c.parameter]})

    def legacy_at(x):
        alt = current.with_overrides({"null_alternative.municipal_operation_per_inhabitant": x})
        return effect_pvs(alt, public_share)["legacy_avoided"]

    ops = _solve_linear(legacy_at, 0.0, 100.0, published_value(current, "legacy_avoided"))
    out["null_alternative.municipal_operation_per_inhabitant"] = round(ops, 4)
    return out


def calibration_check(inputs: CBAInputs, public_share: dict) -> pd.DataFrame:
    """For every calibrated parameter: its target effect (and service), the published and the model's present
    value, the difference, and whether it is within the scenario's tolerance."""
    tol = inputs.calibration.tolerance_mnok
    rows = []
    for c in inputs.calibration.parameters:
        target = published_value(inputs, c.target, c.service)
        model = target_value(inputs, public_share, c.target, c.service)
        rows.append(
            {
                "parameter": c.parameter,
                "effect": c.target,
                "service": c.service,
                "published_mnok": target,
                "model_mnok": model,
                "difference_mnok": model - target,
                "within_tolerance": bool(abs(model - target) <= tol),
            }
        )
    out = pd.DataFrame(rows)
    out["within_tolerance"] = out["within_tolerance"].astype(bool) & np.isfinite(out["model_mnok"])
    return out


def scenario_inputs(inputs: CBAInputs) -> CBAInputs:
    """The inputs a scenario's analysis uses: as given (the operation cost per share live calibrated once, on
    the brief's path), or with the operation cost solved again on this scenario's participation path when
    ``calibration.recalibrate_operation`` asks for it."""
    if not inputs.calibration.recalibrate_operation:
        return inputs
    cost = operation_cost_for(inputs, inputs.published.effects_mnok["operation"])
    return inputs.with_overrides({"operation.cost_per_year_full_participation_mnok": cost})
