"""Shared fixtures: the project root, the default scenario and its parts, and one real pipeline run."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def scenario():
    from ejournal_lib.scenario import load_scenario

    return load_scenario(ROOT / "config" / "ssd2020.yaml", root=ROOT)


@pytest.fixture(scope="session")
def inputs(scenario):
    return scenario.cba


@pytest.fixture(scope="session")
def mapping(scenario):
    return scenario.actor_mapping


@pytest.fixture(scope="session")
def public_share(scenario):
    from ejournal_lib.cba.tables import scenario_public_shares

    return scenario_public_shares(scenario)


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory):
    """The real pipeline on the embedded data, run once per test session into a temporary folder."""
    from ejournal_lib.pipeline.paths import ProjectPaths
    from ejournal_lib.pipeline.runner import failure_summary, run_pipeline

    paths = ProjectPaths.at(ROOT, tmp_path_factory.mktemp("e2e"))
    report = run_pipeline(paths, jobs=2)
    assert report.ok, failure_summary(report)
    return report.paths, report
