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
from tests.conftest import ROOT


@pytest.fixture
def small(small_graph) -> ResultGraph:
    """The default scenario with the suite's small samples (shared by the session)."""
    return small_graph


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
        load_scenario(paths.root / "config" / "ssd2020.yaml", root=paths.root),
        store=results_store(paths.for_scenario("ssd2020")),
    )
    nodes = [n for n in graph.nodes if (processed / f"{n}.csv").is_file()]
    assert len(nodes) >= 50, nodes
    values = graph.get(*nodes)
    problems = {}
    for name in nodes:
        try:
            published = read_table(processed / f"{name}.csv")
            if "data_basis" in published.columns and "data_basis" not in values[name].columns:
                # a table whose rows rest on different data: the column publish_result adds (tested below)
                assert published.pop("data_basis").nunique() > 1
            pd.testing.assert_frame_equal(_comparable(values[name], tmp_path), published, check_dtype=False, rtol=1e-9)
        except AssertionError as exc:
            problems[name] = str(exc).splitlines()[:6]
    assert not problems, problems


def test_declaring_the_survey_real_changes_exactly_its_dependents(small, tmp_path):
    """Replacing a synthetic input by a file declared real changes the data status of its dependents only."""
    real = tmp_path / "gp_survey.csv"
    shutil.copy(small.scenario.data.gp_survey, real)
    declared = result_graph(small.scenario.path, {"data.gp_survey": str(real)})
    dependents = {n for n in small.nodes if "gp_survey" in small.upstream(n) | {n}}
    before = {n: small.data_status(n) for n in small.nodes}
    # what does not rest on the survey has the same value under both (computed once, in ``small``)
    declared._values.update({n: small.get(n) for n in small.nodes if n not in dependents})
    after = {n: declared.data_status(n) for n in declared.nodes}
    changed = {n for n in before if before[n] != after[n]}
    assert "gp_survey" in changed and "gp_survey_estimates" in changed
    assert changed <= dependents
    # a dependent that stays synthetic rests on another synthetic input too; one that was public stays public
    # (its rows do not use the survey: the summary's break-even follows the 2020 GP rule)
    for n in dependents - changed:
        assert declared.synthetic_inputs(n) - {"gp_survey"} or before[n] == PUBLIC, n
    assert all(after[n] == PUBLIC for n in changed)
    # declared real, the survey is the project's own registration; what does not rest on it keeps its kinds
    assert small.data_kinds("gp_survey") == ("example",) and declared.data_kinds("gp_survey") == ("measured",)
    assert "measured" in declared.data_kinds("gp_survey_estimates")
    assert {n: declared.data_kinds(n) for n in small.nodes if n not in dependents} == {
        n: small.data_kinds(n) for n in small.nodes if n not in dependents
    }


def test_each_node_has_the_kinds_of_data_its_inputs_have(small):
    """Kinds follow the lineage: the area from SSB's statistics only; the analysis from the 2020 figures (the
    operation cost calibrated) and the statistics; a stop-point rule is an analysis choice; the plus-minus
    assessment a manual one."""
    assert small.data_kinds("area") == ("public_statistics",)
    # the 2020 figures, the calibrated operation cost, and the actor mapping's public shares (tax financing)
    assert small.data_kinds("cba_reconciliation") == ("published_2020", "calibrated", "analysis_choice")
    # who gains: the actor mapping is the analysis's choice; per municipality: by SSB's population
    assert small.data_kinds("actor_views") == ("published_2020", "calibrated", "analysis_choice")
    assert small.data_kinds("municipality_distribution")[0] == "public_statistics"
    # the summary's break-even follows the 2020 GP rule by default: nothing in the summary is synthetic; under
    # the survey's GP share the break-even would be (the break-even table's survey rows, below)
    summary = small.get("cba_summary").set_index("metric")
    kinds = small.row_data_kinds("cba_summary").set_axis(summary.index)
    assert summary.loc["break_even_municipal_share", "gp_assumption"] == small.scenario.participation.gp_assumption
    assert small.scenario.participation.gp_assumption == "brief"
    assert not kinds.str.contains("example").any()
    assert small.data_kinds("cba_non_priced") == ("manual_assessment",)
    assert small.data_kinds("change_log") == ("manual_assessment",)
    assert small.data_kinds("timeline") == ("analysis_choice",)
    assert small.data_kinds("timeuse_addressable_by_service")[0] == "example"  # the synthetic registrations
    sp = small.get("stop_points").set_index("criterion_id")["data_basis"]
    manual = [c.id for p in small.scenario.stop_points.stop_points for c in p.criteria if c.type == "manual"]
    assert set(sp[manual]) == {"manual_assessment"}
    # the threshold is the break-even under the stated GP assumption (the 2020 rule): no example data
    assert "example" not in sp["SP2-NULL"].split(",") and "published_2020" in sp["SP2-NULL"].split(",")
    assert "example" not in sp["SP1-NNV"].split(",")  # the base case: 2020 figures and statistics


def test_a_threshold_from_the_survey_is_synthetic_and_one_from_the_2020_rule_is_not(small):
    be = small.get("break_even")
    status = small.row_data_status("break_even")
    assert set(status[be["gp_assumption"].isin(["survey", "survey_incentive"])]) == {EXAMPLE}
    assert set(status[be["gp_assumption"] == "brief"]) == {PUBLIC}
    # the stop point SP2's threshold is the break-even under the stated assumption (config/stop_points.yaml):
    # one row, the 2020 rule's, resting on public data
    rule = next(c for sp in small.scenario.stop_points.stop_points for c in sp.criteria if c.id == "SP2-NULL")
    where = rule.threshold_from.where
    row = be[(be["quantity"] == where["quantity"]) & (be["stated"] == where["stated"])]
    assert row["gp_assumption"].tolist() == ["brief"] and status[row.index].tolist() == [PUBLIC]


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
    store = results_store(paths.for_scenario("ssd2020"))
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
    """A stand-in for ResultGraph with one table whose rows rest on the given kinds of data."""

    def __init__(self, kinds):
        self.table = pd.DataFrame({"gp_assumption": ["brief"] * len(kinds), "break_even_share": 0.5})
        self.kinds = pd.Series(kinds)

    def get(self, name):
        return self.table

    def row_data_kinds(self, name):
        return self.kinds


SYNTHETIC, STATISTICS = "example,public_statistics", "public_statistics"


@pytest.mark.parametrize(
    "statuses, column, meta_status",
    [
        ([SYNTHETIC, STATISTICS], True, "mixed"),
        ([SYNTHETIC, SYNTHETIC], False, "example"),
        ([STATISTICS], False, "public"),
        ([STATISTICS, "published_2020"], True, "public"),
    ],
)
def test_a_published_node_is_marked_by_its_lineage(tmp_path, statuses, column, meta_status):
    from ejournal_lib.common.tables_io import read_table_meta
    from ejournal_lib.publishing.tables import publish_result

    publish_result(_Graph(statuses), "break_even", tmp_path, caption="Nullpunkt", show=False)
    written = read_table(tmp_path / "break_even.csv")
    meta = read_table_meta(tmp_path, "break_even")
    assert ("data_basis" in written.columns) == column
    if column:
        assert written["data_basis"].tolist() == statuses
    assert ("delvis eksempeldata" in meta["caption"]) == (meta_status == "mixed")
    assert set(meta["data_kinds"]) == {k for s in statuses for k in s.split(",")}
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


def test_the_population_date_comes_from_the_population_file(tmp_path):
    """The words «1.1.2020» are the file's reference date: a file counted a year later says 1.1.2021."""
    import datetime as dt

    from ejournal_lib.common.formatting import fmt_short_date

    assert fmt_short_date(result_graph("config/ssd2020.yaml").get("population_date")) == "1.1.2020"
    later = pd.read_csv(ROOT / "data" / "raw" / "population_municipality_2020.csv", dtype=str)
    later["reference_date"], later["year"] = "2021-01-01", "2021"
    path = tmp_path / "population.csv"
    later.to_csv(path, index=False)
    graph = result_graph("config/ssd2020.yaml", {"data.population": str(path)})
    assert graph.get("population_date") == dt.date(2021, 1, 1)
    assert fmt_short_date(graph.get("population_date")) == "1.1.2021"


def test_forecasts_lie_inside_their_own_intervals(small):
    """The commitment forecast and the roll-out path built on it: every forecast within its interval."""
    f = small.get("commitment_forecast").dropna(subset=["low", "high"])
    assert len(f) and f["forecast_share"].between(f["low"] - 1e-12, f["high"] + 1e-12).all()
    p = small.get("participation_forecast").dropna(subset=["low", "high"])
    assert len(p) and p["municipal_population_share"].between(p["low"] - 1e-12, p["high"] + 1e-12).all()


def test_every_conclusion_is_a_node_of_its_own(small):
    """``ResultGraph.conclusion(code)`` computes node ``<code>_conclusion`` alone: every row of the
    conclusions table has such a node, and reading one gives the table's sentence."""
    table = small.get("conclusions").set_index("conclusion")
    for code in table.index:
        assert f"{code}_conclusion" in small.nodes
    assert small.conclusion("cost")[0] == table.loc["cost", "sentence"]
