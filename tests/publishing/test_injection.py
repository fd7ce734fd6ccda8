"""Nothing executable reaches an output: text from inputs is escaped in the appendices (no tags, no
``javascript:`` links), and a text cell that a spreadsheet would run as a formula is written as text in the
CSV files and the workbook (OWASP's CSV-injection rule)."""

from __future__ import annotations

import html
import re

import openpyxl
import pandas as pd
import pytest

from ejournal_lib.common.tables_io import read_table, write_table
from ejournal_lib.publishing.display import md_text

#: What an attacker types into a free-text field (a change's title, a plan's owner, a municipality's name).
PAYLOADS = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[Les mer](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    '=HYPERLINK("http://evil.example","klikk")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+47 22 00 00 00",
    "se http://evil.example eller www.evil.example",
    "-2+3",
    "\t=1+1",
)


def live_markup(html: str) -> list[tuple]:
    """Every tag (with its attributes) in ``html`` that is not plain emphasis: what a browser would act on."""
    from html.parser import HTMLParser

    found = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in ("p", "strong", "em") or attrs:
                found.append((tag, attrs))

    Tags().feed(html)
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_input_text_in_markdown_renders_as_its_characters(payload):
    from nbconvert.filters.markdown import markdown2html  # the renderer the appendices go through

    rendered = markdown2html(f"**Endring.** {md_text(payload)} *Begrunnelse:* slutt")
    assert live_markup(rendered) == [], rendered
    assert "<strong>Endring.</strong>" in rendered and "<em>Begrunnelse:</em>" in rendered  # ours still works
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert " ".join(payload.split()) in shown


def test_formula_text_is_text_in_the_csv_and_read_back_unchanged(tmp_path):
    df = pd.DataFrame({"title": [*PAYLOADS, "'sitert", "vanlig"], "value": range(len(PAYLOADS) + 2)})
    path = write_table(df, "t", tmp_path)
    cells = pd.read_csv(path, dtype=str, keep_default_na=False)["title"]
    assert not cells.str.match(r"^[=+\-@\t\r]").any()  # what a spreadsheet opening the CSV sees
    pd.testing.assert_frame_equal(read_table(path), df)


def test_formula_text_is_text_in_the_workbook(tmp_path):
    from ejournal_lib.publishing.workbook import write_workbook
    from tests.pipeline.helpers import workbook_sheets

    processed = tmp_path / "processed"
    df = pd.DataFrame({"title": list(PAYLOADS), "npv_mnok": range(len(PAYLOADS))})
    write_table(df, "npv_bridge", processed, meta={"caption": "Bro", "synthetic": False})
    book = write_workbook(tmp_path / "t.xlsx", processed, {"npv_bridge": "governance"}, {}, {"governance": "Styring"})
    ws = openpyxl.load_workbook(book)[workbook_sheets(book)["npv_bridge"]]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert {str(c.value) for c in cells} >= set(PAYLOADS)


def test_key_figures_in_the_workbook_are_formatted_by_their_unit(tmp_path):
    """A probability as a percentage, a year and a seed as whole numbers, money with thousands (not every
    value as #,##0.0)."""
    from ejournal_lib.publishing.workbook import write_workbook
    from tests.pipeline.helpers import workbook_sheets

    processed = tmp_path / "processed"
    summary = pd.DataFrame(
        {
            "metric": ["npv_mnok", "mc_prob_negative", "year_turning_positive", "seed"],
            "value": [4500.4, 0.43, 2038.0, 20200301.0],
            "unit": ["mnok", "share", "year", "code"],
        }
    )
    write_table(summary, "cba_summary", processed, meta={"caption": "Nøkkeltall", "synthetic": False})
    book = write_workbook(tmp_path / "t.xlsx", processed, {"cba_summary": "cba"}, {}, {"cba": "Analyse"})
    ws = openpyxl.load_workbook(book)[workbook_sheets(book)["cba_summary"]]
    column = [c.value for c in ws[1]].index("Verdi") + 1
    assert [ws.cell(row=r, column=column).number_format for r in range(2, 6)] == ["#,##0", "0.0%", "0", "0"]
