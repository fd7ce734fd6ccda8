"""Shared fixtures: the project root and the default scenario's inputs."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def inputs():
    from ejournal_lib.cba.inputs import load_cba_inputs

    return load_cba_inputs(ROOT / "config" / "ssd2020.yaml")


@pytest.fixture(scope="session")
def mapping():
    from ejournal_lib.cba.actors import load_actor_mapping

    return load_actor_mapping(ROOT / "config" / "actor_mapping.yaml")


@pytest.fixture(scope="session")
def public_share(inputs, mapping):
    from ejournal_lib.cba.actors import public_shares
    from ejournal_lib.cba.engine import budget_pairs

    return public_shares(mapping, budget_pairs(inputs), "ssd2020")


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory):
    """The real pipeline on the embedded data, run once per test session into a temporary folder."""
    from ejournal_lib.pipeline.paths import ProjectPaths
    from ejournal_lib.pipeline.runner import failure_summary, run_pipeline

    paths = ProjectPaths.at(ROOT, tmp_path_factory.mktemp("e2e"))
    report = run_pipeline(paths, jobs=2)
    assert report.ok, failure_summary(report)
    return paths, report
