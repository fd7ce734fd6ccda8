"""The workbook (``reports/tabeller.xlsx``): every published table, one sheet each, with Norwegian headers and
words from the label catalogue, numbers kept numeric, and a data dictionary mapping headers to codes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ejournal_lib.common.labels import data_dictionary, relabel
from ejournal_lib.common.tables_io import read_table

__all__ = ["write_workbook", "sheet_names"]

_DICTIONARY_SHEET = "Dataordbok"


def sheet_names(tables: list[str]) -> dict[str, str]:
    """A unique sheet name (≤ 31 characters, Excel's limit) for each table."""
    used, out = {_DICTIONARY_SHEET}, {}
    for t in tables:
        sheet, i = t[:31], 1
        while sheet in used:
            sheet = f"{t[:28]}_{i}"
            i += 1
        used.add(sheet)
        out[t] = sheet
    return out


def write_workbook(path: Path, processed: Path, tables: list[str]) -> Path:
    """Write the tables found in ``processed`` into ``path`` atomically; returns the path."""
    tmp = path.with_name(path.stem + ".tmp.xlsx")
    present = [t for t in tables if (processed / f"{t}.csv").is_file()]
    frames = {t: read_table(processed / f"{t}.csv") for t in present}
    shown = {t: relabel(df, t) for t, df in frames.items()}  # before opening the file: a missing label fails here
    dictionary = data_dictionary({t: list(df.columns) for t, df in frames.items()}).rename(
        columns={
            "table": "Tabell",
            "column": "Kode (kolonne)",
            "header": "Overskrift",
            "description": "Beskrivelse",
            "codes": "Koder",
        }
    )
    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            if not present:
                pd.DataFrame({"Melding": ["Ingen tabeller ble produsert."]}).to_excel(
                    xl, sheet_name="Info", index=False
                )
            for t, sheet in sheet_names(present).items():
                shown[t].to_excel(xl, sheet_name=sheet, index=False)
            dictionary.to_excel(xl, sheet_name=_DICTIONARY_SHEET, index=False)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
