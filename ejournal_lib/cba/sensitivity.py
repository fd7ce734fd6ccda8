"""Sensitivities of the net present value (DFØ): discount rate and R-109's stepped rates, a longer period with
residual value, real wage growth on time values, GP uptake from the survey instead of the brief (the case with
an incentive pays for it), investment at its P85 frame, the transition cost and the level of time savings at
the brief's P10 and P90, the operation cost by the scenario's factors, a combined pessimistic case, and DFØ's
base of the tax financing cost (the public budgets' cash effects only). Each variant changes the scenario's
inputs through a lever or an override and nothing else (deterministic base model)."""

from __future__ import annotations

import pandas as pd

from ejournal_lib.cba.calibration import effect_pvs
from ejournal_lib.cba.engine import CASH_EFFECTS
from ejournal_lib.cba.scenarios import WITH_INCENTIVE, gp_incentive_cost_mnok
from ejournal_lib.scenario.cba import CBAInputs
from ejournal_lib.scenario.levers import scale_operation, scale_time_savings, scale_transition_cost

__all__ = ["sensitivity_variants", "sensitivity_table"]


def sensitivity_variants(inputs: CBAInputs, settings, gp_final_shares: dict[str, float] | None = None):
    """``(sensitivity, variant, value, overrides)`` for every variant; ``settings`` is the scenario's
    ``analysis.sensitivity``; ``gp_final_shares`` maps a GP assumption (e.g. ``survey``) to its final share."""
    out = [
        ("discount_rate", f"rate_{r:g}", r, {"frame.discount_rate": r, "frame.discount_schedule": "constant"})
        for r in settings.discount_rates
    ]
    out.append(("discount_rate", "r109", None, {"frame.discount_schedule": "r109"}))
    out.append(
        (
            "period",
            f"to_{settings.long_period_last_year}",
            float(settings.long_period_last_year),
            {
                "frame.last_year": settings.long_period_last_year,
                "frame.residual_value_life_years": settings.residual_value_life_years,
            },
        )
    )
    out += [
        ("real_wage_growth", f"growth_{g:g}", g, {"frame.real_wage_growth": g}) for g in settings.real_wage_growth_rates
    ]
    join = inputs.participation.gp_join_share_at_golive
    for name, final in (gp_final_shares or {}).items():
        out.append(
            (
                "gp_uptake",
                name,
                final,
                {"participation.gp_final_share": final, "participation.gp_join_share_at_golive": min(join, final)},
            )
        )
    p85 = {f"investment.items.{item}.p50_mnok": float(r["p85_mnok"]) for item, r in inputs.investment_table.iterrows()}
    out.append(("investment", "p85", None, p85))
    u, services = inputs.uncertainty, inputs.service_table
    for side in ("p10", "p90"):
        factor = 1.0 + getattr(u, f"transition_{side}")
        out.append(("transition_cost", f"transition_{side}", factor, scale_transition_cost(inputs, factor)))
    for side in ("p10", "p90"):  # every service at its own P10 (P90) at once: the level of the time savings
        factors = {str(s): float(f) for s, f in (1.0 + services[f"time_{side}"]).items()}
        out.append(("time_savings_level", f"time_{side}", None, scale_time_savings(inputs, factors)))
    out += [("operation", f"operation_{f:g}", f, scale_operation(inputs, f)) for f in settings.operation_cost_factors]
    # the combined pessimistic case: low participation, the survey's GP share where there is one, P85 costs
    shares = inputs.participation.municipal_share_by_year
    low = settings.pessimistic_municipal_final_share
    curve = {y: v * low / max(shares.values()) for y, v in shares.items()}
    survey = (gp_final_shares or {}).get("survey")
    gp = inputs.participation.gp_final_share if survey is None else survey
    pessimistic = {
        **p85,
        "participation.municipal_share_by_year": curve,
        "participation.gp_final_share": gp,
        "participation.gp_join_share_at_golive": min(join, gp),
    }
    out.append(("combined", "pessimistic" if survey is None else "pessimistic_survey", low, pessimistic))
    # DFØ's reading of the tax financing cost: the net effect on public budgets in cash (freed time is no cash)
    public_cash = {"frame.tax_financing_effects": list(CASH_EFFECTS), "frame.tax_financing_public_share_only": True}
    out.append(("tax_financing", "public_cash", None, public_cash))
    return out


def sensitivity_table(
    inputs: CBAInputs, public_share: dict, settings, gp_final_shares: dict[str, float] | None = None
) -> pd.DataFrame:
    """sensitivity, variant, value, net present value and its change from the base (MNOK); the first row is
    the base."""
    base = float(effect_pvs(inputs, public_share).sum())
    rows = [{"sensitivity": "base", "variant": "base", "value": None, "npv_mnok": base, "delta_mnok": 0.0}]
    for sens, variant, value, overrides in sensitivity_variants(inputs, settings, gp_final_shares):
        changed = inputs.with_overrides(overrides)
        npv = float(effect_pvs(changed, public_share).sum())
        if sens == "gp_uptake" and variant in WITH_INCENTIVE:  # the uptake is bought: the incentive is a cost
            npv -= gp_incentive_cost_mnok(changed, float(value))
        rows.append(
            {"sensitivity": sens, "variant": variant, "value": value, "npv_mnok": npv, "delta_mnok": npv - base}
        )
    out = pd.DataFrame(rows)
    out["value"] = out["value"].astype(float)
    return out
