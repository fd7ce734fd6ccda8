"""Disclosure control across publications: a publication whose registrations overlap an earlier one's, but
differ from them, shows nothing a reader could difference against it. The attacks of issue 23 (a scenario
without one municipality's rows, one without one staff member's) are run on the result graph of a copy of the
project, with and without the earlier publication in the registry."""

from __future__ import annotations

import pickle
import shutil

import numpy as np
import pandas as pd
import pytest

from ejournal_lib.common.disclosure import Block, against_earlier
from ejournal_lib.common.disclosure_registry import DisclosureRegistry
from ejournal_lib.results import result_graph
from ejournal_lib.scenario import load_scenario
from tests.conftest import scenario_file

TABLE = "timeuse_addressable_by_service"
pytestmark = pytest.mark.xdist_group("published_default")  # the module's published default, computed once


def graph_of(dest, name):
    """The result graph of scenario ``name`` of the project at ``dest`` (its registry is ``dest``'s)."""
    return result_graph(load_scenario(dest / "config" / f"{name}.yaml", root=dest))


def block(units, *cells):
    return Block(frozenset(units), frozenset(frozenset(c) for c in cells))


def test_a_total_is_safe_beside_an_earlier_one_only_when_disjoint_or_the_same():
    earlier = [block("abcdefgh", "abcdefgh", "abcd", "efgh")]
    assert against_earlier({"s": block("xyz", "xyz")}, earlier) == set()  # no unit shared
    assert against_earlier({"s": block("abcdefgh", "abcdefgh", "abcd")}, earlier) == set()  # shows less
    assert against_earlier({"s": block("abcdefgh", "abcdefgh", "abc", "defgh")}, earlier) == {"s"}  # other cells
    assert against_earlier({"s": block("abcdefg", "abcdefg")}, earlier) == {"s"}  # a day fewer
    assert against_earlier({"s": block("abcdefghi", "abcdefghi")}, earlier) == {"s"}  # a day more


def test_the_registry_keeps_hashes_once_and_never_the_key_in_a_copy(tmp_path):
    registry = DisclosureRegistry.read(tmp_path)
    days = pd.DataFrame({"staff_id": ["P1", "P1", "P2"], "date": ["2020-02-04", "2020-02-05", "2020-02-04"]})
    ids = registry.unit_ids(days)
    assert ids.nunique() == 3 and not ids.str.contains("P1|2020").any()
    assert registry.unit_ids(days.assign(minutes=[1, 2, 3])).tolist() != ids.tolist()  # a changed registration
    b = block(ids, ids[:2], ids)
    first = registry.record("a", tmp_path / "out", [b])
    assert registry.record("a", tmp_path / "out", [b]) == first  # the same content, kept once
    assert DisclosureRegistry.read(tmp_path).blocks == (b,)
    assert registry.key not in pickle.dumps(registry)
    assert pickle.loads(pickle.dumps(registry)).key == registry.key
    assert DisclosureRegistry.read(tmp_path).forget(tmp_path / "out") == 1
    assert DisclosureRegistry.read(tmp_path).blocks == ()


@pytest.fixture(scope="module")
def project(tmp_path_factory, root):
    """A copy of the project whose default scenario has been published (its blocks recorded)."""
    dest = tmp_path_factory.mktemp("publications")
    shutil.copytree(root / "config", dest / "config")
    shutil.copytree(root / "data" / "raw", dest / "data" / "raw")
    (dest / "pyproject.toml").write_text("", encoding="utf-8")
    scenario_file(dest / "config" / "ssd2020.yaml")
    graph = graph_of(dest, "ssd2020")
    registry = DisclosureRegistry.read(dest)
    registry.record("ssd2020", dest / "out", graph.get("timeuse_published_blocks"))
    return dest, graph.get(TABLE), graph.get("timeuse_data")


def variant(project, name, keep):
    """A scenario of the project reading a copy of the registrations with only the sessions ``keep`` selects."""
    dest, _, _ = project
    folder = dest / "data" / "local" / name
    source = dest / "data" / "raw" / "example" / "timeuse"
    shutil.copytree(source, folder)
    sessions = pd.read_csv(source / "timeuse_sessions.csv", dtype=str)
    sessions[keep(sessions)].to_csv(folder / "timeuse_sessions.csv", index=False)
    for other in ("timeuse_activities.csv", "timeuse_work_sampling.csv"):
        rows = pd.read_csv(source / other, dtype=str, keep_default_na=False)
        rows[rows["session_id"].isin(sessions.loc[keep(sessions), "session_id"])].to_csv(folder / other, index=False)
    return scenario_file(
        dest / "config" / f"{name}.yaml",
        {"name": name, "data.timeuse": [str(folder)], "settings.synthetic_inputs": ["timeuse"]},
    )


def recovered(a: pd.DataFrame, b: pd.DataFrame) -> pd.Series:
    """The attacker's formula: the mean of the staff-days in A but not in B, per service."""
    a = a.set_index("service")
    b = b.set_index("service").reindex(a.index)
    days_a, days_b = a["n_staff_days"], b["n_staff_days"]
    mean_a, mean_b = a["baseline_addressable_minutes"], b["baseline_addressable_minutes"]
    return ((mean_a * days_a - mean_b * days_b) / (days_a - days_b)).replace([np.inf, -np.inf], np.nan)


def attack(project, name, keep):
    """What the attacker recovers of the rows ``keep`` leaves out, against the true mean of those rows; and
    what he would recover if the earlier publication were not in the registry."""
    dest, published, days = project
    variant(project, name, keep)
    protected = graph_of(dest, name).get(TABLE)
    folder = DisclosureRegistry.read(dest).folder
    registry_copy = dest.parent / f"{name}-registry"
    shutil.move(folder, registry_copy)  # the same scenario with no earlier publication on record
    try:
        unprotected = graph_of(dest, name).get(TABLE)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.move(registry_copy, folder)
    return recovered(published, protected), recovered(published, unprotected)


def left_out_means(data, keep) -> pd.Series:
    """Independent truth: the mean addressable minutes of the staff-days ``keep`` leaves out, per service."""
    acts = data.activities
    per_day = acts[acts["addressable"]].groupby("session_id")["minutes"].sum()
    out = data.sessions[~keep(data.sessions)]
    return out.assign(m=out["session_id"].map(per_day).fillna(0.0)).groupby("service")["m"].mean()


def test_a_scenario_without_one_municipality_gives_back_nothing(project):
    stavanger = "1820"  # four small cells (3–4 staff) in the example data
    _, published, data = project
    left_out = data.sessions[data.sessions["municipality_code"] == stavanger]
    services = set(left_out["service"])
    assert services, "the example data have registrations in Stavanger"
    keep = lambda s: s["municipality_code"] != stavanger  # noqa: E731
    got, without_registry = attack(project, "uten_stavanger", keep)
    assert got.dropna().empty  # every service Stavanger is in is hidden in the variant
    # without the registry the same attack gives back the left-out days' mean, exactly
    truth = left_out_means(data, keep)
    shown = without_registry.dropna()
    assert set(shown.index) == services & set(published.dropna(subset=["n_staff_days"])["service"])
    assert np.allclose(shown, truth.reindex(shown.index))


def test_a_scenario_without_one_staff_member_gives_back_nothing(project):
    _, published, data = project
    staff = data.sessions["staff_id"].iloc[0]
    service = data.sessions.loc[data.sessions["staff_id"] == staff, "service"].iloc[0]
    keep = lambda s: s["staff_id"] != staff  # noqa: E731
    got, without_registry = attack(project, "uten_en_ansatt", keep)
    assert got.dropna().empty
    assert list(without_registry.dropna().index) == [service]
    assert np.isclose(without_registry[service], left_out_means(data, keep)[service])


def test_compare_and_sweep_show_nothing_from_the_registrations():
    """The claim in docs/disclosure.md: compare and sweep read key figures and effects, none of which rests on
    the time-use registrations, so only the baseline appendix and the factsheets (on record) show their cells."""
    from ejournal_lib.results import lineage

    for node in ("key_figures", "base_case_key_figures", "cba_effects", "expected_values", "cba_summary"):
        assert "timeuse_data" not in lineage.upstream(node), node
    assert "timeuse_data" in lineage.upstream("municipality_factsheet_data")
