"""A tiny throw-away project for runner tests (the real scenario and data, small notebooks), and checks of
what a run published or left behind."""

import shutil
import textwrap
from pathlib import Path

import nbformat
import openpyxl
import yaml

from ejournal_lib.pipeline.provenance import sha256_file


def workbook_sheets(path) -> dict[str, str]:
    """Table → sheet name, as the workbook's "Les meg" lists them (the "Fil" column names the table's CSV)."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["Les meg"].iter_rows(values_only=True))
    header = rows.index(("Ark", "Tittel", "Vedlegg", "Datagrunnlag", "Rader", "Fil"))
    return {Path(r[5]).stem: r[0] for r in rows[header + 1 :] if r[0]}


PARAMS = """
scenario_path = "config/ssd2020.yaml"  # scenario file
processed_dir = "data/processed"  # where tables go
"""
SETUP = """
import pandas as pd
from ejournal_lib.publishing.tables import publish_table
from ejournal_lib.scenario import load_scenario
scenario = load_scenario(scenario_path)
"""


def make_notebook(path: Path, body: str, inputs=(), reads=(), writes=()):
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell(PARAMS.strip())
    p.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"## {path.stem}"),
        p,
        nbformat.v4.new_code_cell(SETUP.strip() + "\n" + textwrap.dedent(body).strip()),
    ]
    for c in nb.cells:
        c.pop("id", None)
    nb.nbformat_minor = 4
    nb.metadata["ejournal"] = {
        "title": f"Test {path.stem}",
        "inputs": list(inputs),
        "reads": list(reads),
        "writes": list(writes),
    }
    nbformat.write(nb, path)


def set_scenario(project: Path, overrides: dict) -> None:
    """Change the project's default scenario by dotted-path overrides (checked when the scenario loads)."""
    from ejournal_lib.common.yaml_io import read_yaml
    from ejournal_lib.scenario.overrides import apply_overrides

    path = project / "config" / "ssd2020.yaml"
    data = apply_overrides(read_yaml(path, "scenario"), overrides)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def snapshot(paths) -> dict[str, str]:
    """Every published file (tables, appendices, executed notebooks, workbook, manifest) and its hash."""
    folders = [paths.processed, paths.appendices, paths.executed]
    files = [f for d in folders for f in d.rglob("*") if f.is_file()]
    files += [paths.reports / "tabeller.xlsx", paths.reports / "manifest.json"]
    return {str(f.relative_to(paths.out)): sha256_file(f) for f in files if f.is_file()}


def leftovers(paths) -> list[str]:
    """Staging areas, temporary files and kernel socket folders a run must not leave behind."""
    found = [str(p) for p in paths.out.glob(".staging-*")]
    found += [str(p) for p in paths.out.rglob("*") if ".tmp" in p.name]
    return found


def copy_project(root: Path, dest: Path, notebooks=(), *, small: bool = True) -> Path:
    """A throw-away copy of the project (config, raw data, the named notebooks and the factsheet's) at ``dest``; with ``small``
    its default scenario uses the suite's small samples (``tests/data/small_samples.yaml``)."""
    from tests.conftest import scenario_file

    shutil.copytree(root / "config", dest / "config")
    shutil.copytree(root / "data" / "raw", dest / "data" / "raw")
    (dest / "notebooks").mkdir()
    for name in notebooks:
        shutil.copy(root / "notebooks" / f"{name}.ipynb", dest / "notebooks")
    shutil.copytree(root / "notebooks" / "factsheets", dest / "notebooks" / "factsheets")
    (dest / "pyproject.toml").write_text("", encoding="utf-8")
    if small:
        scenario_file(dest / "config" / "ssd2020.yaml")
    return dest


def make_project(tmp_path: Path, root: Path) -> Path:
    """a writes t1 (from the scenario and one data file); b reads t1 and writes t2; c is independent and
    fails, or sleeps for a minute, when the scenario's description says so."""
    copy_project(root, tmp_path, small=False)
    make_notebook(
        tmp_path / "notebooks" / "a.ipynb",
        """
        n = len(pd.read_csv(scenario.data.benefit_followup))
        df = pd.DataFrame({"rank": [1, 2]})
        publish_table(df.assign(value=df["rank"] * scenario.analysis.budget.loan_years + n), "t1", processed_dir, caption="T1")
        """,
        inputs=["benefit_followup"],
        writes=["t1"],
    )
    make_notebook(
        tmp_path / "notebooks" / "b.ipynb",
        """
        t1 = pd.read_csv(f"{processed_dir}/t1.csv")
        publish_table(t1.assign(count=t1.value + 1), "t2", processed_dir, caption="T2")
        """,
        reads=["t1"],
        writes=["t2"],
    )
    make_notebook(
        tmp_path / "notebooks" / "c.ipynb",
        """
        if "fail" in scenario.description:
            raise ValueError("planned failure in c")
        if "sleep" in scenario.description:
            import time
            time.sleep(60)
        publish_table(pd.DataFrame({"rank": [1]}), "t3", processed_dir, caption="T3")
        """,
        writes=["t3"],
    )
    return tmp_path
