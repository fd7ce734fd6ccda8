"""End to end: the real notebooks on the embedded data, through papermill, nbconvert and WeasyPrint,
into a temporary folder. Checks numbers in the tables and text in the appendix, not only files."""

import json

import pandas as pd
import pytest
from pypdf import PdfReader

from ejournal_lib.pipeline.runner import run_pipeline

from .helpers import workbook_sheets

pytestmark = pytest.mark.e2e  # runs the real pipeline (papermill, nbconvert, WeasyPrint)


@pytest.fixture(scope="module")
def run(pipeline_run):
    return pipeline_run


def table(paths, name):
    return pd.read_csv(paths.processed / f"{name}.csv", dtype={"municipality_code": str})


def test_every_notebook_has_html_and_a4_pdf(run, root):
    paths, report = run
    names = sorted(p.stem for p in (root / "notebooks").glob("*.ipynb"))
    assert sorted(r.name for r in report.results) == names
    for name in names:
        html = (paths.appendices / f"{name}.html").read_text(encoding="utf-8")
        assert "<h1>" in html and "Scenario:" in html and "Git-commit" in html
        pdf = PdfReader(paths.appendices / f"{name}.pdf")
        box = pdf.pages[0].mediabox
        assert (float(box.width), float(box.height)) == pytest.approx((595.28, 841.89), abs=0.1)  # A4 in points
        assert "Scenario" in pdf.pages[0].extract_text()


def test_cba_numbers(run):
    paths, _ = run
    effects = table(paths, "cba_effects")
    summary = table(paths, "cba_summary").set_index("metric")["value"]
    # the published present value of operation is reproduced by the calibration
    assert effects.query("effect == 'operation'")["npv_mnok"].sum() == pytest.approx(-5279, abs=0.5)
    # investment: P50 without VAT, local costs in full = (4755 + 710 + 4060) / 1.25 = 7620 MNOK before discounting
    yearly = table(paths, "cba_yearly")
    assert yearly.query("effect == 'investment'")["value_mnok"].sum() == pytest.approx(-(4755 + 710 + 4060) / 1.25)
    dist = table(paths, "benefit_distribution")
    assert dist["net_mnok"].sum() == pytest.approx(summary["npv_mnok"])
    assert effects["npv_mnok"].sum() == pytest.approx(summary["npv_mnok"])
    assert len(table(paths, "municipality_distribution")) == 292
    unc = table(paths, "uncertainty_summary").set_index("quantity")
    assert {"mean", "sd", "se_mean", "p10", "p50", "p85", "p90", "prob_negative", "expected_mnok"} <= set(unc.columns)
    # the headline is the expected value; the simulated mean agrees within Monte Carlo error
    assert abs(summary["mc_npv_mean_mnok"] - summary["expected_npv_mnok"]) < 4 * summary["mc_npv_se_mnok"]
    assert unc.loc["npv", "p10"] < summary["expected_npv_mnok"] < unc.loc["npv", "p90"]
    be = table(paths, "break_even")
    assert set(be["quantity"]) == {"municipal_final_share", "gp_final_share"}
    assert {"brief", "survey", "survey_incentive"} <= set(be["gp_assumption"])  # the survey table was read
    scenarios = table(paths, "participation_scenarios")
    at_85 = scenarios.query("scenario_type == 'municipal' and municipal_final_share == 0.85")["npv_mnok"].iloc[0]
    assert at_85 == pytest.approx(summary["npv_mnok"])
    rec = table(paths, "cba_reconciliation").set_index("effect")
    assert rec.loc["npv", "published_mnok"] == 2934 and rec.loc["npv", "model_mnok"] == pytest.approx(
        summary["npv_mnok"]
    )
    for name in ("cba_sensitivity", "cba_non_priced", "cba_inputs_used", "actor_views", "municipal_cash_position"):
        assert len(table(paths, name)) > 0, name


def test_reconciliation_sensitivity_and_non_priced_are_shown(run):
    paths, _ = run
    html = (paths.appendices / "cba.html").read_text(encoding="utf-8")
    for caption in (
        "publisert i 2020 og modellen",
        "følsomhetsvariant",
        "Ikke-prissatte virkninger (analyseteamets forslag)",
    ):
        assert caption in html, caption
    sheets = workbook_sheets(paths.reports / "tabeller.xlsx")
    assert {"cba_reconciliation", "cba_sensitivity", "cba_non_priced"} <= set(sheets)


def test_cba_appendix_text(run):
    paths, _ = run
    html = (paths.appendices / "cba.html").read_text(encoding="utf-8")
    npv = table(paths, "cba_summary").set_index("metric")["value"]["npv_mnok"]
    shown = f"{abs(npv):,.0f}".replace(",", "\u202f")
    assert f"{shown} mill. kr" in html  # Norwegian format: thin-space thousands
    assert "er syntetiske eksempeldata" in html and "(eksempeldata)" in html
    assert 'alt="' in html and "data:image/png;base64" in html
    assert "def " not in html and "import " not in html  # code hidden


def test_manifest_and_workbook(run, root):
    paths, _ = run
    m = json.loads((paths.reports / "manifest.json").read_text(encoding="utf-8"))
    assert m["scenario"]["name"] == "ssd2020" and len(m["scenario"]["sha256"]) == 64
    assert "data/raw/population_municipality_2020.csv" in m["inputs"]
    assert m["versions"]["python"] and m["versions"]["pandas"]
    assert set(m["git"]) == {"commit", "dirty"}
    assert "non_priced_effects" in m["notebooks"]["cba"]["inputs"]
    sheets = workbook_sheets(paths.reports / "tabeller.xlsx")
    assert {"cba_effects", "benefit_distribution", "uncertainty_summary", "break_even"} <= set(sheets)


def test_second_run_is_cached(run):
    paths, _ = run
    m1 = json.loads((paths.reports / "manifest.json").read_text())
    again = run_pipeline(paths)
    assert all(r.status == "cached" for r in again.results)
    m2 = json.loads((paths.reports / "manifest.json").read_text())
    for m in (m1, m2):
        m.pop("started_utc"), m.pop("finished_utc")
    assert m1 == m2


@pytest.mark.slow
def test_a_forced_run_is_deterministic(run):
    paths, _ = run
    before = {t: (paths.processed / f"{t}.csv").read_bytes() for t in ("cba_effects", "uncertainty_summary")}
    forced = run_pipeline(paths, force=True)
    assert all(r.status == "ran" for r in forced.results)
    # same inputs and seed: identical tables, Monte Carlo included
    assert {t: (paths.processed / f"{t}.csv").read_bytes() for t in before} == before


def test_raw_data_untouched_and_every_input_hashed(run, root):
    from ejournal_lib.pipeline.provenance import hash_tree

    paths, _ = run
    m = json.loads((paths.reports / "manifest.json").read_text())
    now = hash_tree(root / "data" / "raw", root)
    # every raw file the scenario names is in the manifest with its current hash
    assert {k: v for k, v in m["inputs"].items() if k.startswith("data/raw")} == {
        k: v for k, v in now.items() if k in m["inputs"]
    }
    assert "data/raw/example/timeuse/timeuse_sessions.csv" in m["inputs"] and "config/actor_mapping.yaml" in m["inputs"]


def test_baseline_tables_have_intervals_and_suppression(run):
    paths, _ = run
    mpd = pd.read_csv(paths.processed / "timeuse_minutes_per_day.csv")
    assert {
        "service",
        "role",
        "activity_group",
        "minutes_per_day",
        "ci_low",
        "ci_high",
        "n_staff_days",
        "n_staff",
        "n_municipalities",
        "suppressed",
    } <= set(mpd.columns)
    assert mpd["minutes_per_day"].dtype == float  # machine-readable: a suppressed cell is empty, not "–"
    sessions = pd.read_csv(paths.root / "data" / "raw" / "example" / "timeuse" / "timeuse_sessions.csv")
    staff = sessions.groupby(["service", "role"])["staff_id"].nunique()
    cell_staff = staff.reindex(pd.MultiIndex.from_frame(mpd[["service", "role"]])).to_numpy()
    small = mpd[cell_staff < 5]
    assert len(small) and small["suppressed"].all()
    assert small[["minutes_per_day", "n_staff", "n_staff_days"]].isna().all().all()  # counts hidden too
    big = mpd[~mpd["suppressed"] & (mpd["activity_group"] == "documentation")]
    assert len(big) and (big["n_staff"] >= 5).all()
    assert (big["ci_low"] <= big["minutes_per_day"]).all() and not big["suppressed"].any()
    vs = pd.read_csv(paths.processed / "timeuse_vs_assumption.csv").set_index("service")
    assert vs.loc["home_services", "assumed_minutes_saved"] == 21
    assert vs.loc["home_services", "verdict"] in {"plausible", "questionable", "implausible"}
    assert len(pd.read_csv(paths.processed / "timeuse_sample_size.csv")) > 0
    sheet = workbook_sheets(paths.reports / "tabeller.xlsx")["timeuse_minutes_per_day"]
    wb = pd.read_excel(paths.reports / "tabeller.xlsx", sheet_name=sheet)
    assert wb["Minutter per dag"].dtype == float  # numeric in the workbook too
    assert wb[wb["Ansatte"] < 5]["Minutter per dag"].isna().all() and (wb[wb["Ansatte"] < 5]["Prikket"] == "Ja").all()
    html = (paths.appendices / "baseline.html").read_text(encoding="utf-8")
    assert (
        "er syntetiske eksempeldata" in html
        and "(eksempeldata)" in html
        and "t-intervall fra kommunenes summer" in html
    )


def test_participation_tables(run):
    paths, _ = run
    cov = pd.read_csv(paths.processed / "participation_coverage.csv")
    assert list(cov.columns) == [
        "date",
        "municipalities_signed",
        "population_signed",
        "share_of_population_outside_midt_norge",
    ]
    assert cov["share_of_population_outside_midt_norge"].is_monotonic_increasing
    key = pd.read_csv(paths.processed / "coverage_key_figures.csv").set_index("area")
    assert key.loc["outside_midt_norge", "population"] == 4_633_640
    assert key.loc["outside_midt_norge", "national_population"] == 5_367_580
    assert key.loc["outside_midt_norge", "fewest_largest_to_reach_target"] == 19
    assert key.loc["sensitivity", "population"] == 4_632_214
    fc = pd.read_csv(paths.processed / "participation_forecast.csv")
    assert list(fc.columns) == ["year", "scenario", "municipal_population_share", "gp_share", "low", "high"]
    assert set(pd.read_csv(paths.processed / "bass_fit.csv").columns) >= {
        "series",
        "method",
        "m",
        "p",
        "q",
        "se_m",
        "se_p",
        "se_q",
    }
    assert len(pd.read_csv(paths.processed / "gp_participation.csv"))


def test_governance_tables(run):
    paths, _ = run
    bridge = pd.read_csv(paths.processed / "npv_bridge.csv")
    assert list(bridge.columns[:4]) == ["step", "change_id", "npv_mnok", "delta_mnok"]
    summary = pd.read_csv(paths.processed / "cba_summary.csv").set_index("metric")["value"]
    assert bridge["npv_mnok"].iloc[-1] == pytest.approx(summary["npv_mnok"])
    assert bridge["delta_mnok"].sum() == pytest.approx(bridge["npv_mnok"].iloc[-1] - bridge["npv_mnok"].iloc[0])
    sp = pd.read_csv(paths.processed / "stop_points.csv")
    assert {"stop_point", "criterion", "value", "evidence", "threshold", "status", "source"} <= set(sp.columns)
    assert set(sp["stop_point"]) == {"SP1", "SP2", "SP3", "SP4"}
    assert set(sp["status"]) <= {"met", "not_met", "not_assessable"}
    goals = pd.read_csv(paths.processed / "goal_register.csv")
    # the freed-time baseline for home services comes from the time-use baseline
    tu = pd.read_csv(paths.processed / "timeuse_addressable_by_service.csv").set_index("service")
    assert goals.set_index("goal_id").loc["D1-HOME", "baseline"] == pytest.approx(
        float(tu.loc["home_services", "baseline_addressable_minutes"])
    )
    # ... which is synthetic here: the row and the table say so; a goal whose baseline the documents give does not
    basis = goals.set_index("goal_id")["data_basis"]
    assert "example" in basis["D1-HOME"].split(",") and basis["D6"] == "published_2020" and pd.isna(basis["E1"])
    html = (paths.appendices / "governance.html").read_text(encoding="utf-8")
    assert "ej-filterable" in html and "Endringslogg" in html
    assert "Målregister (delvis eksempeldata" in html
    # the value of the stop points (issue 24): one row per stop point, options worth ≥ 0, in the appendix
    value = pd.read_csv(paths.processed / "stop_point_value.csv")
    assert value["stop_point"].tolist() == ["SP1", "SP2", "SP3", "SP4"]
    assert (value[["value_in_sequence_mnok", "option_alone_mnok"]] >= -1e-9).all().all()
    assert value["prob_stop"].between(0, 1).all() and value.loc[0, "option_alone_mnok"] == 0  # SP1 learns nothing
    assert "Verdien av stoppunktene" in html


def test_every_appendix_on_example_data_says_so_first(run):
    paths, _ = run
    for name in ("baseline", "cba", "participation", "governance"):
        html = (paths.appendices / f"{name}.html").read_text(encoding="utf-8")
        banner = html.find('class="ej-banner">Datagrunnlag:')
        assert 0 < banner < html.find("<main>"), name  # in the header, before the body


def test_every_published_column_has_a_unique_norwegian_header(run, root):
    from ejournal_lib.common.labels import header, relabel
    from ejournal_lib.pipeline.notebooks import discover_notebooks

    paths, _ = run
    for spec in discover_notebooks(root / "notebooks").values():
        for t in spec.writes:
            df = pd.read_csv(paths.processed / f"{t}.csv", dtype={"municipality_code": str})
            headers = [header(c, t) for c in df.columns]
            assert len(set(headers)) == len(headers), f"{t}: duplicate headers {headers}"
            relabel(df, t)  # every code in a coded column has a word
    xl = pd.ExcelFile(paths.reports / "tabeller.xlsx")
    assert "Dataordbok" in xl.sheet_names
    effects = pd.read_excel(xl, sheet_name=workbook_sheets(paths.reports / "tabeller.xlsx")["cba_effects"])
    assert list(effects.columns) == ["Virkning", "Tjeneste eller post", "Aktør", "Netto nåverdi (mill. kr)"]
    assert "Frigjort tid" in set(effects["Virkning"]) and "time_savings" not in set(effects["Virkning"])
    dictionary = pd.read_excel(xl, sheet_name="Dataordbok")
    assert {"Ark", "Tabell (fil)", "Kode (kolonne)", "Overskrift"} <= set(dictionary.columns)
    assert set(dictionary["Ark"]) == set(xl.sheet_names) - {"Les meg", "Dataordbok"}


def test_risk_sharing_in_appendix_and_workbook(run):
    paths, _ = run
    risk = table(paths, "risk_sharing")
    assert set(risk["rule"]) == {"brief", "overrun_guarantee", "price_cap", "benefit_price"}
    assert set(risk["measure"]) == {"npv", "cash"} and "total" in set(risk["actor"])
    assert list(risk.columns) == ["rule", "actor", "measure", "mean", "p10", "p85_cost", "p50", "p90", "prob_negative"]
    html = (paths.appendices / "cba.html").read_text(encoding="utf-8")
    assert "Risikodeling: hvem bærer usikkerheten" in html and "Overskridelsesgarantien koster staten" in html
    sheets = workbook_sheets(paths.reports / "tabeller.xlsx")
    assert {"risk_sharing", "municipal_risk", "risk_guarantee_correlation"} <= set(sheets)
    assert len(table(paths, "municipal_risk")) == 292


def test_value_of_information_in_appendix_and_workbook(run):
    paths, _ = run
    key = table(paths, "voi_summary").set_index("metric")["value"]
    evppi = table(paths, "voi_evppi").set_index("parameter_group")
    assert {"time_all", "transition", "harms", "legacy", "investment", "rollout_scale", "gp_scale"} <= set(evppi.index)
    assert (evppi["evppi_mnok"] <= key["evpi_mnok"] + 1e-9).all() and key["evpi_mnok"] > 0
    assert evppi.loc["harms", "status"] == "no_uncertainty"
    evsi = table(paths, "voi_evsi")
    assert evsi["evsi_mnok"].is_monotonic_increasing
    assert evsi.loc[evsi["optimal"], "municipalities"].tolist() == [key["recommended_study_municipalities"]]
    html = (paths.appendices / "cba.html").read_text(encoding="utf-8")
    n = int(key["recommended_study_municipalities"])
    assert f"Anbefaling: mål tidsbruken i {n} kommuner før KS2" in html
    assert "Verdien av en nullpunktsmåling og hva den koster (eksempeldata)" in html  # the curve is marked
    sheets = workbook_sheets(paths.reports / "tabeller.xlsx")
    assert {"voi_evppi", "voi_evsi", "voi_study_precision", "voi_study_sensitivity"} <= set(sheets)
