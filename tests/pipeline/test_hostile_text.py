"""Script, markup and formulas typed into the change log reach the governance appendix, its CSV files and
the workbook as the characters they are: nothing runs in a browser or a spreadsheet."""

import re

import openpyxl
import pandas as pd
import pytest
import yaml

from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.runner import failure_summary, run_pipeline

from .helpers import copy_project, workbook_sheets

pytestmark = [pytest.mark.e2e, pytest.mark.slow]  # about 40 s: the governance appendix on hostile text

SCRIPT = "<script>alert('x')</script>"
IMAGE = '<img src=x onerror="alert(1)">'
LINK = "[klikk](javascript:alert(1))"
FORMULA = '=HYPERLINK("http://evil.example","klikk")'


def test_change_log_text_is_shown_not_run(root, tmp_path):
    project = copy_project(root, tmp_path / "p", ["governance"])
    path = project / "data" / "raw" / "change_log.yaml"
    log = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = log["changes"][0]
    first["title"], first["rationale"], first["description"] = FORMULA, f"{SCRIPT} {LINK}", IMAGE
    first["status_history"][0]["by"] = SCRIPT
    path.write_text(yaml.safe_dump(log, allow_unicode=True, sort_keys=False), encoding="utf-8")

    report = run_pipeline(ProjectPaths.at(project))
    assert report.ok, failure_summary(report)
    html = (report.paths.appendices / "governance.html").read_text(encoding="utf-8")
    assert "alert" in html  # the text is there, as text
    assert not re.search(r"<script>alert|<img src=x|href=\"(javascript|http://evil)", html)
    csv = pd.read_csv(report.paths.processed / "change_log.csv", dtype=str)
    assert not csv["title"].str.startswith("=").any()
    book = report.paths.reports / "tabeller.xlsx"
    ws = openpyxl.load_workbook(book)[workbook_sheets(book)["change_log"]]
    cells = [c for row in ws.iter_rows() for c in row]
    assert FORMULA in [c.value for c in cells] and not [c.coordinate for c in cells if c.data_type == "f"]
