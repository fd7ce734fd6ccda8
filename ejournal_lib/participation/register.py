"""Municipal commitments (intention agreements) and coverage of the population outside Midt-Norge.

The register (``data/raw/.../commitment_register.csv``) has one row per municipality: municipality_code
(2020 codes), status (signed, declined, undecided), date of the status, optional note.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ejournal_lib.common.errors import InputError, InputProblem
from ejournal_lib.common.municipalities import (
    load_crosswalk,
    load_midt_norge,
    load_population,
    outside_midt_norge,
    suggest_2020_code,
)
from ejournal_lib.common.table_files import read_table_file
from ejournal_lib.common.validation import Column, TableSchema, validate_table

__all__ = [
    "commitment_register_schema",
    "load_commitment_register",
    "load_scenario_register",
    "load_scenario_public_status",
    "scenario_areas",
    "EARLIEST_DATE",
    "coverage_by_date",
    "target_crossing",
    "STATUSES",
    "adoption_series",
    "participation_scenario_curves",
]

#: Commitment status codes in a register (labels: the catalogue's ``commitment_status`` domain);
#: a municipality absent from the register is ``not_registered``.
STATUSES = ("signed", "declined", "undecided")

#: Earliest plausible status date: the pre-project, which collected the intention declarations, began in 2019.
EARLIEST_DATE = "2019-01-01"


def commitment_register_schema() -> TableSchema:
    return TableSchema(
        name="commitment_register",
        columns=(
            Column("municipality_code", "code", pattern=r"\d{4}"),
            Column("status", "code", allowed=frozenset(STATUSES)),
            Column("date", "date", required=False, min=EARLIEST_DATE),
            Column("note", "text", required=False),
        ),
        unique=("municipality_code",),
    )


def load_commitment_register(path: str | Path, area: pd.DataFrame, crosswalk: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Read and check the register against the area's 2020 municipalities.

    Errors (all at once): schema problems, codes that are not 2020 codes in the area (a retired 2019 code
    gets its 2020 code suggested; a Midt-Norge code is named as outside the area), dates after ``as_of``,
    signed or declined rows without a date.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([InputProblem(str(path), None, None, "file not found")])
    df, problems = validate_table(read_table_file(path), commitment_register_schema(), str(path))
    if "municipality_code" in df.columns and "status" in df.columns:
        known = set(area["municipality_code"])
        as_of_ts = pd.Timestamp(as_of)
        for i, (_, row) in enumerate(df.iterrows()):
            code = row["municipality_code"]
            if code and code not in known:
                suggestion = suggest_2020_code(code, crosswalk)
                if suggestion and suggestion != code:
                    msg = f"{code} is a 2019 code, not a 2020 code; use {suggestion}"
                elif suggestion == code or code in set(crosswalk["municipality_code_2020"]):
                    msg = f"{code} is not in the area (it is excluded, e.g. Midt-Norge)"
                else:
                    msg = f"unknown municipality code {code!r}; expected a 2020 code outside Midt-Norge"
                problems.append(InputProblem(str(path), i + 1, "municipality_code", msg))
            if "date" in df.columns:
                d = row["date"]
                if pd.notna(d) and d > as_of_ts:
                    problems.append(
                        InputProblem(
                            str(path), i + 1, "date", f"date {d.date()} is after the analysis date {as_of_ts.date()}"
                        )
                    )
                if row["status"] in ("signed", "declined") and pd.isna(d):
                    problems.append(InputProblem(str(path), i + 1, "date", f"a '{row['status']}' row needs a date"))
    if problems:
        raise InputError(problems)
    return df


def scenario_areas(scenario) -> dict[str, pd.DataFrame]:
    """The analysis area (outside Midt-Norge and any further excluded codes) and the sensitivity area
    (also without ``participation.sensitivity_excluded``), with population, by name."""
    population = load_population(scenario.data.population)
    excluded = set(load_midt_norge(scenario.data.midt_norge)["municipality_code"])
    excluded |= set(scenario.settings.extra_excluded_municipalities)
    return {
        "outside_midt_norge": outside_midt_norge(population, excluded),
        "sensitivity": outside_midt_norge(population, excluded | set(scenario.participation.sensitivity_excluded)),
    }


def load_scenario_public_status(scenario):
    """The public facts for the scenario's area: every municipality with its status in public sources, and
    KS's aggregate; the same call for the appendices and for ``ejournal validate``."""
    from ejournal_lib.participation.public_status import (
        load_intentions_aggregate,
        load_public_intentions,
        public_status_by_municipality,
    )

    area = scenario_areas(scenario)["outside_midt_norge"]
    named = load_public_intentions(scenario.data.intentions_public, area)
    return public_status_by_municipality(area, named), load_intentions_aggregate(scenario.data.intentions_aggregate)


def load_scenario_register(scenario) -> pd.DataFrame:
    """The scenario's commitment register, checked against its area, crosswalk and analysis date; the same
    call for the appendix and for ``ejournal validate``."""
    return load_commitment_register(
        scenario.data.commitment_register,
        scenario_areas(scenario)["outside_midt_norge"],
        load_crosswalk(scenario.data.crosswalk),
        scenario.participation.as_of_date,
    )


def coverage_by_date(register: pd.DataFrame, area: pd.DataFrame) -> pd.DataFrame:
    """Cumulative signed municipalities and population share after each signing date."""
    pop = area.set_index("municipality_code")["population"]
    total = pop.sum()
    signed = register[register["status"] == "signed"].copy()
    signed["population"] = signed["municipality_code"].map(pop)
    daily = signed.groupby("date").agg(new=("municipality_code", "size"), pop=("population", "sum")).sort_index()
    out = pd.DataFrame(
        {
            "date": pd.DatetimeIndex(daily.index).strftime("%Y-%m-%d"),
            "municipalities_signed": daily["new"].cumsum().to_numpy(),
            "population_signed": daily["pop"].cumsum().to_numpy(),
        }
    )
    out["share_of_population_outside_midt_norge"] = out["population_signed"] / total
    return out


def target_crossing(coverage: pd.DataFrame, target: float):
    """The first date at which the signed share reaches ``target`` (None if not reached)."""
    hit = coverage[coverage["share_of_population_outside_midt_norge"] >= target - 1e-12]
    return None if hit.empty else hit["date"].iloc[0]


def adoption_series(
    register: pd.DataFrame, area: pd.DataFrame, freq: str = "QS", start: str | None = None, end: str | None = None
) -> pd.DataFrame:
    """New signatures per period (count of municipalities and population share), periods with none included."""
    pop = area.set_index("municipality_code")["population"]
    signed = register[register["status"] == "signed"].copy()
    signed["share"] = signed["municipality_code"].map(pop) / pop.sum()
    periods = pd.period_range(start or signed["date"].min(), end or signed["date"].max(), freq=freq[0])
    key = signed["date"].dt.to_period(freq[0])
    counts = signed.groupby(key).size().reindex(periods, fill_value=0)
    shares = signed.groupby(key)["share"].sum().reindex(periods, fill_value=0.0)
    return pd.DataFrame(
        {
            "period": periods.astype(str),
            "new_municipalities": counts.to_numpy(),
            "new_population_share": shares.to_numpy(),
        }
    )


def participation_scenario_curves(
    base_shares: dict[int, float], years, finals: dict[str, float], delay_years: dict[str, int] | None = None
) -> dict[str, np.ndarray]:
    """Yearly municipal population shares for named scenarios: the base roll-out curve scaled to each
    final share (and optionally delayed)."""
    from ejournal_lib.cba.curves import municipal_share_curve

    bad = {n: f for n, f in finals.items() if not (isinstance(f, (int, float)) and 0 <= f <= 1)}
    if bad:
        raise ValueError(f"participation scenario shares must lie between 0 and 1: {bad}")
    years = np.asarray(years)
    base = municipal_share_curve(base_shares, years)
    out = {}
    for name, final in finals.items():
        d = (delay_years or {}).get(name, 0)
        shifted = np.concatenate([np.zeros(d), base])[: len(years)] if d else base
        out[name] = np.clip(shifted * final / base.max(), 0.0, 1.0)
    return out
