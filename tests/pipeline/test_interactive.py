"""A notebook opened in JupyterLab (run with its default parameters) writes to a scratch folder of its
scenario, says so, reads other notebooks' tables from the publication, and never touches the publication."""

import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from ejournal_lib.pipeline.kernels import kernel_name
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.runner import run_pipeline

from .helpers import copy_project, snapshot

pytestmark = pytest.mark.e2e


@pytest.mark.slow  # about 45 s: a kernel per notebook run by hand, then the pipeline
def test_interactive_run_writes_to_scratch_and_leaves_the_publication_alone(tmp_path, root):
    copy_project(root, tmp_path, ["baseline", "participation"])  # cba reads the tables they publish
    paths = ProjectPaths.at(tmp_path).for_scenario("ssd2020")
    assert run_pipeline(paths, jobs=2).ok
    published = snapshot(paths)
    shutil.copy(root / "notebooks" / "cba.ipynb", tmp_path / "notebooks")  # opened in JupyterLab

    nb = nbformat.read(tmp_path / "notebooks" / "cba.ipynb", as_version=4)
    NotebookClient(
        nb, kernel_name=kernel_name(), timeout=600, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()

    scratch = tmp_path / "data" / "scratch" / "ssd2020"
    assert (scratch / "cba_summary.csv").is_file() and (scratch / "break_even.csv").is_file()
    assert snapshot(paths) == published  # the publication is untouched
    text = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))
    assert "Interaktiv kjøring" in text and "data/scratch/ssd2020" in text
    # it read the published survey estimates: the break-even table has the survey rows
    assert "survey" in (scratch / "break_even.csv").read_text(encoding="utf-8")


@pytest.mark.slow  # about 30 s: the governance notebook in a kernel, on a project with no publication
def test_a_notebook_without_any_publication_computes_what_it_needs(tmp_path, root):
    """Scratch mode on a fresh project: the governance appendix's upstream results come from the result graph,
    so every rule criterion is assessed and no missing value reads as 0."""
    import pandas as pd

    copy_project(root, tmp_path, ["governance"])
    nb = nbformat.read(tmp_path / "notebooks" / "governance.ipynb", as_version=4)
    NotebookClient(
        nb, kernel_name=kernel_name(), timeout=600, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    stop_points = pd.read_csv(tmp_path / "data" / "scratch" / "ssd2020" / "stop_points.csv")
    rules = stop_points[stop_points["type"] == "rule"]
    assert len(rules) and not (rules["status"] == "not_assessable").any()
    assert rules.loc[rules["criterion_id"] == "SP1-NNV", "value"].iloc[0] != 0
