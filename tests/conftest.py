"""Shared fixtures: the project root, the default scenario and its parts, and one real pipeline run."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def scenario_file(dest: Path, overrides: dict | None = None, *, small: bool = True) -> Path:
    """Write the default scenario with ``overrides`` (``{"cba.frame.discount_rate": 0.03}``) applied to ``dest``,
    and with the suite's small samples (``tests/data/small_samples.yaml``) unless ``small`` is false."""
    import yaml

    from ejournal_lib.common.yaml_io import read_yaml
    from ejournal_lib.scenario.overrides import apply_overrides

    changes = {**(read_yaml(DATA / "small_samples.yaml", "test samples") if small else {}), **(overrides or {})}
    data = apply_overrides(read_yaml(ROOT / "config" / "ssd2020.yaml", "default scenario"), changes)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest


@pytest.fixture(scope="session", autouse=True)
def disclosure_registries(tmp_path_factory):
    """Every project's disclosure registry in a folder of the test session, never the developer's own (what a
    developer published would otherwise hide services in tests that compute other registrations)."""
    import os

    from ejournal_lib.common.disclosure_registry import HOME_VARIABLE

    os.environ[HOME_VARIABLE] = str(tmp_path_factory.mktemp("disclosure"))
    yield
    os.environ.pop(HOME_VARIABLE, None)


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
    """The real pipeline on the embedded data, run once per test session in a copy of the project whose default
    scenario has the suite's small samples (``tests/data/small_samples.yaml``): every table, appendix and rule
    of the published run, with Monte Carlo figures from fewer draws."""
    from ejournal_lib.pipeline.paths import ProjectPaths
    from ejournal_lib.pipeline.runner import failure_summary, run_pipeline
    from tests.pipeline.helpers import copy_project

    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    project = copy_project(ROOT, tmp_path_factory.mktemp("e2e"), notebooks, small=True)
    report = run_pipeline(
        ProjectPaths.at(project), jobs=1
    )  # in this process: the other xdist worker has the second core
    assert report.ok, failure_summary(report)
    return report.paths, report


@pytest.fixture(scope="session")
def small_graph(tmp_path_factory):
    """The result graph of the default scenario with the suite's small samples, computed once per session."""
    from ejournal_lib.results.graph import result_graph
    from ejournal_lib.scenario import load_scenario

    return result_graph(load_scenario(scenario_file(tmp_path_factory.mktemp("graph") / "small.yaml"), root=ROOT))


def pytest_itemcollected(item):
    """Tests that read the shared pipeline run, or the shared small graph, go to one pytest-xdist worker each,
    so that each is computed once (marked as they are collected, before pytest-xdist reads the groups)."""
    for shared in ("pipeline_run", "small_graph"):
        if shared in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(shared))
            break
