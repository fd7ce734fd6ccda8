"""A small pilot (2 municipalities, a handful of staff) runs: the tables say what cannot be estimated and
why, with the thresholds, and nothing ends in a raw error."""

import pandas as pd
import pytest

from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.runner import failure_summary, run_pipeline
from ejournal_lib.results import result_graph
from tests.conftest import scenario_file
from tests.pipeline.helpers import copy_project, snapshot


def write_pilot(root, folder, municipalities=("0301", "1108"), staff_each=4):
    """The first staff members of two municipalities from the example registrations."""
    src = root / "data" / "raw" / "example" / "timeuse"
    s = pd.read_csv(src / "timeuse_sessions.csv", dtype=str)
    s = s[s["municipality_code"].isin(municipalities)]
    keep = s.groupby("municipality_code")["staff_id"].apply(lambda x: list(dict.fromkeys(x))[:staff_each]).explode()
    s = s[s["staff_id"].isin(set(keep))]
    folder.mkdir(parents=True)
    s.to_csv(folder / "timeuse_sessions.csv", index=False)
    for name in ("timeuse_activities.csv", "timeuse_work_sampling.csv"):
        t = pd.read_csv(src / name, dtype=str, keep_default_na=False)
        t[t["session_id"].isin(set(s["session_id"]))].to_csv(folder / name, index=False)
    return folder


def test_pilot_tables_state_their_limits(root, tmp_path):
    folder = write_pilot(root, tmp_path / "pilot")
    pilot = {"data.timeuse": [str(folder)]}
    tables = result_graph(scenario_file(tmp_path / "pilot.yaml", pilot)).get(
        "timeuse_limitations", "timeuse_sample_size", "timeuse_precision"
    )
    limits = tables["timeuse_limitations"].set_index("estimate")
    assert limits.loc["variance_components", ["status", "have", "need"]].tolist() == ["not_estimable", 2, 3]
    # each count says where it is counted: the most in a service and role, the fewest in a service
    assert limits["counted"].to_dict() == {
        "cells_published": "most_in_cell",
        "variance_components": "most_in_cell",
        "design_planner": "in_all",
        "intervals": "fewest_in_service",
        "beside_earlier": "in_all",  # services shown beside earlier publications: nothing published before
    }
    beside = limits.loc["beside_earlier"]
    assert beside["status"] == "ok" and beside["have"] == beside["need"]  # no service hidden
    assert limits.loc["design_planner", "status"] == "not_estimable"
    assert tables["timeuse_sample_size"].empty and tables["timeuse_precision"]["municipalities_needed"].isna().all()
    variances = {"var_municipality": 100.0, "var_staff": 400.0, "var_residual": 400.0}
    given = result_graph(scenario_file(tmp_path / "given.yaml", {**pilot, "baseline.planner_variances": variances}))
    assert given.get("timeuse_limitations").set_index("estimate").loc["design_planner", "status"] == "ok"
    assert len(given.get("timeuse_sample_size")) == 16


@pytest.mark.e2e
@pytest.mark.slow  # about 20 s: the real baseline notebook on a pilot
def test_pilot_appendix_runs_and_says_what_it_cannot_estimate(root, tmp_path):
    project = copy_project(root, tmp_path / "project", ["baseline"])
    folder = write_pilot(root, tmp_path / "pilot")
    overrides = {"name": "pilot", "data.timeuse": [str(folder)], "settings.synthetic_inputs": ["timeuse"]}
    scenario_file(tmp_path / "pilot.yaml", overrides)  # cut from the example data, so synthetic
    default = run_pipeline(ProjectPaths.at(project), only=["baseline"])
    assert default.ok, failure_summary(default)
    published = snapshot(default.paths)
    report = run_pipeline(ProjectPaths.at(project), tmp_path / "pilot.yaml", only=["baseline"])
    assert report.ok, failure_summary(report)
    assert report.paths.appendices == project / "reports" / "pilot" / "appendices"
    assert snapshot(default.paths) == published  # a run of one scenario never touches another's outputs
    html = (report.paths.appendices / "baseline.html").read_text(encoding="utf-8")
    assert "Kan ikke anslås: varianskomponenter" in html and "det trengs 3" in html
    assert "Utvalget kan ikke planlegges fra denne målingen" in html
    assert "Datagrunnlag: tidsregistreringene er syntetiske eksempeldata" in html  # declared, outside the folder
    # page 1 of a non-default scenario lists what differs from the default
    assert "Dette scenariet avviker fra standardscenariet" in html and "<code>data.timeuse</code>" in html
