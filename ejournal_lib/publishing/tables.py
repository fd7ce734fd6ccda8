"""Showing results in an appendix: every table shown is also written to ``data/processed/<name>.csv``.

Tables keep full precision in the CSV (and so in the Excel workbook); the appendix shows them with
Norwegian number formatting. Figures are shown as images with alt text.
"""

from __future__ import annotations

import base64
import html
import io
import logging
import re
from pathlib import Path
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from ejournal_lib.common.formatting import fmt_mnok, fmt_number, fmt_percent

__all__ = ["publish_table", "write_table", "read_table", "show_figure", "show_banner", "EXAMPLE_DATA_LABEL"]

log = logging.getLogger(__name__)

EXAMPLE_DATA_LABEL = "Eksempeldata (syntetiske)"
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

_FORMATTERS: dict[str, Callable] = {
    "int": lambda v: fmt_number(v, 0),
    "dec1": lambda v: fmt_number(v, 1),
    "dec2": lambda v: fmt_number(v, 2),
    "dec3": lambda v: fmt_number(v, 3),
    "percent": lambda v: fmt_percent(v, 1),
    "percent0": lambda v: fmt_percent(v, 0),
    "mnok": lambda v: fmt_mnok(v, 0),
    "mnok1": lambda v: fmt_mnok(v, 1),
    "text": lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v),
}


def write_table(df: pd.DataFrame, name: str, processed_dir: str | Path) -> Path:
    """Write ``df`` to ``<processed_dir>/<name>.csv`` (UTF-8, no index) atomically and return the path."""
    if not _TABLE_NAME.match(name):
        raise ValueError(f"table name {name!r} must be lower_snake_case")
    folder = Path(processed_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    tmp = path.with_suffix(".csv.tmp")
    df.to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(path)
    log.info("wrote %s (%d rows)", path, len(df))
    return path


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a processed table; columns named ``*_code`` or ``code`` stay text (leading zeros kept)."""
    header = pd.read_csv(path, nrows=0).columns
    text_cols = {c: str for c in header if c == "code" or c.endswith("_code")}
    return pd.read_csv(path, dtype=text_cols)


def _default_format(series: pd.Series) -> str:
    if pd.api.types.is_integer_dtype(series) or pd.api.types.is_bool_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "dec1"
    return "text"


def to_html_table(df: pd.DataFrame, formats: Mapping[str, str] | None = None,
                  labels: Mapping[str, str] | None = None, caption: str | None = None,
                  css_class: str = "ej-table") -> str:
    """Render ``df`` as an HTML table with Norwegian number formats (``formats``: column → format name)."""
    formats = dict(formats or {})
    labels = dict(labels or {})
    unknown = set(formats.values()) - set(_FORMATTERS)
    if unknown:
        raise ValueError(f"unknown format(s) {sorted(unknown)}; valid: {sorted(_FORMATTERS)}")
    cols = list(df.columns)
    head = "".join(f"<th>{html.escape(str(labels.get(c, c)))}</th>" for c in cols)
    rows = []
    fmts = {c: _FORMATTERS[formats.get(c) or _default_format(df[c])] for c in cols}
    numeric = {c: formats.get(c, _default_format(df[c])) != "text" for c in cols}
    for record in df.itertuples(index=False, name=None):
        cells = []
        for c, v in zip(cols, record):
            text = v if isinstance(v, str) else fmts[c](v)
            cls = ' class="num"' if numeric[c] else ""
            cells.append(f"<td{cls}>{html.escape(str(text))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="{css_class}">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def publish_table(df: pd.DataFrame, name: str, processed_dir: str | Path, *, caption: str,
                  formats: Mapping[str, str] | None = None, labels: Mapping[str, str] | None = None,
                  note: str | None = None, show: bool = True, max_rows: int | None = None,
                  show_columns: list[str] | None = None, filterable: bool = False):
    """Write ``df`` to ``data/processed/<name>.csv`` and show it in the notebook with Norwegian formatting.

    ``caption`` is the Norwegian table title; ``note`` a footnote (e.g. which interval is shown).
    ``max_rows`` shows only the first rows and ``show_columns`` only some columns (the CSV and the workbook
    always hold all of them). ``filterable`` adds a filter box in the HTML appendix (the PDF shows all rows).
    Returns the IPython HTML object (or the HTML string when IPython is absent).
    """
    write_table(df, name, processed_dir)
    shown = df if max_rows is None else df.head(max_rows)
    if show_columns is not None:
        shown = shown[list(show_columns)]
    body = to_html_table(shown, formats, labels, caption, css_class="ej-table ej-filterable" if filterable else "ej-table")
    extra = ""
    if max_rows is not None and len(df) > max_rows:
        extra = f"<p class='ej-note'>Viser {max_rows} av {fmt_number(len(df))} rader; alle ligger i {name}.csv.</p>"
    if note:
        extra += f"<p class='ej-note'>{html.escape(note)}</p>"
    extra += f"<p class='ej-source'>Tabell: <code>{name}.csv</code></p>"
    return _display(f"<div class='ej-table-wrap'>{body}{extra}</div>", show)


def show_figure(fig, alt: str, show: bool = True, dpi: int = 110):
    """Show a matplotlib figure as a PNG image with alt text (closing the figure)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # pragma: no cover - matplotlib always present in the kernel
        pass
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return _display(f'<figure class="ej-figure"><img src="data:image/png;base64,{data}" '
                    f'alt="{html.escape(alt, quote=True)}"/></figure>', show)


def show_banner(text: str, show: bool = True):
    """Show a visible warning box (e.g. that the appendix is built from example data)."""
    return _display(f'<div class="ej-banner">{html.escape(text)}</div>', show)


def _display(fragment: str, show: bool):
    try:
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover
        return fragment
    obj = HTML(fragment)
    if show:
        display(obj)
        return None
    return obj
