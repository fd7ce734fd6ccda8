"""Synthetic example data (``ejournal example-data``), seeded and documented, so that the pipeline runs
before real registrations exist. Real files drop in with the same format. Every file written here is
labelled "Eksempeldata (syntetiske)" wherever it is used.

Generated: ``commitment_register.csv`` (intention agreements), ``gp_survey.csv`` (GP survey) and the
baseline time-use set ``timeuse_sessions.csv``, ``timeuse_activities.csv``, ``timeuse_work_sampling.csv``
(several municipalities and services; municipality, staff and day effects on the addressable minutes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["example_commitment_register", "example_gp_survey", "example_timeuse", "write_example_data",
           "EXAMPLE_SEED", "TIMEUSE_TRUTH"]

EXAMPLE_SEED = 20200315
#: True coefficients of the synthetic GP survey (logit scale), so tests can check that they are recovered.
SURVEY_TRUTH = {"Intercept": 0.2, "employed": 1.1, "municipal_agreement": 0.8, "list_size_per_1000": -0.5,
                "age_per_10": -0.25, "infodoc": -0.3, "other": 0.4, "incentive": 0.6}


def example_commitment_register(area: pd.DataFrame, seed: int = EXAMPLE_SEED, start: str = "2020-01-01",
                                as_of: str = "2021-12-31", p: float = 0.02, q: float = 0.18) -> pd.DataFrame:
    """Intention agreements: larger municipalities are likelier to sign; signing times follow a Bass
    process (p, q per month from ``start``); those not signed by ``as_of`` are undecided or declined."""
    rng = np.random.default_rng(seed)
    pop = area["population"].to_numpy(float)
    p_commit = 1.0 / (1.0 + np.exp(-(0.3 + 0.5 * (np.log(pop) - np.log(10_000)))))
    commits = rng.random(len(area)) < p_commit
    u = rng.random(len(area))
    months = -np.log((1.0 - u) / (1.0 + (q / p) * u)) / (p + q)       # inverse Bass CDF
    date = pd.Timestamp(start) + pd.to_timedelta(np.floor(months * 30.4375), unit="D")
    signed = commits & (date <= pd.Timestamp(as_of))
    declined = ~commits & (rng.random(len(area)) < 0.4)
    decline_date = pd.Timestamp(start) + pd.to_timedelta(rng.integers(60, 700, len(area)), unit="D")
    status = np.where(signed, "signed", np.where(declined, "declined", "undecided"))
    when = np.where(signed, date.strftime("%Y-%m-%d"), np.where(declined, decline_date.strftime("%Y-%m-%d"), ""))
    return pd.DataFrame({"municipality_code": area["municipality_code"].to_numpy(), "status": status, "date": when,
                         "note": "Eksempeldata (syntetiske)"}).sort_values("municipality_code").reset_index(drop=True)


def example_gp_survey(area: pd.DataFrame, n: int = 900, seed: int = EXAMPLE_SEED) -> pd.DataFrame:
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
    eta = (t["Intercept"] + t["employed"] * employed + t["municipal_agreement"] * agreement
           + t["list_size_per_1000"] * list_size / 1000 + t["age_per_10"] * age / 10
           + t["infodoc"] * (system == "infodoc") + t["other"] * (system == "other") + t["incentive"] * incentive)
    intends = rng.random(n) < 1.0 / (1.0 + np.exp(-eta))
    return pd.DataFrame({"respondent_id": [f"R{i:04d}" for i in range(1, n + 1)], "municipality_code": muni,
                         "employment_form": np.where(employed, "employed", "self_employed"),
                         "municipal_agreement": agreement, "list_size": list_size, "age": age,
                         "record_system": system, "incentive": incentive, "intends_to_join": intends})


#: Expected minutes per 7.5-hour staff-day by activity group in the synthetic time-use data (before the
#: municipality, staff and day effects): the "truth" that the estimates should recover.
TIMEUSE_TRUTH = {
    ("home_services", "nurse"): {"information": 35, "documentation": 45, "medication": 30, "interaction": 20, "reporting": 8, "travel": 70},
    ("home_services", "health_worker"): {"information": 25, "documentation": 35, "medication": 25, "interaction": 10, "reporting": 4, "travel": 80},
    ("nursing_home_long", "nurse"): {"information": 25, "documentation": 50, "medication": 35, "interaction": 10, "reporting": 8, "travel": 0},
    ("nursing_home_long", "health_worker"): {"information": 15, "documentation": 35, "medication": 15, "interaction": 5, "reporting": 4, "travel": 0},
    ("nursing_home_short", "nurse"): {"information": 40, "documentation": 55, "medication": 40, "interaction": 25, "reporting": 8, "travel": 0},
    ("gp_doctors", "gp"): {"information": 60, "documentation": 90, "medication": 25, "interaction": 35, "reporting": 10, "travel": 0},
    ("gp_office_staff", "secretary"): {"information": 70, "documentation": 40, "medication": 10, "interaction": 90, "reporting": 15, "travel": 0},
    ("health_station", "health_visitor"): {"information": 30, "documentation": 60, "medication": 5, "interaction": 15, "reporting": 15, "travel": 20},
    ("allocation_office", "case_officer"): {"information": 90, "documentation": 120, "medication": 0, "interaction": 60, "reporting": 30, "travel": 0},
}
_TIMEUSE_MUNICIPALITIES = ("0301", "3024", "4601", "1108", "3803", "1820")
_GROUP_CODES = {"information": (["INFO-SOK", "INFO-HENT", "INFO-DEL"], [0.5, 0.3, 0.2]),
                "documentation": (["DOK-JOURNAL", "DOK-DOBBEL"], [0.75, 0.25]),
                "medication": (["LM-AVSTEM", "LM-ORDINER"], [0.6, 0.4]),
                "interaction": (["SAM-PLO", "SAM-TLF", "SAM-FAKS"], [0.5, 0.4, 0.1]),
                "reporting": (["RAP-STAT"], [1.0]),
                "travel": (["REISE"], [1.0]),
                "direct_care": (["PAS-DIREKTE"], [1.0]),
                "other": (["ANNET-MOTE", "ANNET-PAUSE", "ANNET"], [0.4, 0.4, 0.2])}


def example_timeuse(seed: int = EXAMPLE_SEED, sd_municipality: float = 0.15, sd_staff: float = 0.20,
                    sd_day: float = 0.15, samples_per_session: int = 12) -> dict[str, pd.DataFrame]:
    """Shadowing sessions with activity records and random-moment observations.

    Addressable minutes per day = truth × exp(u_municipality + u_staff + e_day) (log-normal effects with the
    given SDs); the rest of the 450-minute day is direct patient work and other. Allocation offices are
    observed in one municipality with three staff only, so that their cells are suppressed.
    """
    rng = np.random.default_rng(seed + 2)
    muni_effect = dict(zip(_TIMEUSE_MUNICIPALITIES, rng.normal(0, sd_municipality, len(_TIMEUSE_MUNICIPALITIES))))
    sessions, activities, samples = [], [], []
    sid = staff_no = 0
    for (service, role), truth in TIMEUSE_TRUTH.items():
        munis = _TIMEUSE_MUNICIPALITIES[:1] if service == "allocation_office" else _TIMEUSE_MUNICIPALITIES
        for mi, muni in enumerate(munis):
            n_staff = 3 if service == "allocation_office" else int(rng.integers(3, 5))
            for _ in range(n_staff):
                staff_no += 1
                staff = f"P{staff_no:04d}"
                u_staff = rng.normal(0, sd_staff)
                for day in range(int(rng.integers(2, 4))):
                    sid += 1
                    date = pd.Timestamp("2020-02-03") + pd.Timedelta(days=int(7 * mi + 2 * day + rng.integers(0, 2)))
                    start = pd.Timedelta(hours=7, minutes=30) if role != "gp" else pd.Timedelta(hours=8)
                    mult = np.exp(muni_effect[muni] + u_staff + rng.normal(0, sd_day))
                    minutes = {g: max(0.0, v * mult * np.exp(rng.normal(0, 0.1))) for g, v in truth.items() if g != "travel"}
                    minutes["travel"] = truth["travel"] * np.exp(rng.normal(0, 0.1))
                    rest = 450 - sum(minutes.values())
                    minutes["direct_care"] = max(30.0, 0.85 * rest)
                    minutes["other"] = max(10.0, 450 - sum(minutes.values()))
                    chunks = []
                    for g, m in minutes.items():
                        codes, probs = _GROUP_CODES[g]
                        left = int(round(m))
                        while left > 0:
                            size = min(left, int(rng.integers(4, 26)))
                            chunks.append((str(rng.choice(codes, p=probs)), size))
                            left -= size
                    order = rng.permutation(len(chunks))
                    t = start
                    timeline = []
                    for i in order:
                        code, size = chunks[i]
                        end = t + pd.Timedelta(minutes=size)
                        timeline.append((code, t, end))
                        t = end
                    session_id = f"S{sid:04d}"
                    fmt = lambda td: f"{int(td.total_seconds() // 3600):02d}:{int(td.total_seconds() % 3600 // 60):02d}"
                    sessions.append({"session_id": session_id, "municipality_code": muni, "service": service,
                                     "unit": f"Enhet {mi + 1}", "role": role, "staff_id": staff,
                                     "observer_id": f"O{mi + 1}", "date": date.strftime("%Y-%m-%d"),
                                     "start": fmt(start), "end": fmt(t)})
                    for code, a, b in timeline:
                        activities.append({"session_id": session_id, "activity_code": code, "start": fmt(a),
                                           "end": fmt(b), "patient_related": code.startswith(("PAS", "LM", "INFO")),
                                           "system": "EPJ" if code.startswith(("DOK", "INFO")) else ""})
                    total = int((t - start).total_seconds() // 60)
                    for m in np.sort(rng.choice(total, size=samples_per_session, replace=False)):
                        at = start + pd.Timedelta(minutes=int(m))
                        code = next(c for c, a, b in timeline if a <= at < b)
                        samples.append({"session_id": session_id, "time": fmt(at), "activity_code": code})
    return {"timeuse_sessions.csv": pd.DataFrame(sessions), "timeuse_activities.csv": pd.DataFrame(activities),
            "timeuse_work_sampling.csv": pd.DataFrame(samples)}


def write_example_data(root: Path, out: Path | None = None, seed: int = EXAMPLE_SEED) -> list[Path]:
    """Write every example file into ``out`` (default ``data/raw/example``); returns the paths."""
    from ejournal_lib.common.municipalities import load_midt_norge, load_population, outside_midt_norge

    raw = Path(root) / "data" / "raw"
    out = Path(out) if out else raw / "example"
    out.mkdir(parents=True, exist_ok=True)
    pop = load_population(raw / "population_municipality_2020.csv")
    area = outside_midt_norge(pop, load_midt_norge(raw / "midt_norge_municipalities_2020.csv")["municipality_code"])
    area = area.sort_values("municipality_code").reset_index(drop=True)
    files = {"commitment_register.csv": example_commitment_register(area, seed),
             "gp_survey.csv": example_gp_survey(area, seed=seed), **example_timeuse(seed)}
    paths = []
    for name, df in files.items():
        path = out / name
        tmp = path.with_suffix(".tmp")
        df.to_csv(tmp, index=False, lineterminator="\n")
        tmp.replace(path)
        paths.append(path)
    return paths
