"""Tables of the participation appendix: coverage, public commitment, adoption fits and forecasts, the GP survey,
the roll-out paths and their consequences for the cost–benefit model. The result graph
(:mod:`ejournal_lib.results.participation`) composes them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ejournal_lib.cba.curves import deterministic_draws, participation_curves
from ejournal_lib.cba.discounting import discount_factors
from ejournal_lib.cba.engine import EFFECTS, PresentValueSink, evaluate
from ejournal_lib.cba.scenarios import npv_with, with_gp_final_share
from ejournal_lib.common.municipalities import fewest_to_reach, size_class
from ejournal_lib.participation.adoption import AdoptionFitError, fit_bass, fit_logistic
from ejournal_lib.participation.gp_uptake import SURVEY_TERMS, fit_gp_survey, predicted_share
from ejournal_lib.participation.public_status import IntentionsAggregate, largest_not_known_signed, public_key_figures
from ejournal_lib.participation.register import (
    participation_scenario_curves,
    target_crossing,
)
from ejournal_lib.scenario.cba import CBAInputs

__all__ = [
    "coverage_key_figures",
    "example_commitment_key_figures",
    "gp_survey_tables",
    "public_commitment_tables",
    "adoption_fits",
    "commitment_forecast_table",
    "participation_paths",
    "forecast_tables",
    "consequences_table",
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


def adoption_fits(series: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The Bass model (OLS and NLS) and the logistic curve fitted to the quarterly new signatures, counted as
    municipalities and as population share (``bass_fit``, ``logistic_fit``)."""
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
                "warnings": ",".join(lf.warnings),
            }
        )
    return {"bass_fit": pd.DataFrame(fits), "logistic_fit": pd.DataFrame(logistic_rows)}


def commitment_forecast_table(series: pd.DataFrame, boot: dict) -> pd.DataFrame:
    """The observed committed population share by quarter and the bootstrap forecast after it, with its band.
    The band is the forecast's: it is given for the quarters after the observed ones only (over the observed
    quarters the model's fitted value is shown beside what was observed, without a band)."""
    horizon = len(boot["point"]) - len(series)
    first = pd.Period(series["period"].iloc[0], freq="Q")
    ahead = np.arange(len(boot["point"])) >= len(series)
    return pd.DataFrame(
        {
            "period": [str(first + int(k) - 1) for k in boot["period"]],
            "observed_share": np.concatenate([np.cumsum(series["new_population_share"]), np.full(horizon, np.nan)]),
            "forecast_share": boot["point"],
            "low": np.where(ahead, boot["low"], np.nan),
            "high": np.where(ahead, boot["high"], np.nan),
        }
    )


def participation_paths(inputs: CBAInputs, boot: dict, low_final: float, high_final: float) -> dict:
    """The municipal roll-out paths by year (``curves``: the 2020 path, a low and a high final share, and the
    commitments' forecast final share) and the forecast's band (``bands``)."""
    years, base_shares = inputs.years, inputs.participation.municipal_share_by_year
    m_hat, m_low, m_high = float(boot["final"]), float(boot["low"][-1]), float(boot["high"][-1])
    finals = {
        "ssd2020": max(base_shares.values()),
        "low": low_final,
        "high": high_final,
        "commitments_bass": min(m_hat, 1.0),
    }
    band = participation_scenario_curves(base_shares, years, {"lo": min(m_low, 1.0), "hi": min(m_high, 1.0)})
    return {"curves": participation_scenario_curves(base_shares, years, finals), "bands": {"commitments_bass": band}}


def forecast_tables(inputs: CBAInputs, paths: dict, gps: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per path and year: the municipal and GP shares (``participation_forecast``, with the band) and the GPs
    that join (``gp_participation``), under the model's GP rule."""
    years, total_gps = inputs.years, gps["gps"].sum()
    forecast_rows, gp_rows = [], []
    for name, curve in paths["curves"].items():
        gp = participation_curves(inputs, deterministic_draws(inputs), municipal_share=curve).gp_share[0]
        band = paths["bands"].get(name, {})
        lo, hi = band.get("lo", np.full(len(years), np.nan)), band.get("hi", np.full(len(years), np.nan))
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
    return {"participation_forecast": pd.DataFrame(forecast_rows), "gp_participation": pd.DataFrame(gp_rows)}


def consequences_table(
    inputs: CBAInputs,
    public_share: dict,
    paths: dict,
    gp_final_share: float,
    gp_assumption: str,
    break_even_share: float,
    area_population: float,
    target: float,
) -> pd.DataFrame:
    """Per roll-out path, under the stated GP assumption (``gp_final_share``): the municipal share in 2030, the
    GP share in 2033, net present value, costs per participating inhabitant, and whether the path reaches both
    the break-even municipal share and the target (procurement justified)."""
    years = inputs.years
    stated = with_gp_final_share(inputs, gp_final_share)
    rows = []
    for name, curve in paths["curves"].items():
        stated_gp = participation_curves(stated, deterministic_draws(stated), municipal_share=curve).gp_share[0]
        costs = _costs_pv(stated, public_share, curve)
        participants = curve.max() * area_population
        rows.append(
            {
                "scenario": name,
                "municipal_share_2030": float(curve[years == 2030][0]),
                "gp_share_2033": float(stated_gp[years == 2033][0]),
                "npv_mnok": npv_with(stated, public_share, municipal_share=curve),
                "pv_costs_mnok": costs,
                "cost_per_participating_inhabitant_nok": -costs * 1e6 / participants if participants else np.nan,
                "gp_assumption": gp_assumption,
                "break_even_municipal_share": break_even_share,
                "procurement_justified": bool(
                    np.isfinite(break_even_share) and curve.max() >= max(break_even_share, target)
                ),
            }
        )
    return pd.DataFrame(rows)
