"""An independent implementation of the 2020 method's net present value, one draw at a time.

Written out again straight from the method brief (``shared/docs/ssd2020-method.md``) with plain numpy
(``np.convolve`` for the cohort sums), reading the scenario file's YAML directly rather than the typed model.
The tests compare the vectorised engine with it; ``benchmarks/bench_cba.py`` times the two against each other.
"""

from __future__ import annotations

import numpy as np

__all__ = ["plain_npv"]


def plain_npv(cba: dict, draws, public, i: int) -> float:
    """Net present value of draw ``i`` written out directly from the method brief.

    ``cba`` is the scenario file's ``cba`` section as plain YAML (not the typed model), ``draws`` the engine's
    draws. The tax financing cost is 20 % of every priced effect except value creation, in full (the rule the
    published table implies); ``public`` is kept for the rule that counts public shares only (not used)."""
    f, p = cba["frame"], cba["participation"]
    years = np.arange(f["first_year"], f["last_year"] + 1)
    T = len(years)
    disc = 1.0 / (1.0 + f["discount_rate"]) ** (years - f["base_year"])
    shares = p["municipal_share_by_year"]
    m = np.array([max([v for y, v in shares.items() if y <= t], default=0.0) for t in years])
    d = int(draws.delay[i])
    m = np.concatenate([np.zeros(d), m])[:T]
    m = np.minimum(1.0, m * draws.rollout_scale[i])
    dm = np.diff(np.concatenate([[0.0], m]))
    R = p["gp_rampup_years"]
    u = np.array(
        [
            p["gp_join_share_at_golive"] + (p["gp_final_share"] - p["gp_join_share_at_golive"]) * min(k / R, 1)
            for k in range(T)
        ]
    )
    u = np.minimum(1.0, u * draws.gp_scale[i])
    g = np.convolve(dm, u)[:T]
    dg = np.diff(np.concatenate([[0.0], g]))
    ramp = list(p["realisation_by_year_since_golive"])
    if p["realisation_timing"] == "mid_year":  # go-lives spread over the year: half a year of each step
        ramp = [(a + b) / 2 for a, b in zip([0.0, *ramp], [*ramp, 1.0])]
    r = np.array([min(1.0, ramp[k] * draws.realisation_pace[i]) if k < len(ramp) else 1.0 for k in range(T)])
    Rm, Rg = np.convolve(dm, r)[:T], np.convolve(dg, r)[:T]
    months = np.zeros(T)
    months[0], months[1] = 0.2 * 6 + 0.1 * 6, 0.1 * 12
    Tm, Tg = np.convolve(dm, months)[:T], np.convolve(dg, months)[:T]
    total = np.zeros(T)
    budget = np.zeros(T)  # what the tax financing cost is charged on
    ae = cba["adverse_events"]
    harms = {h["service"]: h for h in ae["table"]}
    for j, s in enumerate(cba["services"]["table"]):
        svc = s["service"]
        growth = 1 + (s["activity_growth_2040"] - 1) * (years - 2019) / 21
        if s["gp_interaction"] == "gp":
            ft, fh, tr = Rg, Rg, Tg
        elif s["gp_interaction"] == "close":
            ft, fh, tr = 0.6 * Rm + 0.4 * Rg, 0.4 * Rm + 0.6 * Rg, Tm
        else:
            ft, fh, tr = Rm, Rm, Tm
        hourly = s["monthly_labour_cost"] * 12 / f["hours_per_fte"]
        saved = (
            s["minutes_saved_per_day"]
            / 60
            * f["working_days_per_year"]
            * s["ftes"]
            * hourly
            / 1e6
            * growth
            * ft
            * draws.time[i, j]
            * draws.scope[i]
        )
        transition = -s["ftes"] * s["monthly_labour_cost"] / 1e6 * growth * tr * draws.transition[i]
        total += saved + transition
        budget += saved + transition
        if svc in harms:
            h = harms[svc]
            mix = ae["severity_mixes"][h["severity"]]
            hc = sum(mix[k] * ae["cost_per_harm"][k]["health"] for k in mix)
            pc = sum(mix[k] * ae["cost_per_harm"][k]["productivity"] for k in mix) * ae["working_share_of_patients"]
            avoided = h["harms_per_year"] * ae["avoidable_share"] * h["affectable_share"] * growth * fh * draws.scope[i]
            total += avoided * hc / 1e6
            budget += avoided * hc / 1e6
            if svc in ae["productivity_services"]:
                total += avoided * pc / 1e6
    na = cba["null_alternative"]
    sm = np.concatenate([[0.0], m])[:T]
    sg = np.concatenate([[0.0], g])[:T]
    resid = np.minimum(1.0, (f["last_year"] - years + 1) / 10)
    muni = (
        (13.4 * 20 * resid + na["municipal_operation_per_inhabitant"] * f["area_population"] / 1e6)
        * sm
        * draws.legacy_municipal[i]
    )
    other = (
        na["gp_count"] * (34000 + 7000 * resid) / 1e6 * sg + na["other_contractor_count"] * 12000 / 1e6 * sm
    ) * draws.legacy_other[i]
    total += muni + other
    budget += muni + other
    prof = np.array([cba["investment"]["programme_profile"].get(int(y), 0.0) for y in years])
    inv = -(
        4755 / 1.25 * draws.investment[i, 0] * prof
        + 710 / 1.25 * draws.investment[i, 2] * prof
        + 4060 / 1.25 * draws.investment[i, 1] * dm / m[-1]  # the frames assume full participation
    )
    op = cba["operation"]["cost_per_year_full_participation_mnok"] * m
    total += inv + op
    budget += inv + op
    total += 0.2 * budget
    return float(total @ disc)
