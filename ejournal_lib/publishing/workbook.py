"""The workbook (``reports/tabeller.xlsx``), fit to attach: a first sheet "Les meg" (what each sheet holds, its
full title, the appendix it belongs to, scenario, commit and date, and whether it is built from synthetic
example data), then every published table on its own sheet with Norwegian headers and words from the label
catalogue, numbers kept numeric with number formats, suppressed cells empty with their flag, frozen headers
and sensible widths, and last a data dictionary mapping every header back to its code."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ejournal_lib.common.formatting import fmt_date
from ejournal_lib.common.labels import cell_words, column_spec, data_dictionary, label, relabel
from ejournal_lib.common.tables_io import read_table, read_table_meta
from ejournal_lib.publishing.data_status import EXAMPLE_DATA_LABEL

__all__ = ["write_workbook", "sheet_names", "README_SHEET", "DICTIONARY_SHEET"]

README_SHEET = "Les meg"
DICTIONARY_SHEET = "Dataordbok"
#: Excel number formats for the catalogue's formats (values stay numbers; only the display changes).
_NUMBER_FORMATS = {
    "int": "#,##0",
    "dec1": "#,##0.0",
    "dec2": "#,##0.00",
    "dec3": "#,##0.000",
    "mnok": "#,##0",
    "mnok1": "#,##0.0",
    "nok": "#,##0",
    "percent": "0.0%",
    "percent0": "0%",
    "year": "0",
    "as_typed": "General",
}
#: The number format of a value by the unit its row states (a table with ``value`` and ``unit`` columns, such
#: as the key figures: a share as a percentage, a year or a seed as a plain whole number).
_UNIT_FORMATS = {
    "mnok": "#,##0",
    "mnok_per_year": "#,##0",
    "nok": "#,##0",
    "share": "0.0%",
    "ratio": "0.00",
    "year": "0",
    "code": "0",
    "count": "#,##0",
    "number": "#,##0.##",
}
_HEADER = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="14365D")
_SYNTHETIC_TAB = "E39C37"


#: Characters Excel refuses in a sheet name, and what stands for them.
_SHEET_CHARACTERS = str.maketrans({":": " –", "/": "-", "\\": "-", "?": "", "*": "", "[": "(", "]": ")"})


def _status(meta: dict) -> str:
    """A table's data status as published (``example``, ``public``, ``mixed``); older metadata: its flag."""
    return meta.get("data_status") or ("example" if meta.get("synthetic") else "public")


def _basis_words(meta: dict) -> str:
    """What a table rests on, in words: its kinds of data (found by lineage), and whether it is synthetic."""
    status, kinds = _status(meta), meta.get("data_kinds") or []
    if not kinds:  # metadata written before the kinds
        return EXAMPLE_DATA_LABEL if status == "example" else label("data_basis", status)
    words = cell_words(",".join(kinds), column_spec("data_basis"))
    return f"{label('data_basis', 'mixed')}: {words}" if status == "mixed" else words


def sheet_names(captions: dict[str, str]) -> dict[str, str]:
    """A unique Norwegian sheet name for each table (``captions``: table → title): the title without its final
    parenthesis, cut between words to Excel's 31 characters ("…" marks a cut); "Les meg" gives the full title
    and the table's file. ``sheet_names({"t": "Nøkkeltall (mill. kr)"}) == {"t": "Nøkkeltall"}``"""
    used, out = {README_SHEET.lower(), DICTIONARY_SHEET.lower()}, {}
    for table, caption in captions.items():
        name = " ".join(re.sub(r"\s*\([^()]*\)$", "", caption or table).translate(_SHEET_CHARACTERS).split())
        name = name.strip("'") or table[:31]
        if len(name) > 31:  # as many whole words as fit beside the "…"
            words = name.split(" ")
            fits = (" ".join(words[:n]) for n in range(len(words) - 1, 0, -1) if len(" ".join(words[:n])) <= 30)
            name = next(fits, name[:30]).rstrip(" –,;") + "…"
        base, i = name, 2
        while name.lower() in used:  # Excel compares sheet names without case
            name = f"{base[: 31 - len(f' ({i})')]} ({i})"
            i += 1
        used.add(name.lower())
        out[table] = name
    return out


def _readme(tables: dict, sheets: dict, metas: dict, frames: dict, titles: dict, prov: dict, files_in: str | None):
    git = prov.get("git", {}) or {}
    started = str(prov.get("started_utc", ""))
    facts = pd.DataFrame(
        {
            "Felt": ["Innhold", "Scenario", "Scenariofil", "Git-commit", "Kjørt", "Eksempeldata"],
            "Verdi": [
                "Alle tabeller i vedleggene, én per ark; koder og kolonnenavn står i arket «Dataordbok».",
                prov.get("scenario_name", ""),
                prov.get("scenario_path", ""),
                (git.get("commit") or "ukjent") + (" (med ulagrede endringer)" if git.get("dirty") else ""),
                (fmt_date(started[:10]) + " " + started[11:16] + " UTC") if started else "",
                f"Ark merket «{EXAMPLE_DATA_LABEL}» bygger på syntetiske eksempeldata og sier ingenting "
                "om faktiske kommuner; i ark merket «delvis» sier kolonnen «Datagrunnlag» hvilke rader. Fanene deres "
                "er oransje.",
            ],
        }
    )
    rows = [
        {
            "Ark": sheets[t],
            "Tittel": metas[t].get("caption") or t,
            "Vedlegg": titles.get(tables[t], tables[t]),
            "Datagrunnlag": _basis_words(metas[t]),
            "Rader": len(frames[t]),
            "Fil": f"{files_in or 'data/processed/' + str(prov.get('scenario_name', ''))}/{t}.csv",
        }
        for t in sheets
    ]
    return facts, pd.DataFrame(rows)


def _text_not_formulas(ws) -> None:
    """Every cell is a value: text that starts with "=" (from an input, say a change's title) is written as
    text, never as a formula Excel would run (the workbook holds no formulas of its own)."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _style(ws, frame: pd.DataFrame, formats: list[str] | None = None, wrap: bool = False) -> None:
    """Header style, frozen header row, number formats per column and widths from the content."""
    ws.freeze_panes = "A2"
    for j, column in enumerate(frame.columns, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font, cell.fill = _HEADER, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        fmt = _NUMBER_FORMATS.get(formats[j - 1]) if formats else None
        if fmt:
            for (c,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                c.number_format = fmt
        elif wrap:
            for (c,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                c.alignment = Alignment(wrap_text=True, vertical="top")
        longest = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200) if pd.notna(v)])
        ws.column_dimensions[get_column_letter(j)].width = min(max(10, longest + 2), 60)


def _formats_by_unit(ws, frame: pd.DataFrame) -> None:
    """Per row, the ``value`` column's number format from the row's ``unit`` (codes, before relabelling)."""
    if not {"value", "unit"} <= set(frame.columns):
        return
    j = list(frame.columns).index("value") + 1
    for i, unit in enumerate(frame["unit"], start=2):
        ws.cell(row=i, column=j).number_format = _UNIT_FORMATS.get(str(unit), "General")


def write_workbook(
    path: Path, processed: Path, tables: dict[str, str], prov: dict, titles: dict[str, str], files_in: str | None = None
) -> Path:
    """Write the tables found in ``processed`` (``tables``: table → the notebook that writes it; ``titles``:
    notebook → appendix title; ``prov``: the run's provenance; ``files_in``: the folder "Les meg" names for
    the CSV files, default the scenario's ``data/processed/<scenario>``) into ``path`` atomically."""
    tmp = path.with_name(path.stem + ".tmp.xlsx")
    present = {t: n for t, n in tables.items() if (processed / f"{t}.csv").is_file()}
    frames = {t: read_table(processed / f"{t}.csv") for t in present}
    metas = {t: read_table_meta(processed, t) for t in present}
    shown = {t: relabel(df, t) for t, df in frames.items()}  # before opening the file: a missing label fails here
    formats = {t: [column_spec(c, t).format for c in df.columns] for t, df in frames.items()}
    sheets = sheet_names({t: metas[t].get("caption", "") for t in present})
    facts, contents = _readme(present, sheets, metas, frames, titles, prov, files_in)
    dictionary = data_dictionary({t: list(df.columns) for t, df in frames.items()})
    dictionary.insert(0, "sheet", dictionary["table"].map(sheets))
    dictionary = dictionary.rename(
        columns={
            "sheet": "Ark",
            "table": "Tabell (fil)",
            "column": "Kode (kolonne)",
            "header": "Overskrift",
            "description": "Beskrivelse",
            "codes": "Koder",
        }
    )
    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            facts.to_excel(xl, sheet_name=README_SHEET, index=False)
            contents.to_excel(xl, sheet_name=README_SHEET, index=False, startrow=len(facts) + 2)
            ws = xl.sheets[README_SHEET]
            ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 34, 90
            for col in "CDEF":
                ws.column_dimensions[col].width = 40 if col in "CD" else 30
            for cell in ws[1] + ws[len(facts) + 3]:
                cell.font, cell.fill = _HEADER, _HEADER_FILL
            for t, sheet in sheets.items():
                shown[t].to_excel(xl, sheet_name=sheet, index=False)
                ws = xl.sheets[sheet]
                _style(ws, shown[t], formats[t])
                _formats_by_unit(ws, frames[t])
                if _status(metas[t]) in ("example", "mixed"):
                    ws.sheet_properties.tabColor = _SYNTHETIC_TAB
                    ws["A1"].comment = Comment(f"{EXAMPLE_DATA_LABEL}: {metas[t].get('caption', '')}", "ejournal")
                ws.oddHeader.center.text = metas[t].get("caption", t)
            dictionary.to_excel(xl, sheet_name=DICTIONARY_SHEET, index=False)
            _style(xl.sheets[DICTIONARY_SHEET], dictionary, wrap=True)
            for ws in xl.book.worksheets:
                _text_not_formulas(ws)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
