"""Readable pages: a short table keeps its caption, rows and notes on one page; no table ends with one row
alone on a page (rules of the appendix style sheet, applied by WeasyPrint)."""

import pandas as pd

from ejournal_lib.publishing.tables import KEEP_WHOLE_ROWS, to_html_table


def test_a_short_table_is_kept_whole_and_a_long_one_may_break():
    short = to_html_table(pd.DataFrame({"municipalities": range(KEEP_WHOLE_ROWS)}), caption="Kort", notes=["Merknad"])
    long = to_html_table(pd.DataFrame({"municipalities": range(KEEP_WHOLE_ROWS + 1)}), caption="Lang")
    assert 'class="ej-table-wrap ej-keep"' in short and "ej-keep" not in long


def test_the_style_sheet_keeps_short_tables_and_last_rows_together(root):
    css = (root / "ejournal_lib" / "publishing" / "templates" / "appendix.css").read_text(encoding="utf-8")
    assert ".ej-keep { page-break-inside: avoid; }" in css
    assert "tbody tr:last-child { page-break-before: avoid; }" in css
    assert "tbody tr:nth-last-child(-n+3) { page-break-before: avoid; }" in css
    assert "tbody tr:nth-child(-n+3) { page-break-after: avoid; }" in css
