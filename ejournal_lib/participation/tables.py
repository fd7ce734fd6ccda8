"""All tables of the participation appendix, from the inputs in one call (mirrors ``cba_tables``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ejournal_lib.cba.curves import deterministic_draws, participation_curves
from ejournal_lib.cba.discounting import discount_factors
from ejournal_lib.cba.engine import EFFECTS, PresentValueSink, evaluate
from ejournal_lib.cba.scenarios import break_even, gp_final_shares, npv_with, with_gp_final_share
from ejournal_lib.common.municipalities import fewest_to_reach, size_class
from ejournal_lib.participation.adoption import AdoptionFitError, bootstrap_forecast, fit_bass, fit_logistic
from ejournal_lib.participation.gp_uptake import SURVEY_TERMS, fit_gp_survey, predicted_share
from ejournal_lib.participation.public_status import IntentionsAggregate, largest_not_known_signed, public_key_figures
from ejournal_lib.participation.register import (
    adoption_series,
    coverage_by_date,
    participation_scenario_curves,
    target_crossing,
)
from ejournal_lib.scenario.cba import CBAInputs

__all__ = [
    "coverage_key_figures",
    "example_commitment_key_figures",
    "gp_survey_tables",
    "public_commitment_tables",
    "participation_tables",
]

_COST_EFFECTS = ("transition_cost", "investment", "operation", "tax_financing")


def coverage_key_figures(areas: dict[str, pd.DataFrame], national_population: int, target: float) -> pd.DataFrame:
    """Per exclusion set (public facts only): municipalities, population, the target's population and the
    fewest largest municipalities needed to reach it."""
    rows = []
    for name, area in areas.items():
        k = fewest_to_reach(area, target)
        rows.append(
            {
                "area": name,
                "municipalities": len(area),
                "population": int(area["population"].sum()),
                "national_population": national_population,
                "target_population": float(area["population"].sum() * target),
                "fewest_largest_to_reach_target": len(k),
                "population_of_fewest": int(k["population"].sum()),
                "share_of_fewest": float(k["cumulative_share"].iloc[-1]),
            }
        )
    return pd.DataFrame(rows)


def example_commitment_key_figures(coverage: dict[str, pd.DataFrame], target: float) -> pd.DataFrame:
    """Per exclusion set, from the dated (synthetic) register: signed municipalities, signed share and the
    date the target was crossed."""
    rows = []
    for name, cov in coverage.items():
        last = cov.iloc[-1] if len(cov) else None
        share = float(last["share_of_population_outside_midt_norge"]) if last is not None else 0.0
        rows.append(
            {
                "area": name,
                "signed_municipalities": int(last["municipalities_signed"]) if last is not None else 0,
                "signed_share": share,
                "target_met": share >= target,
                "target_crossed_on": target_crossing(cov, target),
            }
        )
    return pd.DataFrame(rows)


def _costs_pv(inputs: CBAInputs, public_share: dict, curve: np.ndarray) -> float:
    draws = deterministic_draws(inputs)
    sink = PresentValueSink(discount_factors(inputs.years, base_year=inputs.frame.base_year, schedule=inputs.schedule))
    evaluate(inputs, draws, sink, public_share, participation_curves(inputs, draws, municipal_share=curve))
    return float(sum(sink.pv[e][1].sum() for e in _COST_EFFECTS if e in EFFECTS))


def gp_survey_tables(survey: pd.DataFrame, area: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
    """The GP survey's model (``gp_survey_model``) and its expected and minimum plausible share of GPs by
    municipality size, with and without an incentive (``gp_survey_estimates``)."""
    fit = fit_gp_survey(survey)
    pops = area.set_index("municipality_code")["population"]
    groups = size_class(survey["municipality_code"].map(pops).to_numpy())
    groups.index = survey.index
    est = []
    for label, inc in (("no_incentive", False), ("incentive", True)):
        t = predicted_share(fit, survey, incentive=inc, seed=seed, groups=groups)
        t.insert(0, "scenario", label)
        est.append(t)
    coef = pd.DataFrame(
        {
            "term": [SURVEY_TERMS.get(n, n) for n in fit.params.index],
            "coef": fit.params.to_numpy(),
            "se": fit.bse.to_numpy(),
            "p_value": fit.pvalues.to_numpy(),
        }
    )
    return {"gp_survey_model": coef, "gp_survey_estimates": pd.concat(est, ignore_index=True)}


def public_commitment_tables(
    area: pd.DataFrame, public_status: pd.DataFrame, aggregate: IntentionsAggregate, target: float
) -> dict[str, pd.DataFrame]:
    """What public sources say (and nothing synthetic): KS's count and the named municipalities, the area's
    municipalities ranked by population with their status, the fewest needed to reach ``target``."""
    fewest = fewest_to_reach(area, target)[
        ["rank", "municipality_code", "municipality_name", "population", "cumulative_population", "cumulative_share"]
    ]
    ranked = area.copy()
    ranked["public_status"] = ranked["municipality_code"].map(
        public_status.set_index("municipality_code")["public_status"]
    )
    return {
        "public_commitment_key_figures": public_key_figures(public_status, aggregate),
        "public_commitment_status": public_status.drop(columns=["date_or_as_of"]),
        "fewest_to_half": fewest,
        "largest_not_known_signed": largest_not_known_signed(ranked),
        "municipality_ranking": ranked[
            ["rank", "municipality_code", "municipality_name", "population", "cumulative_share", "public_status"]
        ],
    }


def participation_tables(
    areas: dict[str, pd.DataFrame],
    main_area: str,
    national_population: int,
    register: pd.DataFrame,
    public_status: pd.DataFrame,
    aggregate: IntentionsAggregate,
    inputs: CBAInputs,
    public_share: dict,
    survey: pd.DataFrame,
    gps: pd.DataFrame,
    target: float = 0.5,
    low_final: float = 0.5,
    high_final: float = 1.0,
    gp_assumption: str = "brief",
    n_boot: int = 500,
    seed: int = 1,
    horizon_quarters: int = 12,
    survey_tables: dict[str, pd.DataFrame] | None = None,
    public_tables: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """Coverage, public commitment facts, adoption models and forecasts (on the dated register), GP uptake and
    consequences for the cost–benefit model. ``public_status`` holds every municipality of the main area with
    its status in public sources; the dated ``register`` only feeds the adoption models and forecasts.
    ``survey_tables``, ``public_tables``: :func:`gp_survey_tables` and :func:`public_commitment_tables`, when
    already computed."""
    area = areas[main_area]
    coverage = {
        name: coverage_by_date(register[register["municipality_code"].isin(a["municipality_code"])], a)
        for name, a in areas.items()
    }
    key = coverage_key_figures(areas, national_population, target)
    public = public_tables or public_commitment_tables(area, public_status, aggregate, target)
    # adoption models on quarterly new signatures
    series = adoption_series(register, area)
    fits, logistic_rows = [], []
    for col, label in (("new_municipalities", "municipalities"), ("new_population_share", "population_share")):
        for method in ("ols", "nls"):
            try:
                fits.append(fit_bass(series[col].to_numpy(), method).as_row(label))
            except AdoptionFitError as exc:
                fits.append({"series": label, "method": method, "warnings": exc.code})
        lf = fit_logistic(np.cumsum(series[col].to_numpy()))
        logistic_rows.append(
            {
                "series": label,
                "m": lf.m,
                "k": lf.k,
                "t0": lf.t0,
                "se_m": lf.se[0],
                "se_k": lf.se[1],
                "se_t0": lf.se[2],
                "residual_sd": lf.residual_sd,
                "n_obs": lf.n_obs,
            }
        )
    bass_fit = pd.DataFrame(fits)
    boot = bootstrap_forecast(series["new_population_share"].to_numpy(), horizon_quarters, n_boot=n_boot, seed=seed)
    first = pd.Period(series["period"].iloc[0], freq="Q")
    commitment_forecast = pd.DataFrame(
        {
            "period": [str(first + int(k) - 1) for k in boot["period"]],
            "observed_share": np.concatenate(
                [np.cumsum(series["new_population_share"]), np.full(horizon_quarters, np.nan)]
            ),
            "forecast_share": boot["point"],
            "low": boot["low"],
            "high": boot["high"],
        }
    )
    m_hat = float(boot["final"])
    m_low, m_high = float(boot["low"][-1]), float(boot["high"][-1])

    # roll-out scenarios → yearly municipal and GP shares for the cost–benefit model
    years = inputs.years
    base_shares = inputs.participation.municipal_share_by_year
    base_final = max(base_shares.values())
    finals = {"ssd2020": base_final, "low": low_final, "high": high_final, "commitments_bass": min(m_hat, 1.0)}
    curves = participation_scenario_curves(base_shares, years, finals)
    bands = {
        "commitments_bass": participation_scenario_curves(
            base_shares, years, {"lo": min(m_low, 1.0), "hi": min(m_high, 1.0)}
        )
    }
    survey_tables = survey_tables or gp_survey_tables(survey, area, seed)
    survey_est = survey_tables["gp_survey_estimates"]
    forecast_rows, gp_rows, consequence_rows = [], [], []
    gp_finals = gp_final_shares(inputs, survey_est)
    if gp_assumption not in gp_finals:
        raise ValueError(f"unknown GP assumption {gp_assumption!r}; valid: {', '.join(gp_finals)}")
    be = break_even(inputs, public_share, gp_finals)
    municipal_be = be[be["quantity"] == "municipal_final_share"].set_index("gp_assumption")["break_even_share"]
    be_share = float(municipal_be[gp_assumption])
    stated = with_gp_final_share(inputs, gp_finals[gp_assumption])
    total_gps = gps["gps"].sum()
    for name, curve in curves.items():
        c = participation_curves(inputs, deterministic_draws(inputs), municipal_share=curve)
        gp = c.gp_share[0]
        lo = bands.get(name, {}).get("lo", np.full(len(years), np.nan))
        hi = bands.get(name, {}).get("hi", np.full(len(years), np.nan))
        for y, m, g, low, high in zip(years, curve, gp, lo, hi):
            forecast_rows.append(
                {
                    "year": int(y),
                    "scenario": name,
                    "municipal_population_share": m,
                    "gp_share": g,
                    "low": low,
                    "high": high,
                }
            )
            gp_rows.append({"year": int(y), "scenario": name, "gp_share": g, "gps_joined": g * total_gps})
        stated_gp = participation_curves(stated, deterministic_draws(stated), municipal_share=curve).gp_share[0]
        npv = npv_with(stated, public_share, municipal_share=curve)
        costs = _costs_pv(stated, public_share, curve)
        participants = curve.max() * area["population"].sum()
        consequence_rows.append(
            {
                "scenario": name,
                "municipal_share_2030": float(curve[years == 2030][0]),
                "gp_share_2033": float(stated_gp[years == 2033][0]),
                "npv_mnok": npv,
                "pv_costs_mnok": costs,
                "cost_per_participating_inhabitant_nok": -costs * 1e6 / participants if participants else np.nan,
                "gp_assumption": gp_assumption,
                "break_even_municipal_share": be_share,
                "procurement_justified": bool(np.isfinite(be_share) and curve.max() >= max(be_share, target)),
            }
        )
    return {
        "participation_coverage": coverage[main_area],
        "coverage_key_figures": key,
        **public,
        "example_commitment_key_figures": example_commitment_key_figures(coverage, target),
        "adoption_series": series,
        "bass_fit": bass_fit,
        "logistic_fit": pd.DataFrame(logistic_rows),
        "commitment_forecast": commitment_forecast,
        "participation_forecast": pd.DataFrame(forecast_rows),
        "gp_participation": pd.DataFrame(gp_rows),
        **survey_tables,
        "participation_consequences": pd.DataFrame(consequence_rows),
    }
