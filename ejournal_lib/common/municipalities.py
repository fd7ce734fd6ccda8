"""Municipalities and their population (Statistics Norway, 2020 borders), and the area outside Midt-Norge.

Midt-Norge (Helse Midt-Norge, covered by Helseplattformen) is counties 15 Møre og Romsdal and 50 Trøndelag.
Which municipalities are excluded is a parameter, so that e.g. Bindal (1811) can be excluded as a
sensitivity case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ejournal_lib.common.validation import Column, TableSchema, read_raw_table

__all__ = [
    "population_schema",
    "nearest_code",
    "midt_norge_schema",
    "crosswalk_schema",
    "load_population",
    "load_midt_norge",
    "load_crosswalk",
    "outside_midt_norge",
    "fewest_to_reach",
    "suggest_2020_code",
    "map_2019_to_2020",
    "MIDT_NORGE_COUNTIES",
    "size_class",
    "SIZE_CLASSES",
]

MIDT_NORGE_COUNTIES = ("15", "50")
_CODE = r"\d{4}"


def population_schema() -> TableSchema:
    return TableSchema(
        name="population",
        columns=(
            Column("municipality_code", "code", pattern=_CODE),
            Column("municipality_name"),
            Column("county_code", "code", pattern=r"\d{2}"),
            Column("county_name"),
            Column("population", "int", min=0),
            Column("year", "int", min=1900, max=2100),
            Column("reference_date", "date"),
            Column("in_midt_norge", "bool"),
        ),
        unique=("municipality_code",),
        description="Resident population per municipality on 1 January (SSB table 07459)",
    )


def midt_norge_schema() -> TableSchema:
    return TableSchema(
        name="midt_norge",
        columns=(
            Column("municipality_code", "code", pattern=_CODE),
            Column("municipality_name"),
            Column("county_code", "code", allowed=frozenset(MIDT_NORGE_COUNTIES)),
            Column("county_name"),
            Column("helseforetak"),
            Column("population_2020", "int", min=0),
        ),
        unique=("municipality_code",),
    )


def load_population(path: str | Path) -> pd.DataFrame:
    """Population per municipality, validated; columns as in the raw file, codes as text."""
    return read_raw_table(path, population_schema())


def load_midt_norge(path: str | Path) -> pd.DataFrame:
    return read_raw_table(path, midt_norge_schema())


def outside_midt_norge(population: pd.DataFrame, excluded_codes) -> pd.DataFrame:
    """The municipalities outside the excluded set, largest first (ties by code), with population shares.

    Adds ``share_of_outside`` (population / total outside), ``rank``, ``cumulative_population`` and
    ``cumulative_share``.
    """
    excluded = {str(c) for c in excluded_codes}
    out = population[~population["municipality_code"].isin(excluded)].copy()
    out = out.sort_values(["population", "municipality_code"], ascending=[False, True]).reset_index(drop=True)
    total = out["population"].sum()
    out["share_of_outside"] = out["population"] / total
    out["rank"] = range(1, len(out) + 1)
    out["cumulative_population"] = out["population"].cumsum()
    out["cumulative_share"] = out["cumulative_population"] / total
    return out


def crosswalk_schema() -> TableSchema:
    return TableSchema(
        name="crosswalk",
        columns=(
            Column("municipality_code_2019", "code", pattern=_CODE),
            Column("municipality_name_2019"),
            Column("county_code_2019", "code", pattern=r"\d{2}"),
            Column("population_2019", "int", min=0),
            Column("municipality_code_2020", "code", pattern=_CODE),
            Column("municipality_name_2020"),
            Column("county_code_2020", "code", pattern=r"\d{2}"),
            Column("split_2019_municipality", "bool"),
        ),
        unique=("municipality_code_2019", "municipality_code_2020"),
    )


def load_crosswalk(path: str | Path) -> pd.DataFrame:
    """The 2019 → 2020 crosswalk: one row per (2019, 2020) pair; split 2019 municipalities flagged."""
    return read_raw_table(path, crosswalk_schema())


def fewest_to_reach(ranked: pd.DataFrame, share: float) -> pd.DataFrame:
    """The fewest municipalities, largest first, whose cumulative population reaches ``share`` of the total
    (``ranked`` as returned by :func:`outside_midt_norge`)."""
    k = int((ranked["cumulative_share"] < share - 1e-12).sum()) + 1
    return ranked.head(k)


def suggest_2020_code(code: str, crosswalk: pd.DataFrame) -> str | None:
    """The 2020 code(s) a 2019 code became, as text (e.g. '3024' or '1806/1875' for a split), else None."""
    rows = crosswalk[crosswalk["municipality_code_2019"] == str(code)]
    if rows.empty:
        return None
    return "/".join(sorted(rows["municipality_code_2020"].unique()))


def map_2019_to_2020(
    df: pd.DataFrame, crosswalk: pd.DataFrame, code_col: str = "municipality_code", sum_cols: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Map rows keyed by 2019 codes to 2020 codes.

    Merged municipalities are summed over ``sum_cols`` (other columns must agree, else the row is flagged).
    Split 2019 municipalities are never summed: they are returned in the second frame (``flagged``) with the
    2020 codes they were split into, for the analyst to assign by hand. Returns ``(mapped, flagged)``.
    """
    cw = crosswalk[["municipality_code_2019", "municipality_code_2020", "split_2019_municipality"]]
    merged = df.merge(cw, left_on=code_col, right_on="municipality_code_2019", how="left")
    unknown = merged["municipality_code_2020"].isna()
    split = merged["split_2019_municipality"].fillna(False).astype(bool)
    flagged = merged[split | unknown].copy()
    flagged["reason"] = flagged["split_2019_municipality"].map({True: "split"}).fillna("unknown_2019_code")
    flagged = flagged.groupby(code_col, as_index=False).agg(
        municipality_codes_2020=("municipality_code_2020", lambda s: "/".join(sorted(s.dropna()))),
        reason=("reason", "first"),
    )
    ok = merged[~split & ~unknown]
    other = [c for c in df.columns if c != code_col and c not in sum_cols]
    agg: dict[str, Any] = {c: "sum" for c in sum_cols}
    agg.update({c: (lambda s: s.iloc[0] if s.nunique(dropna=False) == 1 else None) for c in other})
    mapped = (
        ok.groupby("municipality_code_2020", as_index=False).agg(agg)
        if agg
        else ok[["municipality_code_2020"]].drop_duplicates()
    )
    mapped["merged_from"] = (
        ok.groupby("municipality_code_2020")[code_col]
        .agg(lambda s: "/".join(sorted(s)))
        .reindex(mapped["municipality_code_2020"])
        .to_numpy()
    )
    return mapped.rename(columns={"municipality_code_2020": code_col}), flagged


#: Municipality size classes by population (upper bounds exclusive), for tables by municipality size
#: (labels: the catalogue's ``size_class`` domain).
SIZE_CLASSES = (
    (5_000, "under_5000"),
    (20_000, "from_5000_to_19999"),
    (50_000, "from_20000_to_49999"),
    (float("inf"), "from_50000"),
)


def size_class(population) -> pd.Series:
    """Size-class code for each population figure (an ordered categorical)."""
    pop = pd.Series(population)
    labels = [label for _, label in SIZE_CLASSES]
    bins = [-1] + [b for b, _ in SIZE_CLASSES]
    return pd.cut(pop, bins=bins, labels=labels, right=False)


def nearest_code(code: str, valid) -> str | None:
    """The valid code one mistyped digit away (the numerically nearest if several), or None.

    >>> nearest_code("0302", {"0301", "3024", "4601"}), nearest_code("9999", {"0301"})
    ('0301', None)
    """
    code = str(code).strip()
    near = [v for v in valid if len(v) == len(code) and sum(a != b for a, b in zip(v, code)) == 1]
    if not near or not code.isdigit():
        return None
    return min(near, key=lambda v: (abs(int(v) - int(code)), v))
