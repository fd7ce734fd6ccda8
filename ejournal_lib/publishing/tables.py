"""Showing tables in an appendix: every table shown is also written to ``data/processed/<name>.csv``.

The CSV (and so the workbook) keeps codes and full precision; the appendix shows Norwegian headers, words
for codes and Norwegian number formats, all from the label catalogue. A suppressed cell shows "–". A table
built from synthetic example data says so in its caption. The file a table comes from is not shown beside
it: the appendix's "Sporbarhet" section lists every table with its file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ejournal_lib.common.formatting import SUPPRESSED, fmt_number, fmt_value
from ejournal_lib.common.labels import cell_words, column_spec, label
from ejournal_lib.common.tables_io import write_table
from ejournal_lib.publishing.data_status import EXAMPLE_MARK
from ejournal_lib.publishing.display import display_html
from ejournal_lib.publishing.render import render_template

__all__ = ["publish_table", "publish_result", "show_table", "to_html_table"]

_NUMERIC_FORMATS = {"int", "dec1", "dec2", "dec3", "mnok", "mnok1", "nok", "percent", "percent0"}


#: A table of at most this many rows is never split across pages (its caption, rows and notes stay together).
#: Twelve: a longer table with wrapped cells would leave most of a page empty before it.
KEEP_WHOLE_ROWS = 12


def _cell(value, spec, fmt: str, suppressed: bool, missing: str = "") -> str:
    empty = value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))  # None, NaN, NA, NaT
    if suppressed and empty:
        return SUPPRESSED
    if empty and missing:
        return missing
    if spec.domain and not empty:
        return cell_words(value, spec)
    return fmt_value(value, fmt)


def to_html_table(
    df: pd.DataFrame,
    table: str | None = None,
    caption: str | None = None,
    formats: Mapping[str, str] | None = None,
    notes=(),
    source: str | None = None,
    css_class: str = "ej-table",
    suppressed=None,
    missing: str = "",
) -> str:
    """Render ``df`` as an HTML table with headers, words and formats from the label catalogue
    (``table`` selects the catalogue's per-table entries; ``formats`` overrides a column's format).
    ``suppressed`` flags rows whose empty cells are suppressed (default: the ``suppressed`` column);
    ``missing`` is what other empty cells say (e.g. "ikke innen 2040")."""
    formats = dict(formats or {})
    specs = [column_spec(c, table) for c in df.columns]
    fmts = [formats.get(s.name, s.format) for s in specs]
    if suppressed is None:
        suppressed = df["suppressed"] if "suppressed" in df.columns else [False] * len(df)
    flags = [bool(x) for x in suppressed]
    rows = []
    for record, sup in zip(df.itertuples(index=False, name=None), flags):
        rows.append(
            [(_cell(v, s, f, bool(sup), missing), f in _NUMERIC_FORMATS) for v, s, f in zip(record, specs, fmts)]
        )
    return render_template(
        "table.html.j2",
        css_class=css_class,
        caption=caption,
        headers=[s.label for s in specs],
        rows=rows,
        notes=list(notes),
        source=source,
        keep=len(rows) <= KEEP_WHOLE_ROWS,
    )


def publish_table(
    df: pd.DataFrame,
    name: str,
    processed_dir: str | Path,
    *,
    caption: str,
    columns: list[str] | None = None,
    formats: Mapping[str, str] | None = None,
    note: str | None = None,
    show: bool = True,
    max_rows: int | None = None,
    filterable: bool = False,
    synthetic: bool = False,
    missing: str = "",
    data_status: str | None = None,
    data_kinds: tuple[str, ...] = (),
):
    """Write ``df`` to ``<processed_dir>/<name>.csv`` and show it with Norwegian words and formats.

    ``caption`` is the table title (with units and source); ``columns`` the columns shown (the CSV and the
    workbook hold all); ``max_rows`` shows only the first rows; ``filterable`` adds a filter box in HTML;
    ``missing`` is what empty cells say; ``synthetic`` marks a table built from synthetic example data
    (caption and workbook); ``show=False``
    writes the table for the workbook only (the appendix lists it in its closing section). ``data_status``
    (``example``, ``public`` or ``mixed``) and ``data_kinds`` (what the table rests on, said under it) are what
    :func:`publish_result` found by lineage.
    """
    for c in df.columns:  # every column needs its words for the workbook: fail here, not when publishing
        column_spec(c, name)
    if synthetic:
        caption = f"{caption} ({EXAMPLE_MARK})"
    status = data_status or ("example" if synthetic else "public")
    meta = {"caption": caption, "synthetic": bool(synthetic), "data_status": status, "data_kinds": list(data_kinds)}
    write_table(df, name, processed_dir, meta=meta)
    shown = df if max_rows is None else df.head(max_rows)
    flags = shown["suppressed"].to_numpy() if "suppressed" in shown.columns else None
    if columns is not None:
        shown = shown[list(columns)]
    if not show:  # not shown here, but listed in the closing section with its file
        return display_html(render_template("workbook_only.html.j2", source=f"{name}.csv", caption=caption), True)
    notes = []
    if max_rows is not None and len(df) > max_rows:
        notes.append(f"Viser de {max_rows} første av {fmt_number(len(df))} rader; alle ligger i arbeidsboken.")
    if note:
        notes.append(note)
    if data_kinds:
        notes.append(f"Datagrunnlag: {cell_words(','.join(data_kinds), column_spec('data_basis'))}.")
    body = to_html_table(
        shown,
        name,
        caption,
        formats,
        notes,
        f"{name}.csv",
        css_class="ej-table ej-filterable" if filterable else "ej-table",
        suppressed=flags,
        missing=missing,
    )
    return display_html(body, show)


def mixed_caption(caption: str) -> str:
    """``caption`` marked as resting partly on synthetic example data (the column «Datagrunnlag» says where)."""
    words = label("data_basis", "mixed")
    return f"{caption} ({words[0].lower()}{words[1:]})"


def lineage_caption(results, name: str, caption: str) -> str:
    """``caption`` of a table shown from node ``name``, marked as its lineage says: «eksempeldata» when every
    row rests on synthetic example data, partly when some do."""
    from ejournal_lib.results.lineage import EXAMPLE

    example = results.row_data_status(name) == EXAMPLE
    if len(example) and example.all():
        return f"{caption} ({EXAMPLE_MARK})"
    return mixed_caption(caption) if example.any() else caption


def publish_result(results, name: str, processed_dir: str | Path, *, caption: str, columns=None, **kwargs):
    """Publish the result graph's node ``name`` (:func:`publish_table`), marked by its lineage, never by hand:
    the kinds of data it rests on are said under it; it is marked synthetic when every row rests on synthetic
    example data; where rows rest on different kinds, a ``data_basis`` column (shown) says which, and the caption
    says so when only some rows are synthetic."""
    from ejournal_lib.results import lineage
    from ejournal_lib.results.lineage import EXAMPLE

    df = results.get(name)
    rows = results.row_data_kinds(name)
    if rows.nunique() > 1 and "data_basis" not in df.columns:  # else the table's own column already says it
        df = df.assign(data_basis=rows.to_numpy())
        columns = [*columns, "data_basis"] if columns is not None else None
    example = rows.map(lambda joined: EXAMPLE in joined.split(","))
    mixed = bool(example.any() and not example.all())
    if mixed:
        caption = mixed_caption(caption)
    return publish_table(
        df,
        name,
        processed_dir,
        caption=caption,
        columns=columns,
        synthetic=bool(len(rows) and example.all()),
        data_status="mixed" if mixed else None,
        data_kinds=lineage.ordered(lineage.kinds_in(rows)),
        **kwargs,
    )


def show_table(
    df: pd.DataFrame,
    *,
    caption: str,
    table: str | None = None,
    columns: list[str] | None = None,
    formats: Mapping[str, str] | None = None,
    note: str | None = None,
    source: str | None = None,
    show: bool = True,
    synthetic: bool = False,
):
    """Show a table built for reading only (nothing written; ``source`` names the CSV that holds its data);
    headers and words from the catalogue; ``synthetic`` marks the caption as for :func:`publish_table`."""
    if synthetic:
        caption = f"{caption} ({EXAMPLE_MARK})"
    flags = df["suppressed"].to_numpy() if "suppressed" in df.columns else None
    shown = df[list(columns)] if columns is not None else df
    return display_html(
        to_html_table(shown, table, caption, formats, [note] if note else [], source, suppressed=flags), show
    )
