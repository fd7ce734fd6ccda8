"""Synthetic example data for the participation appendix (seeded, documented): an intention register with
signing dates from a Bass process, and a GP survey from a known logit model. Marked as example data wherever
used; real files in the same format replace them through the scenario's data paths."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["example_commitment_register", "example_gp_survey", "SURVEY_TRUTH"]

#: True coefficients of the synthetic GP survey (logit scale), so tests can check that they are recovered.
SURVEY_TRUTH = {
    "Intercept": 0.2,
    "employed": 1.1,
    "municipal_agreement": 0.8,
    "list_size_per_1000": -0.5,
    "age_per_10": -0.25,
    "infodoc": -0.3,
    "other": 0.4,
    "incentive": 0.6,
}


def example_commitment_register(
    area: pd.DataFrame,
    seed: int,
    start: str = "2020-01-01",
    as_of: str = "2021-12-31",
    p: float = 0.02,
    q: float = 0.18,
) -> pd.DataFrame:
    """Intention agreements: larger municipalities are likelier to sign; signing times follow a Bass
    process (p, q per month from ``start``); those not signed by ``as_of`` are undecided or declined."""
    rng = np.random.default_rng(seed)
    pop = area["population"].to_numpy(float)
    p_commit = 1.0 / (1.0 + np.exp(-(0.3 + 0.5 * (np.log(pop) - np.log(10_000)))))
    commits = rng.random(len(area)) < p_commit
    u = rng.random(len(area))
    months = -np.log((1.0 - u) / (1.0 + (q / p) * u)) / (p + q)  # inverse Bass CDF
    date = pd.Timestamp(start) + pd.to_timedelta(np.floor(months * 30.4375), unit="D")
    signed = commits & (date <= pd.Timestamp(as_of))
    declined = ~commits & (rng.random(len(area)) < 0.4)
    decline_date = pd.Timestamp(start) + pd.to_timedelta(rng.integers(60, 700, len(area)), unit="D")
    status = np.where(signed, "signed", np.where(declined, "declined", "undecided"))
    when = np.where(signed, date.strftime("%Y-%m-%d"), np.where(declined, decline_date.strftime("%Y-%m-%d"), ""))
    return (
        pd.DataFrame(
            {
                "municipality_code": area["municipality_code"].to_numpy(),
                "status": status,
                "date": when,
                "note": "Eksempeldata (syntetiske)",
            }
        )
        .sort_values("municipality_code")
        .reset_index(drop=True)
    )


def example_gp_survey(area: pd.DataFrame, seed: int, n: int = 900) -> pd.DataFrame:
    """GP survey with a known logit model of stated intention to join (coefficients in ``SURVEY_TRUTH``)."""
    rng = np.random.default_rng(seed + 1)
    w = area["population"].to_numpy(float)
    muni = rng.choice(area["municipality_code"].to_numpy(), size=n, p=w / w.sum())
    small = area.set_index("municipality_code")["population"].reindex(muni).to_numpy() < 20_000
    employed = rng.random(n) < np.where(small, 0.30, 0.10)
    agreement = rng.random(n) < np.where(employed, 0.9, 0.15)
    list_size = np.clip(rng.normal(1100, 250, n), 300, 2500).round().astype(int)
    age = rng.integers(29, 70, n)
    system = rng.choice(["cgm", "infodoc", "other"], size=n, p=[0.55, 0.35, 0.10])
    incentive = rng.random(n) < 0.5
    t = SURVEY_TRUTH
    eta = (
        t["Intercept"]
        + t["employed"] * employed
        + t["municipal_agreement"] * agreement
        + t["list_size_per_1000"] * list_size / 1000
        + t["age_per_10"] * age / 10
        + t["infodoc"] * (system == "infodoc")
        + t["other"] * (system == "other")
        + t["incentive"] * incentive
    )
    intends = rng.random(n) < 1.0 / (1.0 + np.exp(-eta))
    return pd.DataFrame(
        {
            "respondent_id": [f"R{i:04d}" for i in range(1, n + 1)],
            "municipality_code": muni,
            "employment_form": np.where(employed, "employed", "self_employed"),
            "municipal_agreement": agreement,
            "list_size": list_size,
            "age": age,
            "record_system": system,
            "incentive": incentive,
            "intends_to_join": intends,
        }
    )
