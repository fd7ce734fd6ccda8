"""Repository hygiene: raw data documented with correct hashes, notebooks committed without outputs."""

import json
import re
import subprocess

import pytest

from ejournal_lib.pipeline.provenance import sha256_file


def test_every_raw_file_is_documented_with_its_sha256(root):
    readme = (root / "data" / "raw" / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| ([\w./-]+\.\w+) \|.*\| ([0-9a-f]{64}) \|$", readme, flags=re.M))
    files = {str(p.relative_to(root / "data" / "raw")): p for p in (root / "data" / "raw").rglob("*")
             if p.is_file() and p.name != "README.md"}
    assert set(listed) == set(files), "data/raw/README.md must list exactly the files in data/raw"
    for name, path in files.items():
        assert sha256_file(path) == listed[name], f"{name} changed: raw data is immutable"


def test_notebooks_have_no_outputs(root):
    for nb_path in (root / "notebooks").glob("*.ipynb"):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), f"{nb_path.name} has outputs; clear them before committing"
                assert cell.get("execution_count") is None, f"{nb_path.name} has execution counts"


def test_pre_commit_hook_rejects_outputs(root, tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": "1", "metadata": {}, "outputs": [{"output_type": "stream",
          "name": "stdout", "text": "1"}], "execution_count": 1}], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    repo = tmp_path / "r"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "x.ipynb").write_text(json.dumps(nb))
    subprocess.run(["git", "-C", str(repo), "add", "x.ipynb"], check=True)
    res = subprocess.run(["bash", str(root / ".githooks" / "pre-commit")], cwd=repo, capture_output=True, text=True)
    assert res.returncode == 1 and "has outputs" in res.stdout


@pytest.mark.parametrize("name", ["cba", "participation", "baseline", "governance"])
def test_real_notebooks_are_registered(root, name):
    from ejournal_lib.pipeline.notebooks import discover_notebooks

    specs = discover_notebooks(root / "notebooks")
    assert name in specs and specs[name].writes
