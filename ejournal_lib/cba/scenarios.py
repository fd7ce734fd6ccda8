"""Participation scenarios and break-even for the cost–benefit model.

Municipal participation scenarios scale the scenario's roll-out curve to a different final share; GP
scenarios change the share joining with their municipality and the final share. Break-even finds the
participation at which the net present value is zero (bracketing root search on the deterministic model).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ejournal_lib.cba.curves import deterministic_draws, municipal_share_curve, participation_curves
from ejournal_lib.cba.discounting import discount_factors
from ejournal_lib.cba.engine import EFFECTS, PresentValueSink, evaluate
from ejournal_lib.cba.goal_seek import bracketed_root
from ejournal_lib.scenario.cba import CBAInputs

__all__ = [
    "npv_with",
    "participation_scenarios",
    "break_even",
    "gp_final_shares",
    "gp_incentive_cost_mnok",
    "with_gp_final_share",
    "DEFAULT_MUNICIPAL_SHARES",
    "DEFAULT_GP_JOIN_SHARES",
    "DEFAULT_GP_FINAL_SHARES",
]

DEFAULT_MUNICIPAL_SHARES = (0.25, 0.40, 0.50, 0.85, 1.00)
DEFAULT_GP_JOIN_SHARES = (0.15, 0.30, 0.50)
DEFAULT_GP_FINAL_SHARES = (0.50, 0.70, 1.00)


def _with_participation(inputs: CBAInputs, **changes) -> CBAInputs:
    return inputs.with_overrides({f"participation.{k}": v for k, v in changes.items()})


def _scaled_curve(inputs: CBAInputs, final_share: float) -> np.ndarray:
    base = municipal_share_curve(inputs.participation.municipal_share_by_year, inputs.years)
    return np.clip(base * final_share / base.max(), 0.0, 1.0)


def npv_with(inputs: CBAInputs, public_share: dict, municipal_share=None, gp_share=None) -> float:
    """Deterministic net present value (MNOK) with optional replacement participation curves."""
    draws = deterministic_draws(inputs)
    sink = PresentValueSink(discount_factors(inputs.years, base_year=inputs.frame.base_year, schedule=inputs.schedule))
    curves = participation_curves(inputs, draws, municipal_share=municipal_share, gp_share=gp_share)
    evaluate(inputs, draws, sink, public_share, curves)
    return float(sum(sink.pv[e][1].sum() for e in EFFECTS))


def participation_scenarios(
    inputs: CBAInputs,
    public_share: dict,
    municipal_shares=DEFAULT_MUNICIPAL_SHARES,
    gp_join_shares=DEFAULT_GP_JOIN_SHARES,
    gp_final_shares=DEFAULT_GP_FINAL_SHARES,
) -> pd.DataFrame:
    """Net present value for each final municipal share (GP rule unchanged) and each GP assumption
    (municipal curve unchanged). Also the GP share reached three years after the last roll-out year."""
    rows = []
    base_final = max(inputs.participation.municipal_share_by_year.values())
    p = inputs.participation
    for share in municipal_shares:
        curve = _scaled_curve(inputs, share)
        curves = participation_curves(inputs, deterministic_draws(inputs), municipal_share=curve)
        rows.append(
            {
                "scenario_type": "municipal",
                "municipal_final_share": share,
                "gp_join_share": p.gp_join_share_at_golive,
                "gp_final_share": p.gp_final_share,
                "gp_share_end": float(curves.gp_share[0, -1]),
                "npv_mnok": npv_with(inputs, public_share, municipal_share=curve),
            }
        )
    for join in gp_join_shares:
        for final in gp_final_shares:
            if join > final:
                continue
            alt = _with_participation(inputs, gp_join_share_at_golive=join, gp_final_share=final)
            curves = participation_curves(alt, deterministic_draws(alt))
            rows.append(
                {
                    "scenario_type": "gp",
                    "municipal_final_share": base_final,
                    "gp_join_share": join,
                    "gp_final_share": final,
                    "gp_share_end": float(curves.gp_share[0, -1]),
                    "npv_mnok": npv_with(alt, public_share),
                }
            )
    return pd.DataFrame(rows)


def gp_final_shares(inputs: CBAInputs, survey_estimates: pd.DataFrame | None = None) -> dict[str, float]:
    """The named GP uptake assumptions every appendix uses: ``brief`` (the 2020 rule's final share) and, from
    the GP survey's expected shares (all municipalities), ``survey`` and ``survey_incentive``."""
    out = {"brief": float(inputs.participation.gp_final_share)}
    if survey_estimates is not None and len(survey_estimates):
        rows = survey_estimates[survey_estimates["group"] == "all"].set_index("scenario")["expected_share"]
        out["survey"] = float(rows["no_incentive"])
        out["survey_incentive"] = float(rows["incentive"])
    return out


def with_gp_final_share(inputs: CBAInputs, final: float) -> CBAInputs:
    """The inputs with the GP uptake's final share set (the share joining at go-live capped at it)."""
    join = inputs.participation.gp_join_share_at_golive
    return _with_participation(inputs, gp_final_share=final, gp_join_share_at_golive=min(join, final))


def gp_incentive_cost_mnok(inputs: CBAInputs, gp_final: float, municipal_share=None) -> float:
    """Present value (MNOK, positive: a cost) of the GP incentive: ``gp_incentive_nok_per_gp`` once for each
    GP who joins (``gp_final`` of the area's GPs in the participating municipalities), in the year the
    municipality goes live (the rise of ``municipal_share``, default the scenario's curve)."""
    p = inputs.participation
    curve = (
        municipal_share_curve(p.municipal_share_by_year, inputs.years) if municipal_share is None else municipal_share
    )
    joining = np.diff(np.concatenate([[0.0], np.asarray(curve, float)]))
    d = discount_factors(inputs.years, base_year=inputs.frame.base_year, schedule=inputs.schedule)
    return p.gp_incentive_nok_per_gp / 1e6 * inputs.null_alternative.gp_count * gp_final * float(joining @ d)


#: The GP assumptions whose uptake is bought with the incentive (and so carry its cost).
WITH_INCENTIVE = frozenset({"survey_incentive"})


def _zero(fn) -> tuple[float, float, float, str]:
    """The share in (0, 1] where ``fn`` (the net present value at that share) is zero, the values at both
    ends, and the status: found, positive without participation, or negative at full participation."""
    root = bracketed_root(fn, 1e-6, 1.0, xtol=1e-7)
    if root.value is not None:
        return root.value, root.at_lo, root.at_hi, "found"
    if root.at_lo > 0:
        return 0.0, root.at_lo, root.at_hi, "positive_without_participation"
    return float("nan"), root.at_lo, root.at_hi, "negative_at_full_participation"


def break_even(inputs: CBAInputs, public_share: dict, gp_finals: dict[str, float] | None = None) -> pd.DataFrame:
    """The final municipal participation share at which the NPV is zero, under each GP uptake assumption
    (``gp_finals``: name → final GP share; default the brief's; an assumption in :data:`WITH_INCENTIVE` pays
    the incentive, :func:`gp_incentive_cost_mnok`), and the final GP share at which it is zero with the
    brief's municipal curve. The municipal search scales the roll-out curve; ``status`` says when
    no zero exists in 0–100 %."""
    rows = []
    for name, final in (gp_finals or gp_final_shares(inputs)).items():
        alt = with_gp_final_share(inputs, final)
        paid = name in WITH_INCENTIVE

        def npv(x, alt=alt, final=final, paid=paid):
            curve = _scaled_curve(alt, x)
            cost = gp_incentive_cost_mnok(alt, final, curve) if paid else 0.0
            return npv_with(alt, public_share, municipal_share=curve) - cost

        value, f_lo, f_hi, status = _zero(npv)
        rows.append(
            {
                "quantity": "municipal_final_share",
                "gp_assumption": name,
                "gp_final_share": final,
                "break_even_share": value,
                "npv_at_0_mnok": f_lo,
                "npv_at_100_mnok": f_hi,
                "status": status,
            }
        )
    value, f_lo, f_hi, status = _zero(lambda x: npv_with(with_gp_final_share(inputs, x), public_share))
    rows.append(
        {
            "quantity": "gp_final_share",
            "gp_assumption": "brief",
            "gp_final_share": float("nan"),
            "break_even_share": value,
            "npv_at_0_mnok": f_lo,
            "npv_at_100_mnok": f_hi,
            "status": status,
        }
    )
    return pd.DataFrame(rows)
