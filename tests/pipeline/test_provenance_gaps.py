"""Provenance without gaps: the loader reads no file the hashing leaves out (a hidden table is refused), a
folder of links into the example data is synthetic, and a scenario that takes another scenario's name is
refused rather than replacing that scenario's publication."""

from __future__ import annotations

import json
import shutil

import pytest

from ejournal_lib.common.errors import ConfigError, InputError
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.runner import run_pipeline
from ejournal_lib.scenario import load_scenario
from ejournal_lib.scenario.data_kinds import example_inputs
from ejournal_lib.timeuse.data import load_scenario_timeuse
from tests.conftest import scenario_file

from .helpers import copy_project


def _timeuse_copy(root, folder):
    shutil.copytree(root / "data" / "raw" / "example" / "timeuse", folder)
    return folder


def test_a_hidden_time_use_table_is_refused_not_read_unhashed(root, tmp_path):
    folder = _timeuse_copy(root, tmp_path / "timeuse")
    shutil.copy(folder / "timeuse_sessions.csv", folder / ".timeuse_sessions_gp.csv")
    (folder / ".ipynb_checkpoints").mkdir()
    shutil.copy(folder / "timeuse_activities.csv", folder / ".ipynb_checkpoints" / "timeuse_activities-checkpoint.csv")
    scenario = load_scenario(root / "config" / "ssd2020.yaml", {"data.timeuse": [str(folder)]}, root=root)
    with pytest.raises(InputError) as err:
        load_scenario_timeuse(scenario)
    text = str(err.value)
    assert ".timeuse_sessions_gp.csv" in text and "timeuse_activities-checkpoint.csv" in text and "hidden" in text
    (folder / ".DS_Store").write_bytes(b"\0\1")  # a hidden file that is no table is left alone
    shutil.rmtree(folder / ".ipynb_checkpoints")
    (folder / ".timeuse_sessions_gp.csv").unlink()
    assert len(load_scenario_timeuse(scenario).sessions) > 0


def test_a_folder_of_links_into_the_example_data_is_synthetic(root, tmp_path):
    folder = tmp_path / "links"
    folder.mkdir()
    for f in (root / "data" / "raw" / "example" / "timeuse").iterdir():
        (folder / f.name).symlink_to(f)
    linked = load_scenario(root / "config" / "ssd2020.yaml", {"data.timeuse": [str(folder)]}, root=root)
    assert "timeuse" in example_inputs(linked)
    copied = _timeuse_copy(root, tmp_path / "copied")  # a real copy outside the folder: what it says it is
    real = load_scenario(root / "config" / "ssd2020.yaml", {"data.timeuse": [str(copied)]}, root=root)
    assert "timeuse" not in example_inputs(real)


def test_a_scenario_taking_another_scenarios_name_is_refused(root, tmp_path):
    project = copy_project(root, tmp_path / "p", ["governance"])
    paths = ProjectPaths.at(project).for_scenario("ssd2020")
    paths.reports.mkdir(parents=True)
    (paths.reports / "manifest.json").write_text(json.dumps({"scenario_path": "config/ssd2020.yaml"}))
    impostor = scenario_file(project / "config" / "copy.yaml", {"cba.frame.discount_rate": 0.03})
    with pytest.raises(ConfigError, match="ssd2020.*config/ssd2020.yaml.*--replace"):
        run_pipeline(ProjectPaths.at(project), impostor)
    assert not (paths.reports / "appendices").exists()  # nothing ran
