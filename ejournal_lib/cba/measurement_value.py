"""What measuring before the investment decision is worth on this scenario's model (value of information,
per decision: MNOK of present value for the whole area, the same units as the net present value).

* :func:`parameter_groups`: the simulation's uncertain inputs as the groups an analyst asks about (freed time
  per service and in all, transition cost, adverse events, old-system costs, investment, roll-out pace, GP
  uptake, realisation pace, delay, functional scope), from the same draws as the simulation.
* :func:`evppi_table`: EVPI and EVPPI per group, with standard errors.
* :func:`study_sampling_variance`: how precisely a baseline time-use study of one municipality (K staff × D
  days in every service) measures each service's addressable time, relative to its level, from the baseline's
  variance components.
* :func:`evsi_table`: EVSI of a study of n municipalities, its cost in present value and the expected net
  gain of sampling (ENGS = EVSI − cost) over the scenario's grid of n; :func:`study_recommendation` reads it.

The study measures the level of addressable time; the saving is that level times the share a new record
removes, which only a measurement after roll-out shows. ``baseline_informed_share`` (φ) is the share of each
service's time-saving variance in the level; the curve at φ = 1 (the study settles the saving) is an upper
bound shown beside it. ``level_distribution`` says how that level is distributed (the EVSI depends on it):
``gamma`` or ``gaussian`` (exact Bayesian computation), or ``drawn`` (the Gaussian approximation on the draws).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ejournal_lib.cba.curves import Draws
from ejournal_lib.cba.discounting import discount_factors
from ejournal_lib.cba.uncertainty import uncertain_inputs
from ejournal_lib.cba.value_of_information import evpi, evppi, evsi_gaussian_curves, evsi_level_curves
from ejournal_lib.scenario.cba import CBAInputs
from ejournal_lib.timeuse.survey_design import variance_of_mean

__all__ = [
    "parameter_groups",
    "evppi_table",
    "study_sampling_variance",
    "evsi_table",
    "evsi_tables",
    "study_recommendation",
]

EVSI_COLUMNS = [
    "municipalities",
    "staff_days",
    "evsi_mnok",
    "evsi_full_mnok",
    "study_cost_mnok",
    "engs_mnok",
    "optimal",
]
PRECISION_COLUMNS = ["service", "prior_sd", "study_sd_per_municipality", "source"]
#: Groups of draws fields (besides one group per service's time saving and one for all of them).
GROUP_FIELDS = {
    "transition": ["transition"],
    "harms": ["harms"],
    "legacy": ["legacy_municipal", "legacy_other"],
    "investment": ["investment"],
    "rollout_scale": ["rollout_scale"],
    "gp_scale": ["gp_scale"],
    "realisation_pace": ["realisation_pace"],
    "delay": ["delay"],
    "scope": ["scope"],
}


def parameter_groups(inputs: CBAInputs, draws: Draws) -> dict[str, np.ndarray]:
    """Group code → (n, p) array of the draws of its inputs: ``time:<service>`` for each service,
    ``time_all``, then :data:`GROUP_FIELDS`. Inputs without uncertainty contribute constant columns."""
    services = list(inputs.service_table.index)
    groups = {f"time:{s}": draws.time[:, [i]] for i, s in enumerate(services)}
    groups["time_all"] = draws.time
    for code, fields in GROUP_FIELDS.items():
        groups[code] = np.column_stack([np.asarray(getattr(draws, f), dtype=float) for f in fields])
    return groups


#: Batches of draws for the Monte Carlo part of the EVPPI's standard error.
MC_BATCHES = 10


def evppi_table(net_benefit: np.ndarray, groups: dict[str, np.ndarray], n_se: int = 100, seed: int = 1):
    """EVPI and, per group, EVPPI with its standard error, the regression's R² and the share of EVPI
    (MNOK per decision). A group whose inputs are all certain has EVPPI 0 (status ``no_uncertainty``).

    The standard error has two parts: ``se_mnok`` the regression's (its coefficients redrawn ``n_se`` times,
    the draws held fixed), ``se_mc_mnok`` the draws' own (the EVPPI of :data:`MC_BATCHES` consecutive batches
    of the draws: their standard deviation over √batches, an estimate of how much the value moves with
    another seed)."""
    total = evpi(net_benefit)
    batches = np.array_split(np.arange(len(net_benefit)), MC_BATCHES)
    rows = []
    for code, x in groups.items():
        varying = x[:, np.ptp(x, axis=0) > 0]
        if varying.shape[1] == 0:
            rows.append(
                {
                    "group": code,
                    "evppi_mnok": 0.0,
                    "se_mnok": 0.0,
                    "se_mc_mnok": 0.0,
                    "r_squared": 0.0,
                    "status": "no_uncertainty",
                }
            )
            continue
        r = evppi(net_benefit, varying, n_se=n_se, seed=seed)
        per_batch = [evppi(net_benefit[b], varying[b], n_se=0).evppi for b in batches]
        rows.append(
            {
                "group": code,
                "evppi_mnok": r.evppi,
                "se_mnok": r.se,
                "se_mc_mnok": float(np.std(per_batch, ddof=1) / np.sqrt(MC_BATCHES)),
                "r_squared": r.r_squared,
                "status": "ok",
            }
        )
    out = pd.DataFrame(rows)
    out["share_of_evpi"] = out["evppi_mnok"] / total if total > 0 else 0.0
    out.attrs["evpi_mnok"] = total
    return out


def fitted_components(components: pd.DataFrame) -> pd.DataFrame:
    """The baseline's variance components a study's precision can rest on: fitted, published (not suppressed)
    and with a positive mean."""
    fitted = components[(components["model_status"] == "fitted") & ~components["suppressed"].astype(bool)]
    return fitted[fitted["mean"] > 0].copy()


def study_sampling_variance(
    components: pd.DataFrame, services: list[str], staff_per_municipality: int, days_per_staff: int
) -> pd.DataFrame:
    """Per service: the relative variance (to the mean's square) of the addressable minutes per staff-day that
    one municipality with K staff × D days contributes, from the baseline's fitted variance components (roles
    of a service averaged). A service the baseline could not fit gets the median of the fitted services
    (``source``: ``measured`` or ``median_of_measured``)."""
    fitted = fitted_components(components)
    fitted["relative_variance"] = (
        variance_of_mean(
            fitted["var_municipality"],
            fitted["var_staff"],
            fitted["var_residual"],
            staff_per_municipality,
            days_per_staff,
        )
        / fitted["mean"] ** 2
    )
    per_service = fitted.groupby("service")["relative_variance"].mean()
    if per_service.empty:
        raise ValueError("the baseline has no fitted variance components: the study's precision is unknown")
    median = float(per_service.median())
    return pd.DataFrame(
        {
            "service": services,
            "relative_variance_per_municipality": [float(per_service.get(s, median)) for s in services],
            "source": ["measured" if s in per_service.index else "median_of_measured" for s in services],
        }
    )


def _study_cost_mnok(n, inputs: CBAInputs, staff_days_per_municipality: int) -> np.ndarray:
    voi = inputs.value_of_information
    nominal = np.asarray(n, float) * (
        voi.cost_per_municipality_nok + staff_days_per_municipality * voi.cost_per_staff_day_nok
    )
    factor = discount_factors([voi.study_year], base_year=inputs.frame.base_year, schedule=inputs.schedule)[0]
    return nominal / 1e6 * factor


#: The informed shares φ and the level's distributions the study's recommendation is also shown at.
SENSITIVITY_SHARES = (0.25, 0.5, 0.75, 1.0)
LEVEL_DISTRIBUTIONS = ("drawn", "gaussian", "gamma")
SENSITIVITY_COLUMNS = [
    "level_distribution",
    "informed_share",
    "scenario_value",
    "decision",
    "municipalities",
    "evsi_mnok",
    "engs_mnok",
]


def _evsi_curves(
    net_benefit,
    inputs: CBAInputs,
    draws: Draws,
    relative_variance,
    staff_per_municipality,
    days_per_staff,
    shares,
    level_distribution: str,
) -> dict[float, pd.DataFrame]:
    """Per informed share: EVSI, cost and ENGS of a study of every whole n from the scenario's smallest to its
    largest study size, with the level's distribution ``drawn`` (Gaussian approximation on the draws) or
    ``gaussian``/``gamma`` (exact Bayesian computation)."""
    voi = inputs.value_of_information
    table = {x.input: x for x in uncertain_inputs(inputs)}
    services = list(inputs.service_table.index)
    prior = np.array([float(table[f"time:{s}"].dist.var()) for s in services])
    per_muni = relative_variance.set_index("service").loc[services, "relative_variance_per_municipality"]
    grid = np.array(voi.study_municipalities)
    every = np.arange(grid.min(), grid.max() + 1)
    if level_distribution == "drawn":
        curves = evsi_gaussian_curves(net_benefit, draws.time, prior, [per_muni.to_numpy() / n for n in every], shares)
    else:  # exact, slower: the grid first, then every whole n around each share's best grid point (ENGS is unimodal)

        def exact(ns):
            return evsi_level_curves(
                net_benefit, draws.time, prior, [per_muni.to_numpy() / n for n in ns], shares, level_distribution
            )

        first = exact(grid)
        cost = _study_cost_mnok(grid, inputs, len(services) * staff_per_municipality * days_per_staff)
        best = [int(np.argmax(np.asarray(c) - cost)) for c in first]
        every = np.array(
            sorted({*grid, *(n for b in best for n in range(grid[max(b - 1, 0)], grid[min(b + 1, len(grid) - 1)] + 1))})
        )
        known = {n: i for i, n in enumerate(grid)}
        rest = [n for n in every if n not in known]
        more = exact(rest) if rest else [[] for _ in shares]
        curves = [[c[known[n]] if n in known else m[rest.index(n)] for n in every] for c, m in zip(first, more)]
    staff_days = len(services) * staff_per_municipality * days_per_staff
    cost = _study_cost_mnok(every, inputs, staff_days)
    return {
        share: pd.DataFrame(
            {
                "municipalities": every,
                "staff_days": every * staff_days,
                "evsi_mnok": curve,
                "study_cost_mnok": cost,
                "engs_mnok": np.asarray(curve) - cost,
            }
        )
        for share, curve in zip(shares, curves)
    }


def _curve_table(at_share: pd.DataFrame, full: pd.DataFrame, grid) -> pd.DataFrame:
    out = at_share.assign(evsi_full_mnok=full["evsi_mnok"].to_numpy())
    best = int(out["engs_mnok"].to_numpy().argmax())
    out["optimal"] = (np.arange(len(out)) == best) & (out["engs_mnok"] > 0)
    return out[out["municipalities"].isin(grid) | out["optimal"]].reset_index(drop=True)[EVSI_COLUMNS]


def evsi_table(
    net_benefit: np.ndarray,
    inputs: CBAInputs,
    draws: Draws,
    relative_variance: pd.DataFrame,
    staff_per_municipality: int,
    days_per_staff: int,
) -> pd.DataFrame:
    """EVSI of a baseline study of n municipalities (all services, K staff × D days each), at the scenario's
    informed share and at φ = 1; the study cost in present value; ENGS. Computed for every whole n from the
    scenario's smallest to its largest study size: the rows are the scenario's grid of n and the best n
    (``optimal``: the n that maximises ENGS over all whole numbers in that range, when ENGS is positive)."""
    voi = inputs.value_of_information
    phi = float(voi.baseline_informed_share)
    curves = _evsi_curves(
        net_benefit,
        inputs,
        draws,
        relative_variance,
        staff_per_municipality,
        days_per_staff,
        sorted({phi, 1.0}),
        voi.level_distribution,
    )
    return _curve_table(curves[phi], curves[1.0], voi.study_municipalities)


def evsi_tables(
    net_benefit: np.ndarray,
    inputs: CBAInputs,
    draws: Draws,
    relative_variance: pd.DataFrame,
    staff_per_municipality: int,
    days_per_staff: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`evsi_table`, and how the recommendation moves with the informed share φ
    (:data:`SENSITIVITY_SHARES` and the scenario's) and the level's distribution (:data:`LEVEL_DISTRIBUTIONS`):
    per pair, the decision, the best n, its EVSI and ENGS."""
    voi = inputs.value_of_information
    phi, family = float(voi.baseline_informed_share), voi.level_distribution
    shares = sorted({phi, 1.0, *SENSITIVITY_SHARES})
    by_family = {
        f: _evsi_curves(
            net_benefit, inputs, draws, relative_variance, staff_per_municipality, days_per_staff, shares, f
        )
        for f in LEVEL_DISTRIBUTIONS
    }
    curves = by_family[family]
    table = _curve_table(curves[phi], curves[1.0], voi.study_municipalities)
    rows = []
    for f, share in ((f, share) for f in LEVEL_DISTRIBUTIONS for share in shares):
        rec = study_recommendation(by_family[f][share])
        rows.append(
            {
                "level_distribution": f,
                "informed_share": share,
                "scenario_value": share == phi and f == family,
                "decision": rec["decision"],
                "municipalities": rec["municipalities"],
                "evsi_mnok": rec["evsi_mnok"],
                "engs_mnok": rec["engs_mnok"],
            }
        )
    return table, pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)


def study_recommendation(evsi: pd.DataFrame) -> dict:
    """The recommendation the EVSI curve supports: ``measure`` (with the n that maximises ENGS) when the gain
    is positive for some n, else ``does_not_pay``."""
    best = evsi.iloc[int(np.argmax(evsi["engs_mnok"].to_numpy()))]
    if best["engs_mnok"] <= 0:
        return {"decision": "does_not_pay", "municipalities": 0, "engs_mnok": 0.0, "evsi_mnok": 0.0, "cost_mnok": 0.0}
    return {
        "decision": "measure",
        "municipalities": int(best["municipalities"]),
        "engs_mnok": float(best["engs_mnok"]),
        "evsi_mnok": float(best["evsi_mnok"]),
        "cost_mnok": float(best["study_cost_mnok"]),
    }


def value_of_information_tables(
    inputs: CBAInputs,
    net_benefit: np.ndarray,
    draws: Draws,
    components: pd.DataFrame | None,
    staff_per_municipality: int,
    days_per_staff: int,
    seed: int,
) -> dict[str, pd.DataFrame]:
    """The appendix's tables: ``voi_evppi`` (per group), ``voi_evsi``, ``voi_study_precision`` and
    ``voi_study_sensitivity`` (no rows when the baseline has no fitted variance components), and
    ``voi_summary`` (metric, value, unit)."""
    voi = inputs.value_of_information
    evppi = evppi_table(net_benefit, parameter_groups(inputs, draws), voi.n_se, seed)
    evpi_value = evppi.attrs["evpi_mnok"]
    summary = [
        ("mc_npv_mean_mnok", float(np.mean(net_benefit)), "mnok"),
        ("mc_prob_negative", float(np.mean(net_benefit < 0)), "share"),
        ("evpi_mnok", evpi_value, "mnok"),
    ]
    evsi = pd.DataFrame(columns=EVSI_COLUMNS)
    sensitivity = pd.DataFrame(columns=SENSITIVITY_COLUMNS)
    precision = pd.DataFrame(columns=PRECISION_COLUMNS)
    if components is not None and len(fitted_components(components)):
        services = list(inputs.service_table.index)
        rel = study_sampling_variance(components, services, staff_per_municipality, days_per_staff)
        table = {x.input: x for x in uncertain_inputs(inputs)}
        precision = rel.assign(
            prior_sd=[float(np.sqrt(table[f"time:{s}"].dist.var())) for s in services],
            study_sd_per_municipality=np.sqrt(rel["relative_variance_per_municipality"]),
        )[PRECISION_COLUMNS]
        evsi, sensitivity = evsi_tables(net_benefit, inputs, draws, rel, staff_per_municipality, days_per_staff)
        rec = study_recommendation(evsi)
        summary += [
            ("study_staff_days_per_municipality", len(services) * staff_per_municipality * days_per_staff, "count"),
            ("recommended_study_municipalities", rec["municipalities"], "count"),
            ("evsi_at_recommended_mnok", rec["evsi_mnok"], "mnok"),
            ("study_cost_at_recommended_mnok", rec["cost_mnok"], "mnok"),
            ("engs_at_recommended_mnok", rec["engs_mnok"], "mnok"),
        ]
    return {
        "voi_summary": pd.DataFrame(summary, columns=["metric", "value", "unit"]),
        "voi_evppi": evppi.rename(columns={"group": "parameter_group"}),
        "voi_evsi": evsi,
        "voi_study_precision": precision,
        "voi_study_sensitivity": sensitivity,
    }
