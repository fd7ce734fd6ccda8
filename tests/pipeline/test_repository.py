"""Repository hygiene: raw data documented with correct hashes, notebooks committed without outputs (and a
hook that strips them), the locked environment installed, the layers of the library respected."""

import json
import re
import shutil
import subprocess
from importlib import metadata

import pytest

from ejournal_lib.pipeline.provenance import sha256_file


def _layers(root) -> set[str]:
    """The subpackages the import-linter contract in pyproject.toml names (``make lint`` checks the imports)."""
    import tomllib

    contract = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    names = [m for layer in contract["contracts"][0]["layers"] for m in re.split(r"\s*[:|]\s*", layer)]
    return {m.removeprefix("ejournal_lib.") for m in names}


def test_every_raw_file_is_documented_with_its_sha256(root):
    readme = (root / "data" / "raw" / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| ([\w./-]+\.\w+) \|.*\| ([0-9a-f]{64}) \|$", readme, flags=re.M))
    files = {
        str(p.relative_to(root / "data" / "raw")): p
        for p in (root / "data" / "raw").rglob("*")
        if p.is_file() and p.name != "README.md"
    }
    assert set(listed) == set(files), "data/raw/README.md must list exactly the files in data/raw"
    for name, path in files.items():
        assert sha256_file(path) == listed[name], f"{name} changed: raw data is immutable"


def test_notebooks_in_every_folder_have_no_outputs(root):
    notebooks = sorted((root / "notebooks").rglob("*.ipynb"))
    assert any(p.parent.name == "factsheets" for p in notebooks)
    for nb_path in notebooks:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), f"{nb_path.name} has outputs; clear them before committing"
                assert cell.get("execution_count") is None, f"{nb_path.name} has execution counts"


def test_pre_commit_strips_notebook_outputs(root, tmp_path):
    """The project's pre-commit configuration (nbstripout) refuses a notebook with outputs and clears them."""
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "1",
                "metadata": {},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "1"}],
                "execution_count": 1,
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 4,
    }
    repo = tmp_path / "r"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copy(root / ".pre-commit-config.yaml", repo)
    (repo / ".venv").symlink_to(root / ".venv")
    (repo / "notebooks").mkdir()
    (repo / "notebooks" / "x.ipynb").write_text(json.dumps(nb))
    subprocess.run(["git", "-C", str(repo), "add", "notebooks/x.ipynb"], check=True)
    res = subprocess.run(
        [str(root / ".venv" / "bin" / "pre-commit"), "run", "nbstripout", "--files", "notebooks/x.ipynb"],
        cwd=repo,
        capture_output=True,
        text=True,
        env={"PRE_COMMIT_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert res.returncode == 1, res.stdout + res.stderr  # the commit is refused …
    cleaned = json.loads((repo / "notebooks" / "x.ipynb").read_text())
    assert cleaned["cells"][0]["outputs"] == [] and cleaned["cells"][0]["execution_count"] is None  # … and cleaned


def test_installed_versions_are_the_locked_ones(root):
    """`make setup` installs requirements.lock; every locked package is installed at exactly that version."""
    locked = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", (root / "requirements.lock").read_text(), flags=re.M))
    assert {"numpy", "pandas", "pydantic", "papermill", "ruff"} <= {k.lower() for k in locked}
    wrong = {}
    for name, version in locked.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong[name] = (version, None)
            continue
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, f"installed versions differ from requirements.lock (locked, installed): {wrong}"


def test_modules_are_small_and_every_subpackage_is_a_known_layer(root):
    package = root / "ejournal_lib"
    assert {p.name for p in package.iterdir() if p.is_dir() and p.name != "__pycache__"} == _layers(root)
    long = {str(p.relative_to(root)): n for p in package.rglob("*.py") if (n := len(p.read_text().splitlines())) > 420}
    assert not long, f"modules over about 400 lines: {long}"


def test_readme_layout_matches_the_tree(root):
    """Every module the README's layout section names exists, and every module is named there."""
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(ejournal_lib/[\w/]+\.py)`", section))
    for pkg, mods in re.findall(r"^- `ejournal_lib/(\w+)/`: ([^\n]+)", section, flags=re.M):
        named |= {f"ejournal_lib/{pkg}/{mod}.py" for mod in re.findall(r"(?:^|, )`(\w+)`", mods)}
    actual = {str(p.relative_to(root)) for p in (root / "ejournal_lib").rglob("*.py") if p.name != "__init__.py"}
    assert named == actual, {
        "in README, not in tree": sorted(named - actual),
        "in tree, not in README": sorted(actual - named),
    }


@pytest.mark.parametrize("name", ["cba", "participation", "baseline", "governance"])
def test_real_notebooks_are_registered(root, name):
    from ejournal_lib.pipeline.notebooks import discover_notebooks

    specs = discover_notebooks(root / "notebooks")
    assert name in specs and specs[name].writes


def test_make_lab_opens_at_the_root_with_the_project_kernel_and_passes_options(root):
    """What `make lab` would run (make -n prints the commands without running them)."""
    out = subprocess.run(
        ["make", "-n", "lab", "LAB_ARGS=--port 8890 --no-browser"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    lab = next(line for line in out.splitlines() if "jupyter lab" in line)
    assert "--notebook-dir=." in lab and "--MappingKernelManager.default_kernel_name=ejournal" in lab
    assert lab.rstrip().endswith("--port 8890 --no-browser")


def test_every_command_is_in_the_readme(root):
    """Each ``ejournal`` subcommand is shown in the README with how to call it."""
    import argparse

    from ejournal_lib.pipeline.cli import build_parser

    actions = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    commands = sorted(actions[0].choices)
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert len(commands) >= 10 and [c for c in commands if f"ejournal {c}" not in readme] == []


def test_every_make_target_is_in_the_readme(root):
    """Each target of the Makefile's help is named in the README (``make docs`` included)."""
    import re

    makefile = (root / "Makefile").read_text(encoding="utf-8")
    targets = re.findall(r"^([a-z-]+):.*## ", makefile, flags=re.M)
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "docs" in targets and [t for t in targets if f"make {t}" not in readme] == []


def test_every_module_of_the_library_says_what_it_is(root):
    """The API reference (``make docs``) is built from docstrings: every package and module has one."""
    import importlib
    import pkgutil

    import ejournal_lib

    names = [m.name for m in pkgutil.walk_packages(ejournal_lib.__path__, "ejournal_lib.")]
    missing = [n for n in names if not (importlib.import_module(n).__doc__ or "").strip()]
    assert len(names) > 80 and missing == []


def test_the_analysts_own_data_folder_is_ignored_by_git(root, tmp_path):
    """``data/local/`` (the analyst's own files, README «Registering data») is never committed."""
    import subprocess

    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "data/local/pilot/timeuse_sessions.csv"], cwd=root, check=False
    )
    assert ignored.returncode == 0
