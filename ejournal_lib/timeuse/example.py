"""Synthetic baseline time-use registrations (seeded, documented): shadowing sessions, activity records and
random moments with known municipality, staff and day effects, so that estimates can be checked against the
truth. Marked as example data wherever used."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["example_timeuse", "TIMEUSE_TRUTH"]

#: Expected minutes per 7.5-hour staff-day by activity group in the synthetic time-use data (before the
#: municipality, staff and day effects): the "truth" that the estimates should recover.
TIMEUSE_TRUTH = {
    ("home_services", "nurse"): {
        "information": 35,
        "documentation": 45,
        "medication": 30,
        "interaction": 20,
        "reporting": 8,
        "travel": 70,
    },
    ("home_services", "health_worker"): {
        "information": 25,
        "documentation": 35,
        "medication": 25,
        "interaction": 10,
        "reporting": 4,
        "travel": 80,
    },
    ("nursing_home_long", "nurse"): {
        "information": 25,
        "documentation": 50,
        "medication": 35,
        "interaction": 10,
        "reporting": 8,
        "travel": 0,
    },
    ("nursing_home_long", "health_worker"): {
        "information": 15,
        "documentation": 35,
        "medication": 15,
        "interaction": 5,
        "reporting": 4,
        "travel": 0,
    },
    ("nursing_home_short", "nurse"): {
        "information": 40,
        "documentation": 55,
        "medication": 40,
        "interaction": 25,
        "reporting": 8,
        "travel": 0,
    },
    ("gp_doctors", "gp"): {
        "information": 60,
        "documentation": 90,
        "medication": 25,
        "interaction": 35,
        "reporting": 10,
        "travel": 0,
    },
    ("gp_office_staff", "secretary"): {
        "information": 70,
        "documentation": 40,
        "medication": 10,
        "interaction": 90,
        "reporting": 15,
        "travel": 0,
    },
    ("health_station", "health_visitor"): {
        "information": 30,
        "documentation": 60,
        "medication": 5,
        "interaction": 15,
        "reporting": 15,
        "travel": 20,
    },
    ("allocation_office", "case_officer"): {
        "information": 90,
        "documentation": 120,
        "medication": 0,
        "interaction": 60,
        "reporting": 30,
        "travel": 0,
    },
}
_TIMEUSE_MUNICIPALITIES = ("0301", "3024", "4601", "1108", "3803", "1820")
_GROUP_CODES = {
    "information": (["INFO-SOK", "INFO-HENT", "INFO-DEL"], [0.5, 0.3, 0.2]),
    "documentation": (["DOK-JOURNAL", "DOK-DOBBEL"], [0.75, 0.25]),
    "medication": (["LM-AVSTEM", "LM-ORDINER"], [0.6, 0.4]),
    "interaction": (["SAM-PLO", "SAM-TLF", "SAM-FAKS"], [0.5, 0.4, 0.1]),
    "reporting": (["RAP-STAT"], [1.0]),
    "travel": (["REISE"], [1.0]),
    "direct_care": (["PAS-DIREKTE"], [1.0]),
    "other": (["ANNET-MOTE", "ANNET-PAUSE", "ANNET"], [0.4, 0.4, 0.2]),
}


def _clock(td: pd.Timedelta) -> str:
    """HH:MM of a time of day given as time since midnight."""
    return f"{int(td.total_seconds() // 3600):02d}:{int(td.total_seconds() % 3600 // 60):02d}"


def example_timeuse(
    seed: int,
    sd_municipality: float = 0.15,
    sd_staff: float = 0.20,
    sd_day: float = 0.15,
    samples_per_session: int = 12,
) -> dict[str, pd.DataFrame]:
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
                    minutes = {
                        g: max(0.0, v * mult * np.exp(rng.normal(0, 0.1))) for g, v in truth.items() if g != "travel"
                    }
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
                    sessions.append(
                        {
                            "session_id": session_id,
                            "municipality_code": muni,
                            "service": service,
                            "unit": f"Enhet {mi + 1}",
                            "role": role,
                            "staff_id": staff,
                            "observer_id": f"O{mi + 1}",
                            "date": date.strftime("%Y-%m-%d"),
                            "start": _clock(start),
                            "end": _clock(t),
                        }
                    )
                    for code, a, b in timeline:
                        activities.append(
                            {
                                "session_id": session_id,
                                "activity_code": code,
                                "start": _clock(a),
                                "end": _clock(b),
                                "patient_related": code.startswith(("PAS", "LM", "INFO")),
                                "system": "EPJ" if code.startswith(("DOK", "INFO")) else "",
                            }
                        )
                    total = int((t - start).total_seconds() // 60)
                    for m in np.sort(rng.choice(total, size=samples_per_session, replace=False)):
                        at = start + pd.Timedelta(minutes=int(m))
                        code = next(c for c, a, b in timeline if a <= at < b)
                        samples.append({"session_id": session_id, "time": _clock(at), "activity_code": code})
    return {
        "timeuse_sessions.csv": pd.DataFrame(sessions),
        "timeuse_activities.csv": pd.DataFrame(activities),
        "timeuse_work_sampling.csv": pd.DataFrame(samples),
    }
