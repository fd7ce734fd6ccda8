"""Generated conclusions: each wording is chosen by its condition, on hand-made result tables."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from ejournal_lib.results import conclusions as c
from ejournal_lib.results import governance_conclusions as g
from ejournal_lib.results.lineage import EXAMPLE, PUBLIC

SCENARIO = SimpleNamespace(participation=SimpleNamespace(target_share=0.5))
KS = SimpleNamespace(in_area=291)
#: Each input's kinds of data status, as a scenario with only public inputs and a synthetic GP survey gives them.
PUBLIC_KINDS = {"population": ("public_statistics",), "cba": ("published_2020", "calibrated")}
SURVEY_SYNTHETIC = {**PUBLIC_KINDS, "gp_survey": ("example",)}


def _commitment(share: float) -> pd.DataFrame:
    return pd.DataFrame(
        {"basis": ["ks_signed"], "municipalities": [183], "population_share": [share], "as_of": ["2020-07-01"]}
    )


def test_target_is_reached_only_by_a_binding_measure_at_or_above_it(monkeypatch):
    above = c.commitment_target_conclusion(_commitment(0.65), KS, PUBLIC_KINDS, SCENARIO)
    assert "183 av 291 kommuner" in above["sentence"]
    assert "65\u202f%" in above["sentence"] and "50\u202f%" in above["sentence"]  # percent after a narrow space
    assert "ikke bindende" in above["sentence"] and "er ikke nådd" in above["sentence"]
    below = c.commitment_target_conclusion(_commitment(0.40), KS, PUBLIC_KINDS, SCENARIO)
    assert "under målet" in below["sentence"] and "nådd" not in below["sentence"]
    monkeypatch.setattr(c, "BINDING_BASES", frozenset({"ks_signed"}))
    binding = c.commitment_target_conclusion(_commitment(0.50), KS, PUBLIC_KINDS, SCENARIO)  # at the target: reached
    assert binding["sentence"].endswith("Målet om 50\u202f% er nådd.")
    assert binding["data_basis"] == "public_statistics"  # KS's published count rests on public sources only


def _sensitivity(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["sensitivity", "variant", "value", "npv_mnok", "delta_mnok"])


def test_what_moves_the_value_most_follows_the_sensitivities_order():
    table = _sensitivity(
        [
            ("base", "base", None, 4500.0, 0.0),
            ("discount_rate", "rate_0.02", 0.02, 4600.0, 100.0),
            ("discount_rate", "rate_0.05", 0.05, 4200.0, -300.0),
            ("period", "to_2050", 2050, 4550.0, 50.0),
            ("investment", "p85", None, 3500.0, -1000.0),
            ("real_wage_growth", "growth_0.008", 0.008, 4510.0, 10.0),
        ]
    )
    out = c.sensitivity_top_conclusion(table, PUBLIC_KINDS)
    # |delta| largest first: investment 1000, discount rate 300, period 50 (real wage growth 10 is left out)
    assert out["sentence"].startswith("Investering, kalkulasjonsrente og analyseperiode flytter nåverdien mest")
    assert "1\u202f000 mill. kr" in out["sentence"]  # thousands with a narrow space
    assert "example" not in out["data_basis"] and "published_2020" in out["data_basis"]


@pytest.mark.parametrize("gp_delta, expected", [(-4000.0, EXAMPLE), (-1.0, PUBLIC)])
def test_a_ranking_that_uses_the_survey_is_synthetic(gp_delta, expected):
    table = _sensitivity(
        [
            ("base", "base", None, 4500.0, 0.0),
            ("discount_rate", "rate_0.02", 0.02, 4600.0, 100.0),
            ("period", "to_2050", 2050, 4550.0, 50.0),
            ("investment", "p85", None, 4480.0, -20.0),
            ("gp_uptake", "survey", 0.23, 4500.0 + gp_delta, gp_delta),
        ]
    )
    out = c.sensitivity_top_conclusion(table, SURVEY_SYNTHETIC)
    assert (EXAMPLE in out["data_basis"].split(",")) == (expected == EXAMPLE)
    assert ("fastlegenes deltakelse" in out["sentence"].lower()) == (expected == EXAMPLE)


def _reconciled(differences: dict[str, float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reconciliation tables for freed time per service with the given differences in % (published 1 000
    each), and a net present value of 3 515 against the published 2 934."""
    per_service = pd.DataFrame(
        {
            "effect": "time_savings",
            "service": list(differences),
            "published_mnok": 1000.0,
            "difference_mnok": [10 * d for d in differences.values()],
            "difference_pct": [d / 100 for d in differences.values()],
            "within_tolerance": [abs(d) <= 5 for d in differences.values()],
        }
    )
    totals = pd.DataFrame(
        {"effect": ["npv"], "published_mnok": [2934.0], "model_mnok": [3515.0], "difference_mnok": [581.0]}
    )
    return totals, per_service


def test_the_reconciliation_names_the_services_outside_five_percent_largest_first():
    totals, services = _reconciled({"health_station": -1.0, "physio_rehab": -19.0, "gp_doctors": 15.0})
    out = c.reconciliation_conclusion(totals, services, (), PUBLIC_KINDS)
    assert "3\u202f515 mill. kr mot 2\u202f934 mill. kr publisert i 2020 (+581 mill. kr)" in out["sentence"]
    assert "for 1 av 3 tjenester" in out["sentence"]
    # |difference| largest first: physiotherapy 19 %, then GPs 15 %; the health station (1 %) is within
    assert (
        "fysio-, habiliterings- og rehabiliteringstjenester (−19\u202f%) og fastlege, leger (+15\u202f%)"
        in out["sentence"]
    )
    assert "helsestasjon" not in out["sentence"]
    totals, services = _reconciled({"health_station": -1.0, "gp_doctors": 4.9})
    assert "for alle de 2 tjenestene" in c.reconciliation_conclusion(totals, services, (), PUBLIC_KINDS)["sentence"]
    # a what-if that changes the model's inputs does not call its difference from 2020 a finding
    changed = c.reconciliation_conclusion(totals, services, ("levers.investment_factor", "cba.frame"), PUBLIC_KINDS)[
        "sentence"
    ]
    assert changed.startswith("Scenariet endrer forprosjektets inngangsverdier (investeringen skalert og rammer")
    assert "et funn" not in changed


def _readings(headline: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "reading": ["mean_at_base", "median_at_base", "mode_at_base"],
            "headline": [r == headline for r in ("mean_at_base", "median_at_base", "mode_at_base")],
            "triples_exact": [6, 12, 12],
            "triples": [12, 12, 12],
            "expected_mnok": [1621.0, 4381.0, 5674.0],
            "prob_negative": [0.47, 0.31, 0.24],
        }
    )


def test_the_uncertainty_conclusion_names_the_headline_reading_and_the_literal_one():
    out = c.uncertainty_readings_conclusion(_readings("mean_at_base"), PUBLIC_KINDS)["sentence"]
    assert out.startswith("Med lesemåten «forventning i basisverdien» for trippelestimatene holder 6 av 12")
    assert (
        "blir 4\u202f381 mill. kr med 31\u202f% sannsynlighet" in out
        and "(mot 1\u202f621 mill. kr og 47\u202f%)" in out
    )
    literal = c.uncertainty_readings_conclusion(_readings("median_at_base"), PUBLIC_KINDS)["sentence"]
    assert literal.startswith(
        "Forventet netto nåverdi er 4\u202f381 mill. kr med forprosjektets P10 og P90 lest bokstavelig"
    )
    assert "blir den 1\u202f621 mill. kr (47\u202f%)" in literal


def test_the_cost_conclusion_compares_like_with_like():
    """The estimate's P50 for the frames' items against the sum of their P50 frames, not against the steering
    target that holds more: 9 568 is 43 above 9 525; 9 500 is within."""
    bridge = pd.DataFrame(
        {
            "step": ["steering_target", "not_itemised", "frames_p85", "target_above_frame"],
            "amount_mnok": [11400.0, 1875.0, 11225.0, 175.0],
        }
    )

    def estimate(p50):
        return pd.DataFrame(
            {"quantity": ["total"], "p50_mnok": [p50], "frame_p50_mnok": [9525.0], "p85_mnok": [10989.0]}
        )

    above = g.cost_conclusion(estimate(9568.4), bridge, PUBLIC_KINDS)["sentence"]
    assert "holder 1\u202f875 mill. kr ut over rammenes tre poster" in above
    assert "9\u202f568 mill. kr, 43 mill. kr over summen av postenes P50-rammer (9\u202f525 mill. kr)" in above
    within = g.cost_conclusion(estimate(9500.0), bridge, PUBLIC_KINDS)["sentence"]
    assert "innenfor summen av postenes P50-rammer" in within and "høyreskjeve" not in within
    # investment +30 %: the frames alone (12 382) exceed the target, which then holds nothing more
    scaled = bridge.assign(amount_mnok=[11400.0, -982.5, 14592.5, -3192.5])
    frames_above = g.cost_conclusion(estimate(9500.0), scaled, PUBLIC_KINDS)["sentence"]
    assert "Rammenes tre poster alene (P50 9 525 mill. kr) ligger 982 mill. kr over styringsmålet" in frames_above
    assert "holder" not in frames_above


def test_the_municipalities_cash_sentence_follows_the_years_found():
    """A year found reads «ikke negativ fra <år>»; none found reads «negativ hvert år» (without loans), «negativ
    hvert år i perioden» (with loans), «ikke positiv innen <siste år>» (accumulated)."""
    from types import SimpleNamespace

    views = pd.DataFrame(
        {"actor": ["municipalities"], "net_mnok": [1990.0], "capacity_mnok": [2670.0], "cash_mnok": [-1781.0]}
    )

    def summary(without, with_loan, cumulative):
        figures = ["first_year_not_negative", "first_year_not_negative_with_loan", "first_year_cumulative_not_negative"]
        return pd.DataFrame({"figure": figures, "value": [without, with_loan, cumulative]})

    inputs = SimpleNamespace(frame=SimpleNamespace(last_year=2040))
    found = c.municipal_cash_conclusion(views, summary(2031.0, 2033.0, 2038.0), inputs, PUBLIC_KINDS)["sentence"]
    assert "Uten lån er den årlige kontantvirkningen ikke negativ fra 2031; med lån ikke negativ fra 2033." in found
    assert found.endswith("blir ikke negativ fra 2038.") and "−1\u202f781 mill. kr" in found
    none = c.municipal_cash_conclusion(views, summary(float("nan"), float("nan"), float("nan")), inputs, PUBLIC_KINDS)
    assert "negativ hvert år; med lån negativ hvert år i perioden" in none["sentence"]
    assert none["sentence"].endswith("blir ikke positiv innen 2040.")
    # a negative net value is not «mostly freed time»: the parts are named as they are
    losing = views.assign(net_mnok=-1810.0, capacity_mnok=-184.0, cash_mnok=-2467.0)
    parts = c.municipal_cash_conclusion(losing, summary(2031.0, 2033.0, 2038.0), inputs, PUBLIC_KINDS)["sentence"]
    assert parts.startswith(
        "Kommunene får −1\u202f810 mill. kr netto i nåverdi; frigjort tid utgjør −184 mill. kr av det"
    )
    assert "ikke kroner" not in parts


def test_the_study_conclusion_follows_whether_it_pays():
    """Pays: the number of municipalities and what it is worth and costs; does not pay; cannot be valued."""

    def summary(**values):
        return pd.DataFrame({"figure": list(values), "value": list(values.values())})

    pays = summary(
        study_pays=1.0, study_municipalities=12.0, study_staff_days=1296.0, study_evsi_mnok=260.6, study_cost_mnok=13.0
    )
    assert c.study_conclusion(pays, SURVEY_SYNTHETIC)["sentence"] == (
        "Anbefaling: mål tidsbruken i 12 kommuner før KS2 (1\u202f296 observerte dagsverk). Det gir størst forventet "
        "netto gevinst: målingen er verdt 261 mill. kr og koster 13 mill. kr."
    )
    no = summary(
        study_pays=0.0, study_municipalities=1.0, study_staff_days=108.0, study_evsi_mnok=1.0, study_cost_mnok=2.0
    )
    assert c.study_conclusion(no, SURVEY_SYNTHETIC)["sentence"].startswith("Videre nullpunktsmåling lønner seg ikke")
    assert "kan ikke beregnes" in c.study_conclusion(summary(top_evppi_mnok=1.0), SURVEY_SYNTHETIC)["sentence"]


def test_the_change_log_says_whether_its_history_is_illustrative():
    summary = pd.DataFrame(
        {
            "figure": ["changes", "changes_implemented", "bridge_start_mnok", "bridge_end_mnok"],
            "value": [9.0, 8.0, 22647.8, 3515.4],
        }
    )

    def sentence(kinds):
        log = pd.DataFrame({"history_kind": kinds})
        return g.change_log_conclusion(summary, log, {"npv": 1620.8}, PUBLIC_KINDS)["sentence"]

    all_illustrative = sentence(["illustrative", "illustrative"])
    assert all_illustrative.startswith(
        "Analysen er endret 9 ganger siden den eksterne kvalitetssikringen i 2018 (8 gjennomført)"
    )
    assert (
        "fra 22\u202f648 mill. kr til 3\u202f515 mill. kr" in all_illustrative
        and "1\u202f621 mill. kr" in all_illustrative
    )
    assert all_illustrative.endswith("dokumentene gir endringene, ikke historikken.")
    assert sentence(["illustrative", "documented"]).endswith("(se endringsloggen).")
    assert "illustrative" not in sentence(["documented"])


def _participation(**values) -> pd.DataFrame:
    base = {
        "named": (43.0, ""),
        "named_signed": (39.0, ""),
        "named_declined": (1.0, "Skien"),
        "named_unknown": (3.0, "Bodø, Oslo, Vega"),
        "not_named": (249.0, ""),
        "agder_named": (25.0, ""),
        "agder_all_signed": (1.0, ""),
        "break_even_share": (0.566, "brief"),
        "ks_share": (0.65, ""),
        "ks_share_at_or_above_break_even": (1.0, ""),
    }
    base.update(values)
    return pd.DataFrame(
        {"figure": list(base), "value": [v for v, _ in base.values()], "detail": [d for _, d in base.values()]}
    )


def test_the_participation_page_follows_its_results():
    from ejournal_lib.results import participation_conclusions as p

    named = p.named_sources_conclusion(_participation(), PUBLIC_KINDS)["sentence"]
    assert named.startswith(
        "Offentlige kilder navngir 43 kommuner: 39 signert (blant dem alle 25 i Agder), 1 utsatt (Skien)"
    )
    not_all = p.named_sources_conclusion(_participation(agder_all_signed=(0.0, "")), PUBLIC_KINDS)["sentence"]
    assert "Agder" not in not_all
    found = p.procurement_conclusion(_participation(), PUBLIC_KINDS, SCENARIO)["sentence"]
    assert "er 57\u202f% av befolkningen i drift i 2030; KS-tallet på 65\u202f% ligger over nullpunktet" in found
    assert found.endswith("det største av nullpunktet og 50\u202f%.")
    none = p.procurement_conclusion(_participation(break_even_share=(float("nan"), "brief")), PUBLIC_KINDS, SCENARIO)
    assert none["sentence"].endswith("Ingen deltakelse gjør anskaffelsen forsvarlig med denne antakelsen.")
    survey = p.procurement_conclusion(_participation(break_even_share=(0.98, "survey")), SURVEY_SYNTHETIC, SCENARIO)
    assert "example" in survey["data_basis"].split(",")  # a threshold from the survey is marked


def test_the_baseline_page_leaves_out_what_the_measurement_cannot_give_and_words_the_rest():
    """A measurement with one service: «er {n} minutter» (no range); no precision or design figures, so no
    such points; a limitation is worded from the limitations table; suppression with hidden services says so."""
    from types import SimpleNamespace

    from ejournal_lib.results import baseline_conclusions as b

    summary = pd.DataFrame(
        {
            "figure": [
                "staff_days",
                "staff",
                "municipalities",
                "services",
                "addressable_services",
                "addressable_min",
                "addressable_max",
                "services_suppressed",
                "services_checked",
                "services_hidden_by_earlier",
            ],
            "value": [40.0, 12.0, 2.0, 1.0, 1.0, 98.2, 98.2, 1.0, 3.0, 1.0],
            "detail": ["", "", "", "", "", "nursing_home_long", "nursing_home_long", "", "", ""],
        }
    )
    limits = pd.DataFrame(
        {
            "estimate": ["intervals"],
            "status": ["unreliable"],
            "have": [1],
            "need": [2],
            "unit": ["municipalities"],
            "counted": ["fewest_in_service"],
        }
    )
    settings = SimpleNamespace(baseline=SimpleNamespace(power=0.8, confidence_level=0.95))
    rows = b.baseline_conclusions(summary, limits, {"timeuse": ("example",)}, settings).set_index("conclusion")
    assert list(rows.index) == ["extent", "addressable_one", "limitation", "suppressed_hidden"]
    assert rows.loc["addressable_one", "sentence"].endswith("er 98 minutter per ansatt per dag (sykehjem, langtid).")
    assert "målingen har 1 kommune i den tjenesten som har færrest, det trengs 2" in rows.loc["limitation", "sentence"]
    assert rows.loc["suppressed_hidden", "sentence"].startswith("0 av 3 tjenester er prikket")
    assert "1 tjenester vises ikke" in rows.loc["suppressed_hidden", "sentence"]
