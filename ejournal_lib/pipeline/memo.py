"""A one-page memo of a comparison, ready to paste: its summary, the key figures side by side and the charts,
as an A4 PDF and a Word document (python-docx). The words and numbers are the comparison's own."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd
from docx import Document
from docx.shared import Cm, Pt

from ejournal_lib.publishing.appendix import write_pdf

__all__ = ["write_memo"]

_CSS = """
@page { size: A4; margin: 14mm 16mm; }
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; color: #1b1b1b; }
h1 { font-size: 14pt; margin: 0 0 2mm; } p.sub { color: #14365d; margin: 0 0 3mm; }
ul { margin: 0 0 3mm; padding-left: 5mm; } li { margin-bottom: 1mm; }
table { border-collapse: collapse; margin-bottom: 3mm; } th { background: #14365d; color: white; text-align: left; }
th, td { padding: 0.6mm 2mm; border-bottom: 0.2mm solid #ccc; font-size: 8pt; } td.n { text-align: right; }
img { width: 86mm; } .figs { display: flex; gap: 4mm; } p.note { font-size: 7pt; color: #555; }
"""


def write_memo(
    folder: Path,
    title: str,
    subtitle: str,
    points: list[str],
    table: pd.DataFrame,
    images: list[Path],
    note: str,
) -> tuple[Path, Path]:
    """Write ``memo.pdf`` and ``memo.docx`` into ``folder``: ``title``, ``subtitle``, the ``points``, ``table``
    (reader text in every cell, first row the header) and the ``images`` (PNG files below ``folder``) side by
    side, and ``note``
    (where the figures come from). Returns the two files."""
    rows = "".join(
        "<tr>" + "".join(f'<td class="{"n" if j else ""}">{escape(str(v))}</td>' for j, v in enumerate(r)) + "</tr>"
        for r in table.itertuples(index=False)
    )
    head = "".join(f"<th>{escape(str(c))}</th>" for c in table.columns)
    figs = "".join(f'<img src="{escape(p.relative_to(folder).as_posix())}" alt="{escape(p.stem)}">' for p in images)
    page = (
        f"<!DOCTYPE html><html lang='nb'><head><meta charset='utf-8'><style>{_CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1><p class='sub'>{escape(subtitle)}</p>"
        f"<ul>{''.join(f'<li>{escape(p)}</li>' for p in points)}</ul>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        f"<div class='figs'>{figs}</div><p class='note'>{escape(note)}</p></body></html>"
    )
    pdf = folder / "memo.pdf"
    write_pdf(page, pdf, folder)

    doc = Document()
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(1.6)
        section.top_margin = section.bottom_margin = Cm(1.4)
    doc.add_heading(title, level=1)
    doc.add_paragraph(subtitle)
    for p in points:
        doc.add_paragraph(p, style="List Bullet")
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = "Light Grid Accent 1"
    for cell, name in zip(grid.rows[0].cells, table.columns):
        cell.text = str(name)
    for r in table.itertuples(index=False):
        for cell, v in zip(grid.add_row().cells, r):
            cell.text = str(v)
    for image in images:
        doc.add_picture(str(image), width=Cm(8.6))
    small = doc.add_paragraph(note)
    for run in small.runs:
        run.font.size = Pt(7)
    docx = folder / "memo.docx"
    doc.save(str(docx))
    return pdf, docx
