"""The runner on a tiny throw-away project (the real scenario and data, three small notebooks): checks before
anything runs, dependency order, cache, failures."""

import json
import shutil

import nbformat
import pytest

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.pipeline.cli import main
from ejournal_lib.pipeline.notebooks import discover_notebooks, execution_order, notebook_parameters_cell
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.plan import plan
from ejournal_lib.pipeline.runner import failure_summary, run_pipeline
from ejournal_lib.publishing.data_status import example_inputs
from ejournal_lib.scenario import load_scenario

from .helpers import leftovers, make_notebook, set_scenario, snapshot

pytestmark = pytest.mark.e2e  # runs the real pipeline (papermill, nbconvert, WeasyPrint)


def _notebook_with_parameters(path, source: str):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["ejournal"] = {"title": "Test", "writes": []}
    nbformat.write(nb, path)
    return path


def test_parameters_cell_parsing(tmp_path):
    path = _notebook_with_parameters(
        tmp_path / "p.ipynb", 'n = 5  # how many\nname = "x"  # a # with hash\nlst = [1, 2]\n'
    )
    p = notebook_parameters_cell(path)
    assert (p["n"].default, p["n"].type, p["n"].help) == (5, "int", "how many")
    assert p["name"].help == "a # with hash"
    assert p["lst"].default == [1, 2] and p["lst"].help == ""
    with pytest.raises(ConfigError, match="literal default"):
        notebook_parameters_cell(_notebook_with_parameters(tmp_path / "q.ipynb", "n = len([1])\n"))


def test_the_real_notebooks_read_what_the_result_graph_says(root):
    """Which tables a notebook reads from another, and which scenario inputs it rests on, follow from the
    graph: the analysis reads the baseline's variance components; the governance appendix the analysis's
    summary; the analysis and participation appendices read each other's tables and so run side by side."""
    specs = discover_notebooks(root / "notebooks")
    assert "timeuse_variance_components" in specs["cba"].reads and "cba_summary" in specs["governance"].reads
    assert not specs["participation"].reads and "gp_survey_estimates" not in specs["cba"].reads
    assert execution_order(specs) == [["baseline", "participation"], ["cba"], ["governance"]]
    assert {"timeuse", "gp_survey", "actor_mapping"} <= set(specs["cba"].inputs)
    assert "timeuse" not in specs["participation"].inputs


def test_dependency_order(project):
    specs = discover_notebooks(project / "notebooks")
    assert execution_order(specs) == [["a", "c"], ["b"]]


def test_cycle_is_an_error(project):
    make_notebook(project / "notebooks" / "d.ipynb", "pass", reads=["t2"], writes=["t0"])
    make_notebook(project / "notebooks" / "e.ipynb", "pass", reads=["t0"], writes=["t9"])
    nb = nbformat.read(project / "notebooks" / "a.ipynb", as_version=4)
    nb.metadata["ejournal"]["reads"] = ["t9"]
    nbformat.write(nb, project / "notebooks" / "a.ipynb")
    with pytest.raises(ConfigError, match="cycle"):
        execution_order(discover_notebooks(project / "notebooks"))


def test_a_notebook_declaring_an_unknown_input_fails_before_anything_runs(project):
    make_notebook(project / "notebooks" / "d.ipynb", "pass", inputs=["populaton"], writes=["t8"])
    with pytest.raises(ConfigError, match="d: populaton"):
        run_pipeline(ProjectPaths.at(project))
    assert not (project / "reports" / "executed").exists()


def test_missing_or_unreadable_config_via_cli(project, capsys):
    assert main(["--root", str(project), "run", "--config", "config/nope.yaml"]) == 2
    assert "scenario file not found" in capsys.readouterr().err
    (project / "config" / "bad.yaml").write_text("name: [unclosed\n")
    assert main(["--root", str(project), "run", "--config", "bad"]) == 2
    assert "not readable YAML" in capsys.readouterr().err


@pytest.mark.slow  # about 23 s: four full runs of a small project
def test_run_cache_and_failure(project, capsys):
    paths = ProjectPaths.at(project).for_scenario("ssd2020")
    report = run_pipeline(paths)  # workers: the shared pipeline run and the kill tests
    assert report.ok, failure_summary(report)
    # 20-year loans and 20 follow-up rows in the example file: value = 20 × rank + 20, count = value + 1
    assert (project / "data" / "processed" / "ssd2020" / "t2.csv").read_text().splitlines()[1:] == [
        "1,40,41",
        "2,60,61",
    ]
    for name in "abc":
        assert (paths.appendices / f"{name}.html").is_file()
        assert (paths.appendices / f"{name}.pdf").read_bytes()[:4] == b"%PDF"
    manifest = json.loads((paths.reports / "manifest.json").read_text())
    assert manifest["notebooks"]["a"]["inputs"] == ["benefit_followup"]
    assert "data/raw/example/benefit_followup.csv" in manifest["inputs"]
    assert (paths.reports / "tabeller.xlsx").is_file()

    # nothing changed: everything is taken from the cache
    again = run_pipeline(paths)
    assert {r.name: r.status for r in again.results} == {"a": "cached", "c": "cached", "b": "cached"}
    manifest2 = json.loads((paths.reports / "manifest.json").read_text())
    for key in ("started_utc", "finished_utc"):
        manifest.pop(key), manifest2.pop(key)
    assert manifest == manifest2

    # another scenario file in config/ is no input of this one: nothing runs again
    (project / "config" / "what_if.yaml").write_text((project / "config" / "ssd2020.yaml").read_text())
    assert {r.status for r in run_pipeline(paths).results} == {"cached"}

    # only one notebook (with --only and --force): the manifest keeps the entries of those not run
    assert [r.name for r in run_pipeline(paths, only=["c"], force=True).results] == ["c"]
    assert sorted(json.loads((paths.reports / "manifest.json").read_text())["notebooks"]) == ["a", "b", "c"]

    # a changed input file reruns the notebook that reads it and the one reading its table
    followup = project / "data" / "raw" / "example" / "benefit_followup.csv"
    followup.write_text(followup.read_text() + "B1-HOME,3024,2025,2031,21.0\n")
    third = run_pipeline(paths)
    assert {r.name: r.status for r in third.results} == {"a": "ran", "c": "cached", "b": "ran"}

    # a failing notebook: the others finish, nothing is published (the last good publication stays whole),
    # the cell and error are reported with the place of the partly executed notebook
    published = snapshot(paths)
    set_scenario(project, {"description": "fail"})
    failed = run_pipeline(paths)
    status = {r.name: r.status for r in failed.results}
    assert status == {"a": "ran", "c": "failed", "b": "ran"}
    assert snapshot(paths) == published
    summary = failure_summary(failed)
    assert "c: cell" in summary and "ValueError: planned failure in c" in summary
    assert f"partly executed notebook: {paths.reports / 'failed' / 'c.ipynb'}" in summary
    executed = nbformat.read(paths.reports / "failed" / "c.ipynb", as_version=4)
    assert any(o.get("output_type") == "error" for cell in executed.cells for o in cell.get("outputs", []))
    assert leftovers(paths) == []

    # the command line exits non-zero and prints the summary
    assert main(["--root", str(project), "run", "--only", "c"]) == 1
    assert "planned failure in c" in capsys.readouterr().err


def test_a_table_written_but_not_declared_fails_the_notebook(project):
    make_notebook(
        project / "notebooks" / "c.ipynb",
        """
        publish_table(pd.DataFrame({"rank": [1]}), "t3", processed_dir, caption="T3")
        publish_table(pd.DataFrame({"rank": [2]}), "t_secret", processed_dir, caption="T")
        """,
        writes=["t3"],
    )
    report = run_pipeline(ProjectPaths.at(project), only=["c"])
    c = next(r for r in report.results if r.name == "c")
    assert c.status == "failed" and "not declared in the notebook's metadata (writes): ['t_secret']" in c.error
    assert not (project / "data" / "processed" / "ssd2020" / "t_secret.csv").exists()  # nothing published


def test_upstream_failure_skips_dependants(project):
    make_notebook(project / "notebooks" / "a.ipynb", "raise RuntimeError('boom')", writes=["t1"])
    report = run_pipeline(ProjectPaths.at(project))
    status = {r.name: r.status for r in report.results}
    assert status == {"a": "failed", "c": "ran", "b": "skipped"}


def test_only_runs_the_named_notebook_its_inputs_and_its_readers(project):
    p = plan(ProjectPaths.at(project), only=["b"])
    assert p.waves == [["a"], ["b"]]
    p = plan(ProjectPaths.at(project), only=["a"])  # b reads a's table: it would be left stale
    assert p.waves == [["a"], ["b"]]
    with pytest.raises(ConfigError, match="unknown notebook"):
        plan(ProjectPaths.at(project), only=["nope"])


def test_list_command(project, capsys):
    assert main(["--root", str(project), "list"]) == 0
    out = capsys.readouterr().out
    assert "inputs: benefit_followup" in out and "writes: t1" in out
    assert "processed_dir (str, default 'data/processed') (set by the runner)" in out


def test_misspelt_key_in_the_real_scenario_fails_before_running(root, tmp_path):
    text = (root / "config" / "ssd2020.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        text.replace("    discount_rate: 0.04", "    discount_rte: 0.04").replace(
            "    n_iterations: 100000", "    n_iteration: 100000"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as err:
        plan(ProjectPaths.at(root, tmp_path), bad)
    msg = str(err.value)
    assert "cba.frame.discount_rte: unknown key; valid: area_population, base_year, discount_rate" in msg
    assert "cba.frame.discount_rate is missing" in msg
    assert "analysis.simulation.n_iteration: unknown key; valid: n_iterations" in msg


def test_example_data_detection(scenario):
    assert example_inputs(scenario, ["timeuse"]) == ["timeuse"]
    assert example_inputs(scenario, ["population", "commitment_register"]) == ["commitment_register"]
    assert example_inputs(scenario, ["population", "midt_norge"]) == []


def test_example_data_copied_elsewhere_is_synthetic_when_declared(root, tmp_path):
    copy = shutil.copytree(root / "data" / "raw" / "example" / "timeuse", tmp_path / "pilot")
    moved = {"data.timeuse": [str(copy)]}
    assert example_inputs(load_scenario(root / "config" / "ssd2020.yaml", overrides=moved, root=root)) == [
        "benefit_followup",
        "commitment_register",
        "gp_survey",
    ]
    declared = load_scenario(
        root / "config" / "ssd2020.yaml", overrides={**moved, "settings.synthetic_inputs": ["timeuse"]}, root=root
    )
    assert example_inputs(declared, ["timeuse", "population"]) == ["timeuse"]
    with pytest.raises(ConfigError) as err:
        load_scenario(
            root / "config" / "ssd2020.yaml", overrides={"settings.synthetic_inputs": ["population"]}, root=root
        )
    assert "settings.synthetic_inputs[0]" in str(err.value) and "'timeuse'" in str(err.value)
