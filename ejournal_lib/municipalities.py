"""Municipalities and their population (Statistics Norway, 2020 borders), and the area outside Midt-Norge.

Midt-Norge (Helse Midt-Norge, covered by Helseplattformen) is counties 15 Møre og Romsdal and 50 Trøndelag.
Which municipalities are excluded is a parameter, so that e.g. Bindal (1811) can be excluded as a
sensitivity case.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .validation import Column, TableSchema, read_raw_table, register_schema

__all__ = ["population_schema", "midt_norge_schema", "load_population", "load_midt_norge",
           "outside_midt_norge", "MIDT_NORGE_COUNTIES"]

MIDT_NORGE_COUNTIES = ("15", "50")
_CODE = r"\d{4}"


@register_schema(r"population_municipality_\d{4}\.csv")
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


@register_schema(r"midt_norge_municipalities_\d{4}\.csv")
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
