"""What is publicly known about the 2020 intention declarations: the municipalities named in public sources
(with status and source) and KS's published aggregate. These are facts about real municipalities; the dated
register the forecast needs is synthetic example data and is kept apart.

A municipality not named in a public source has the status ``not_named`` ("unknown"), never "not signed":
KS published the aggregate (183 of 291 signed by 1 July 2020), not the names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ejournal_lib.common.errors import InputError, InputProblem
from ejournal_lib.common.validation import Column, TableSchema, read_raw_table

__all__ = [
    "PUBLIC_STATUSES",
    "AGGREGATE_METRICS",
    "public_intentions_schema",
    "intentions_aggregate_schema",
    "load_public_intentions",
    "load_intentions_aggregate",
    "IntentionsAggregate",
    "public_status_by_municipality",
    "public_key_figures",
    "largest_not_known_signed",
]

#: Statuses in the public list; ``not_named`` is added for municipalities no public source names.
PUBLIC_STATUSES = ("signed", "declined", "unknown")
AGGREGATE_METRICS = (
    "municipalities_signed",
    "municipalities_in_area",
    "population_share_signed",
    "municipalities_not_signed",
    "municipalities_actively_not_signing_approx",
)


def public_intentions_schema() -> TableSchema:
    return TableSchema(
        "public_intentions",
        (
            Column("municipality_name", "text"),
            Column("municipality_code", "code", pattern=r"\d{4}"),
            Column("status", "code", allowed=frozenset(PUBLIC_STATUSES)),
            Column("date_or_as_of", "text"),
            Column(
                "source",
                "text",
                pattern=r"https?://\S+( ; https?://\S+)*",
                description="web addresses (https://…), separated by ' ; '",
            ),
        ),
        unique=("municipality_code",),
    )


def intentions_aggregate_schema() -> TableSchema:
    return TableSchema(
        "intentions_aggregate",
        (
            Column("metric", "code", allowed=frozenset(AGGREGATE_METRICS)),
            Column("value", "float", min=0),
            Column("as_of", "date"),
            Column("source", "text", pattern=r"https?://\S+", description="a web address (https://…)"),
        ),
        unique=("metric",),
    )


def load_public_intentions(path: str | Path, area: pd.DataFrame) -> pd.DataFrame:
    """The named municipalities, checked: every code must be a 2020 code in the analysis area."""
    df = read_raw_table(path, public_intentions_schema())
    known = set(area["municipality_code"])
    problems = [
        InputProblem(str(path), i + 1, "municipality_code", f"{c} is not a 2020 municipality in the analysis area")
        for i, c in enumerate(df["municipality_code"])
        if c not in known
    ]
    if problems:
        raise InputError(problems)
    return df


@dataclass(frozen=True)
class IntentionsAggregate:
    """KS's published aggregate: signed municipalities, municipalities in KS's area, population share."""

    signed: int
    in_area: int
    population_share: float
    not_signed: int
    actively_not_signing: int
    as_of: pd.Timestamp
    source: str


def load_intentions_aggregate(path: str | Path) -> IntentionsAggregate:
    """Read the aggregate; every metric must be present and signed + not signed must equal the area."""
    df = read_raw_table(path, intentions_aggregate_schema()).set_index("metric")
    missing = [m for m in AGGREGATE_METRICS if m not in df.index]
    if missing:
        raise InputError([InputProblem(str(path), None, "metric", f"missing: {', '.join(missing)}")])
    v = df["value"]
    agg = IntentionsAggregate(
        signed=int(v["municipalities_signed"]),
        in_area=int(v["municipalities_in_area"]),
        population_share=float(v["population_share_signed"]),
        not_signed=int(v["municipalities_not_signed"]),
        actively_not_signing=int(v["municipalities_actively_not_signing_approx"]),
        as_of=pd.Timestamp(df.loc["municipalities_signed", "as_of"]),  # type: ignore[arg-type]  # pandas-stubs: a cell may be any scalar
        source=str(df.loc["municipalities_signed", "source"]),
    )
    if agg.signed + agg.not_signed != agg.in_area:
        raise InputError(
            [
                InputProblem(
                    str(path), None, "value", f"signed ({agg.signed}) + not signed ({agg.not_signed}) ≠ {agg.in_area}"
                )
            ]
        )
    return agg


def public_status_by_municipality(area: pd.DataFrame, named: pd.DataFrame) -> pd.DataFrame:
    """Every municipality of the area with its public status (``not_named`` where no source names it)."""
    out = area[["municipality_code", "municipality_name", "population"]].merge(
        named[["municipality_code", "status", "date_or_as_of", "source"]], on="municipality_code", how="left"
    )
    out["status"] = out["status"].fillna("not_named")
    return out.rename(columns={"status": "public_status"}).reset_index(drop=True)


def public_key_figures(status: pd.DataFrame, agg: IntentionsAggregate) -> pd.DataFrame:
    """What is known, one row per fact: KS's aggregate (signed, not signed, actively not signing) and the
    municipalities named in public sources by status, with population shares where they are known."""
    total = status["population"].sum()
    ks_date = agg.as_of.date().isoformat()
    rows = [
        {
            "basis": "ks_signed",
            "municipalities": agg.signed,
            "population_share": agg.population_share,
            "as_of": ks_date,
            "source": agg.source,
        },
        {
            "basis": "ks_not_signed",
            "municipalities": agg.not_signed,
            "population_share": 1 - agg.population_share,
            "as_of": ks_date,
            "source": agg.source,
        },
        {
            "basis": "ks_actively_not_signing",
            "municipalities": agg.actively_not_signing,
            "population_share": None,
            "as_of": ks_date,
            "source": agg.source,
        },
    ]
    for code in ("signed", "declined", "unknown", "not_named"):
        named = status[status["public_status"] == code]
        sources = sorted({u for s in named["source"].dropna() for u in str(s).split(" ; ")})
        rows.append(
            {
                "basis": f"named_{code}",
                "municipalities": len(named),
                "population_share": named["population"].sum() / total,
                "as_of": "2020-07-01" if code != "not_named" else None,
                "source": " ; ".join(sources) if sources else None,
            }
        )
    return pd.DataFrame(rows)


def largest_not_known_signed(ranked: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """The ``n`` largest municipalities (``ranked`` by population, with ``public_status``) that no public
    source names as signed, with the share of the area's population each would add."""
    out = ranked[ranked["public_status"] != "signed"].head(n).copy()
    out["adds_share"] = out["population"] / ranked["population"].sum()
    return out[["rank", "municipality_code", "municipality_name", "population", "adds_share", "public_status"]]
