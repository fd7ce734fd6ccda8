"""Factsheets: the right figures for a small and a large municipality, allocations that sum to the totals,
clear errors for bad codes, and failure isolation in batch mode."""

import pandas as pd
import pytest

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.factsheets.data import check_codes
from ejournal_lib.pipeline.factsheet_batch import build_factsheets, render_factsheets
from ejournal_lib.pipeline.manifest import base_provenance
from ejournal_lib.pipeline.plan import plan

pytestmark = pytest.mark.e2e  # runs the real pipeline (papermill, nbconvert, WeasyPrint)


@pytest.fixture(scope="module")
def fs(pipeline_run):
    paths, _ = pipeline_run
    report = build_factsheets(paths, codes=["0301", "1151"], jobs=2)
    data = pd.read_csv(paths.processed / "municipality_factsheet_data.csv", dtype={"municipality_code": str})
    return paths, report, data.set_index("municipality_code")


def test_large_and_small_municipality(fs, inputs):
    paths, report, data = fs
    assert sorted(report.written) == ["0301", "1151"] and not report.failed
    total = 4_633_640
    for code, name, pop in (("0301", "Oslo", 693_494), ("1151", "Utsira", None)):
        row = data.loc[code]
        pop = pop or int(row["population"])
        # home services: 35 297 FTEs in the area, allocated by population; 21 min/day × 230 days
        ftes = 35_297 * pop / total
        assert row["ftes_home_services"] == pytest.approx(ftes)
        hours = 21 / 60 * 230 * ftes
        assert row["freed_hours_home_services"] == pytest.approx(hours)
        assert row["freed_mnok_home_services"] == pytest.approx(hours * 45_678 * 12 / 1650 / 1e6)
        html = (paths.reports / "factsheets" / f"{row['file_stem']}.html").read_text(encoding="utf-8")
        assert "Risiko for kommunens kontantposisjon" in html
        rules = [c for c in row.index if c.startswith("prob_negative_")]
        p = row["prob_negative_overrun_guarantee"] * 100  # whole percents, or one decimal where they would tie
        percent = (
            f"{round(p)}" if len({round(row[c] * 100) for c in rules}) == len(rules) else f"{p:.1f}".replace(".", ",")
        )
        assert f"{percent}\u202f% med overskridelsesgaranti" in html  # the municipality's own probability
        assert f"Faktaark: {name}" in html
        assert f"{pop:,}".replace(",", "\u202f") in html  # population, Norwegian format
        assert f"{round(row['freed_hours_total']):,}".replace(",", "\u202f") in html
        assert (paths.reports / "factsheets" / f"{row['file_stem']}.pdf").read_bytes()[:4] == b"%PDF"
    index = (paths.reports / "factsheets" / "index.html").read_text(encoding="utf-8")
    assert "0301-Oslo.html" in index and "1151-Utsira.html" in index


def test_allocations_sum_to_the_totals(fs, inputs):
    paths, _, data = fs
    assert len(data) == 292
    for s in inputs.service_table.index:
        assert data[f"ftes_{s}"].sum() == pytest.approx(inputs.service_table.loc[s, "ftes"])
    dist = pd.read_csv(paths.processed / "municipality_distribution.csv")
    assert data["net_mnok"].sum() == pytest.approx(dist["net_mnok"].sum())
    assert data["population"].sum() == 4_633_640


def test_bad_codes_are_clear_errors(fs):
    _, _, data = fs
    with pytest.raises(ConfigError, match="1505 is in Midt-Norge"):
        check_codes(["0301", "1505"], data.reset_index(), {"1505"})
    with pytest.raises(ConfigError, match="9999 is not a 2020 municipality code"):
        check_codes(["9999"], data.reset_index(), set())


def test_one_failure_does_not_stop_the_others(fs, tmp_path):
    paths, _, data = fs
    broken = data.reset_index()
    broken.loc[broken["municipality_code"] == "1151", "population"] = float("nan")
    data_path = tmp_path / "data.csv"
    broken.to_csv(data_path, index=False)
    p = plan(paths)
    report = render_factsheets(
        paths.root,
        tmp_path / "out",
        data_path,
        broken,
        ["0301", "1151", "3024"],
        {"scenario_path": str(p.scenario.path), "processed_dir": str(paths.processed)},
        base_provenance(paths, p.scenario),
        "Test",
        jobs=1,  # the batch's workers are exercised by the fixture
        pdf=False,
    )
    assert sorted(report.written) == ["0301", "3024"]
    assert list(report.failed) == ["1151"] and "population is missing" in report.failed["1151"]
    assert not any((tmp_path / "out").glob("1151*"))


def test_a_single_factsheet_runs_no_appendix(root, tmp_path):
    """On a project with no publication at all, one factsheet is computed from the result graph and written;
    no appendix notebook runs (nothing under reports/<scenario>/appendices, no executed notebooks)."""
    from ejournal_lib.pipeline.paths import ProjectPaths

    from .helpers import copy_project

    copy_project(root, tmp_path, ["baseline", "participation", "cba", "governance"])  # none of them run
    paths = ProjectPaths.at(tmp_path)
    report = build_factsheets(paths, codes=["0301"], jobs=1, pdf=False)
    assert report.written == ["0301"] and not report.failed
    scenario_reports = tmp_path / "reports" / "ssd2020"
    assert not (scenario_reports / "appendices").exists() and not (scenario_reports / "executed").exists()
    assert any((scenario_reports / "factsheets").glob("0301*.html"))
