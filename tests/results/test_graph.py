"""The result graph: its tables are the published ones, its lineage decides data status, and its key figures
are the analysis's own numbers."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from ejournal_lib.common.tables_io import read_table, write_table
from ejournal_lib.results.graph import ResultGraph, result_graph
from ejournal_lib.results.lineage import EXAMPLE, PUBLIC
from ejournal_lib.scenario import load_scenario
from tests.conftest import ROOT, scenario_file


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> ResultGraph:
    """The default scenario with the suite's small samples."""
    return result_graph(load_scenario(scenario_file(tmp_path_factory.mktemp("g") / "small.yaml"), root=ROOT))


def _comparable(df: pd.DataFrame, tmp_path) -> pd.DataFrame:
    """The table as it reads back from its CSV file (the published form)."""
    return read_table(write_table(df, "t", tmp_path))


@pytest.mark.e2e
def test_every_table_the_pipeline_publishes_is_the_graphs_node(pipeline_run, tmp_path):
    """Every CSV the pipeline publishes is its node's value, unchanged (the values the run computed, read from
    its store; nodes it did not need are computed here)."""
    from ejournal_lib.pipeline.plan import results_store

    paths, report = pipeline_run
    processed = paths.for_scenario("ssd2020").processed
    graph = result_graph(
        load_scenario(paths.root / "config" / "ssd2020.yaml", root=paths.root), store=results_store(processed)
    )
    nodes = [n for n in graph.nodes if (processed / f"{n}.csv").is_file()]
    assert len(nodes) >= 50, nodes
    values = graph.get(*nodes)
    problems = {}
    for name in nodes:
        try:
            published = read_table(processed / f"{name}.csv")
            if "data_status" in published.columns and "data_status" not in values[name].columns:
                # a table whose rows rest on different data: the column publish_result adds (tested below)
                assert set(published.pop("data_status")) == {"example", "public"}
            pd.testing.assert_frame_equal(_comparable(values[name], tmp_path), published, check_dtype=False, rtol=1e-9)
        except AssertionError as exc:
            problems[name] = str(exc).splitlines()[:6]
    assert not problems, problems


def test_declaring_the_survey_real_changes_exactly_its_dependents(small, tmp_path):
    """Replacing a synthetic input by a file declared real changes the data status of its dependents only."""
    real = tmp_path / "gp_survey.csv"
    shutil.copy(small.scenario.data.gp_survey, real)
    declared = result_graph(small.scenario.path, {"data.gp_survey": str(real)})
    before = {n: small.data_status(n) for n in small.nodes}
    after = {n: declared.data_status(n) for n in declared.nodes}
    changed = {n for n in before if before[n] != after[n]}
    dependents = {n for n in small.nodes if "gp_survey" in small.upstream(n) | {n}}
    assert "gp_survey" in changed and "gp_survey_estimates" in changed
    assert changed <= dependents
    # a dependent that stays synthetic rests on another synthetic input too
    for n in dependents - changed:
        assert declared.synthetic_inputs(n) - {"gp_survey"}, n
    assert all(after[n] == PUBLIC for n in changed)


def test_a_threshold_from_the_survey_is_synthetic_and_one_from_the_2020_rule_is_not(small):
    be = small.get("break_even")
    status = small.row_data_status("break_even")
    assert set(status[be["gp_assumption"].isin(["survey", "survey_incentive"])]) == {EXAMPLE}
    assert set(status[be["gp_assumption"] == "brief"]) == {PUBLIC}
    # the stop point SP2's threshold is the survey's break-even (config/stop_points.yaml)
    rule = next(c for sp in small.scenario.stop_points.stop_points for c in sp.criteria if c.id == "SP2-NULL")
    where = rule.threshold_from.where
    row = be[(be["quantity"] == where["quantity"]) & (be["gp_assumption"] == where["gp_assumption"])]
    assert status[row.index].tolist() == [EXAMPLE]


def test_key_figures_are_the_analysis_numbers_with_their_basis(small):
    kf = small.get("key_figures").set_index("figure")
    summary = small.get("cba_summary").set_index("metric")["value"]
    be = small.get("break_even")
    area = small.get("area")
    assert kf.loc["npv_base_case_mnok", "value"] == summary["npv_mnok"]
    assert kf.loc["expected_npv_mnok", "value"] == summary["expected_npv_mnok"]
    assert kf.loc["published_npv_mnok", "value"] == 2934.0  # the 2020 analysis (method brief)
    # NOK per inhabitant of the area: MNOK × 10^6 / inhabitants
    assert kf.loc["npv_per_inhabitant_nok", "value"] == pytest.approx(
        summary["npv_mnok"] * 1e6 / area["population"].sum()
    )
    stated = small.scenario.participation.gp_assumption
    row = be[(be["quantity"] == "municipal_final_share") & (be["gp_assumption"] == stated)]
    assert kf.loc["break_even_municipal_final_share_stated", "value"] == row["break_even_share"].iloc[0]
    assert kf.loc["break_even_municipal_final_share_stated", "gp_assumption"] == stated
    assert set(kf["basis"]) == {
        "base_case",
        "expected_with_event_risks",
        "simulation",
        "published_2020",
        "previous_baseline",
        "break_even",
    }
    assert kf.loc["npv_previous_baseline_mnok", "value"] == small.get("npv_bridge")["npv_mnok"].iloc[0]
    assert kf.index.is_unique and np.isfinite(kf["value"]).all()


def test_one_call_from_jupyterlab_and_unknown_names(small):
    assert small.get("area") is small.get("area")  # computed once, kept
    with pytest.raises(KeyError, match="no result named nonsense"):
        small.get("nonsense")


def test_the_pictures_topics_hold_every_node_once_and_follow_the_computation():
    from ejournal_lib.results import lineage

    topics = lineage.topics()
    names = [n for ns in topics.values() for n in ns]
    assert len(names) == len(set(names))
    assert {"key_figures", "stop_points", "simulation", "area"} <= set(names)
    edges = lineage.topic_edges()
    assert ("inputs", "analysis") in edges and ("analysis", "key_figures") in edges
    assert ("analysis", "inputs") not in edges  # nothing flows back to the inputs


def test_risk_sharing_and_value_of_information_use_the_simulations_own_draws(small):
    """One simulation: the risk-sharing draws are its first draws (same net present value, draw by draw), and
    the value of information is computed from its draws and present values."""
    from ejournal_lib.cba.risk_sharing import simulate_risk
    from ejournal_lib.results import lineage

    s = small.scenario
    sim, draws, inputs, shares = small.get("simulation", "draws", "cba_inputs", "public_share").values()
    k = min(inputs.risk_sharing.n_draws, len(sim), 500)
    risk = simulate_risk(
        inputs, s.actor_mapping, s.settings.financing_key, shares, k, s.settings.seed, inputs.risk_sharing, draws=draws
    )
    np.testing.assert_allclose(risk.total_npv, sim["npv"].to_numpy()[:k], rtol=1e-9, atol=1e-6)
    assert {"simulation", "draws"} <= lineage.upstream("voi_evppi")


def _summaries(paths) -> dict[str, str]:
    """The opening summary (the list it starts with) of each appendix's HTML, as flat text."""
    from bs4 import BeautifulSoup

    out = {}
    for html in sorted(paths.appendices.glob("*.html")):
        summary = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").find("ul", class_="ej-summary")
        if summary is not None:
            out[html.stem] = re.sub(r"[\s\u00a0\u202f]+", " ", summary.get_text(" "))
    return out


@pytest.mark.e2e
def test_every_net_present_value_and_break_even_in_the_summaries_is_a_key_figure(pipeline_run):
    """The contradiction of four net present values cannot recur: each one a summary states is a row of
    key_figures, and so is each break-even share."""
    from ejournal_lib.common.formatting import fmt_mnok, fmt_percent
    from ejournal_lib.pipeline.plan import results_store

    paths, _ = pipeline_run
    store = results_store(paths.for_scenario("ssd2020").processed)
    kf = result_graph(load_scenario(paths.root / "config" / "ssd2020.yaml", root=paths.root), store=store).get(
        "key_figures"
    )
    mnok = {re.sub(r"[\s\u202f]+", " ", fmt_mnok(v)) for v in kf.loc[kf["unit"] == "mnok", "value"]}
    shares = {re.sub(r"[\s\u202f]+", " ", fmt_percent(v, 0)) for v in kf.loc[kf["basis"] == "break_even", "value"]}
    summaries = _summaries(paths.for_scenario("ssd2020"))
    assert {"cba", "governance", "participation"} <= set(summaries)
    amount = r"(−?\d[\d ]*) mill\. kr"
    found_npv, found_be = 0, 0
    for name, text in summaries.items():
        for sentence in re.split(r"(?<=[.;])\s(?=[A-ZÆØÅ«])", text):  # not after "mill."
            if "nåverdi" in sentence and "nullpunkt" not in sentence and "verdt" not in sentence:
                # an amount right after "nåverdi …", "fra", "til", "gir", "P10/P50/P90" or before "publisert"
                for m in re.finditer(r"\b(?:nåverdi(?: er)?|fra|til|gir|P\d0) " + amount, sentence):
                    found_npv += 1
                    assert f"{m.group(1)} mill. kr" in mnok, (name, sentence)
            for m in re.finditer(r"null ved (\d+ %)", sentence):
                found_be += 1
                assert m.group(1) in shares, (name, sentence)
    assert found_npv >= 6 and found_be >= 2


class _Graph:
    """A stand-in for ResultGraph with one table whose rows have the given data status."""

    def __init__(self, statuses):
        self.table = pd.DataFrame({"gp_assumption": ["brief"] * len(statuses), "break_even_share": 0.5})
        self.statuses = pd.Series(statuses)

    def get(self, name):
        return self.table

    def row_data_status(self, name):
        return self.statuses


@pytest.mark.parametrize(
    "statuses, column, meta_status",
    [([EXAMPLE, PUBLIC], True, "mixed"), ([EXAMPLE, EXAMPLE], False, "example"), ([PUBLIC], False, "public")],
)
def test_a_published_node_is_marked_by_its_lineage(tmp_path, statuses, column, meta_status):
    from ejournal_lib.common.tables_io import read_table_meta
    from ejournal_lib.publishing.tables import publish_result

    publish_result(_Graph(statuses), "break_even", tmp_path, caption="Nullpunkt", show=False)
    written = read_table(tmp_path / "break_even.csv")
    meta = read_table_meta(tmp_path, "break_even")
    assert ("data_status" in written.columns) == column
    if column:
        assert written["data_status"].tolist() == ["example", "public"]
        assert "delvis eksempeldata" in meta["caption"]
    assert meta["data_status"] == meta_status
    assert meta["synthetic"] == (meta_status == "example")


class _Planted:
    """A pickle that, when loaded, leaves a file behind (what an attacker's would do worse)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_the_store_never_unpickles_a_file_it_did_not_sign(small, tmp_path):
    import pickle

    store = tmp_path / "store"
    store.mkdir()
    marker = tmp_path / "planted-code-ran"
    (store / "area.pkl").write_bytes(b"\0" * 32 + pickle.dumps(_Planted(marker)))
    graph = ResultGraph(small.scenario, store)
    area = graph.get("area")
    assert not marker.exists()  # the planted file was not loaded: the area was computed
    assert len(area) > 250
    # what the graph writes, it reads back (signed by this user), and the value is the same
    again = ResultGraph(small.scenario, store).get("area")
    pd.testing.assert_frame_equal(again, area)
