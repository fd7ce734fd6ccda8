"""The runner on a tiny throw-away project: parameter checking, dependency order, cache, failures."""

import json
import textwrap
from pathlib import Path

import nbformat
import pytest

from ejournal_lib.pipeline.cli import main
from ejournal_lib.common.errors import ConfigError
from ejournal_lib.pipeline.notebooks import discover_notebooks, execution_order, parse_parameters_cell
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.runner import failure_summary, plan, run_pipeline


def make_notebook(path: Path, params: str, body: str, reads=(), writes=()):
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell(textwrap.dedent(params).strip())
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"## {path.stem}"), p,
                nbformat.v4.new_code_cell(textwrap.dedent(body).strip())]
    for c in nb.cells:
        c.pop("id", None)
    nb.nbformat_minor = 4
    nb.metadata["ejournal"] = {"title": f"Test {path.stem}", "reads": list(reads), "writes": list(writes)}
    nbformat.write(nb, path)


@pytest.fixture()
def project(tmp_path):
    """a writes t1; b reads t1 and writes t2; c is independent and fails when asked to."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "config").mkdir()
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "data" / "raw" / "numbers.csv").write_text("x\n1\n2\n")
    make_notebook(tmp_path / "notebooks" / "a.ipynb", '''
        processed_dir = "data/processed"  # where tables go
        factor = 2  # multiplier
        ''', '''
        import pandas as pd
        from ejournal_lib.publishing.tables import publish_table
        df = pd.read_csv("data/raw/numbers.csv")
        publish_table(df.assign(y=df.x * factor), "t1", processed_dir, caption="T1")
        ''', writes=["t1"])
    make_notebook(tmp_path / "notebooks" / "b.ipynb", '''
        processed_dir = "data/processed"  # where tables go
        ''', '''
        import pandas as pd
        from ejournal_lib.publishing.tables import publish_table
        t1 = pd.read_csv(f"{processed_dir}/t1.csv")
        publish_table(t1.assign(z=t1.y + 1), "t2", processed_dir, caption="T2")
        ''', reads=["t1"], writes=["t2"])
    make_notebook(tmp_path / "notebooks" / "c.ipynb", '''
        processed_dir = "data/processed"  # where tables go
        fail = False  # raise an error on purpose
        ''', '''
        import pandas as pd
        from ejournal_lib.publishing.tables import publish_table
        if fail:
            raise ValueError("planned failure in c")
        publish_table(pd.DataFrame({"k": [1]}), "t3", processed_dir, caption="T3")
        ''', writes=["t3"])
    (tmp_path / "config" / "s.yaml").write_text("name: test\ntitle: Test\nnotebooks:\n  a: {factor: 3}\n")
    return tmp_path


def test_parameters_cell_parsing():
    p = parse_parameters_cell('n = 5  # how many\nname = "x"  # a # with hash\nlst = [1, 2]\n', "nb")
    assert (p["n"].default, p["n"].type, p["n"].help) == (5, "int", "how many")
    assert p["name"].help == "a # with hash"
    assert p["lst"].default == [1, 2] and p["lst"].help == ""
    with pytest.raises(ConfigError, match="name = literal"):
        parse_parameters_cell("import os\n", "nb")


def test_dependency_order(project):
    specs = discover_notebooks(project / "notebooks")
    assert execution_order(specs) == [["a", "c"], ["b"]]


def test_cycle_is_an_error(project):
    make_notebook(project / "notebooks" / "d.ipynb", 'processed_dir = "x"  # p', "pass", reads=["t2"], writes=["t0"])
    make_notebook(project / "notebooks" / "e.ipynb", 'processed_dir = "x"  # p', "pass", reads=["t0"], writes=["t9"])
    nb = nbformat.read(project / "notebooks" / "a.ipynb", as_version=4)
    nb.metadata["ejournal"]["reads"] = ["t9"]
    nbformat.write(nb, project / "notebooks" / "a.ipynb")
    with pytest.raises(ConfigError, match="cycle"):
        execution_order(discover_notebooks(project / "notebooks"))


def test_misspelt_parameter_fails_before_anything_runs(project):
    (project / "config" / "s.yaml").write_text("name: t\nnotebooks:\n  a: {factr: 3}\n  zz: {}\n")
    with pytest.raises(ConfigError) as err:
        run_pipeline(ProjectPaths.at(project), "config/s.yaml")
    msg = str(err.value)
    assert "unknown parameter 'factr'" in msg and "['factor']" in msg
    assert "unknown notebook 'zz'" in msg
    assert not (project / "reports" / "executed").exists()


def test_missing_or_unreadable_config_via_cli(project, capsys):
    assert main(["--root", str(project), "run", "--config", "config/nope.yaml"]) == 2
    assert "scenario file not found" in capsys.readouterr().err
    (project / "config" / "bad.yaml").write_text("name: [unclosed\n")
    assert main(["--root", str(project), "run", "--config", "bad"]) == 2
    assert "not readable YAML" in capsys.readouterr().err


def test_run_cache_and_failure(project, capsys):
    paths = ProjectPaths.at(project)
    report = run_pipeline(paths, "config/s.yaml", jobs=2)
    assert report.ok, failure_summary(report)
    assert (project / "data" / "processed" / "t2.csv").read_text().splitlines()[1:] == ["1,3,4", "2,6,7"]
    for name in "abc":
        assert (paths.appendices / f"{name}.html").is_file()
        assert (paths.appendices / f"{name}.pdf").read_bytes()[:4] == b"%PDF"
    manifest = json.loads((paths.reports / "manifest.json").read_text())
    assert manifest["notebooks"]["a"]["parameters"]["factor"] == 3
    assert "data/raw/numbers.csv" in manifest["inputs"]
    assert (paths.reports / "tabeller.xlsx").is_file()

    # nothing changed: everything is taken from the cache
    again = run_pipeline(paths, "config/s.yaml")
    assert {r.name: r.status for r in again.results} == {"a": "cached", "c": "cached", "b": "cached"}
    manifest2 = json.loads((paths.reports / "manifest.json").read_text())
    for key in ("started_utc", "finished_utc"):
        manifest.pop(key), manifest2.pop(key)
    assert manifest == manifest2

    # a changed raw input reruns the notebooks
    (project / "data" / "raw" / "numbers.csv").write_text("x\n1\n5\n")
    third = run_pipeline(paths, "config/s.yaml")
    assert {r.name: r.status for r in third.results}["a"] == "ran"

    # a failing notebook: others finish, its appendix is gone, the cell and error are reported
    (project / "config" / "s.yaml").write_text("name: test\nnotebooks:\n  a: {factor: 4}\n  c: {fail: true}\n")
    failed = run_pipeline(paths, "config/s.yaml")
    status = {r.name: r.status for r in failed.results}
    assert status == {"a": "ran", "c": "failed", "b": "ran"}
    assert not (paths.appendices / "c.html").exists() and not (paths.appendices / "c.pdf").exists()
    assert (paths.appendices / "b.html").is_file()
    summary = failure_summary(failed)
    assert "c: cell" in summary and "ValueError: planned failure in c" in summary
    executed = nbformat.read(paths.executed / "c.ipynb", as_version=4)
    assert any(o.get("output_type") == "error" for cell in executed.cells for o in cell.get("outputs", []))

    # the command line exits non-zero and prints the summary
    assert main(["--root", str(project), "run", "--config", "config/s.yaml"]) == 1
    assert "planned failure in c" in capsys.readouterr().err


def test_upstream_failure_skips_dependants(project):
    make_notebook(project / "notebooks" / "a.ipynb", 'processed_dir = "x"  # p\nfactor = 1  # f',
                  "raise RuntimeError('boom')", writes=["t1"])
    report = run_pipeline(ProjectPaths.at(project), "config/s.yaml")
    status = {r.name: r.status for r in report.results}
    assert status == {"a": "failed", "c": "ran", "b": "skipped"}


def test_only_runs_the_named_notebook_and_its_inputs(project):
    p = plan(ProjectPaths.at(project), "config/s.yaml", only=["b"])
    assert p.waves == [["a"], ["b"]]
    with pytest.raises(ConfigError, match="unknown notebook"):
        plan(ProjectPaths.at(project), "config/s.yaml", only=["nope"])


def test_list_command(project, capsys):
    assert main(["--root", str(project), "list"]) == 0
    out = capsys.readouterr().out
    assert "factor (int, default 2): multiplier" in out
    assert "processed_dir (str, default 'data/processed') (set by the runner)" in out


def test_misspelt_model_key_in_the_real_scenario_fails_before_running(root, tmp_path):
    text = (root / "config" / "ssd2020.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("    discount_rate: 0.04", "    discount_rte: 0.04"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        plan(ProjectPaths.at(root, tmp_path), bad)
    assert "unknown key 'discount_rte'" in str(err.value) and "cba.frame.discount_rate is missing" in str(err.value)
    bad.write_text(text.replace("    n_iterations: 100000", "    n_iteration: 100000"), encoding="utf-8")
    with pytest.raises(ConfigError, match="notebooks.cba: unknown parameter 'n_iteration'"):
        plan(ProjectPaths.at(root, tmp_path), bad)


def test_example_data_detection():
    from ejournal_lib.pipeline.runner import uses_example_data

    assert uses_example_data({"a": "data/raw/example/x.csv"})
    assert uses_example_data({"paths": ["data/raw/real", "data/raw/example"]})
    assert not uses_example_data({"a": "data/raw/population.csv", "n": 5})
