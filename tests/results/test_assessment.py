"""DFØ's overall assessment: the wording is chosen by the priced and non-priced results, on hand-made tables."""

from types import SimpleNamespace

import pandas as pd

from ejournal_lib.results import assessment as c

KINDS = {"population": ("public_statistics",), "cba": ("published_2020",), "timeuse": ("example",)}
SCENARIO = SimpleNamespace(
    participation=SimpleNamespace(target_share=0.5),
    cba=SimpleNamespace(risk_sharing=SimpleNamespace(municipal_negative_cash_threshold=0.5, rules=["brief"])),
)


def _assess(expected: float, consequences: list[int], municipal_risk: float = 0.3) -> pd.DataFrame:
    return c.overall_assessment(
        conclusions=pd.DataFrame(
            {"conclusion": ["staging", "cost"], "data_basis": ["example,published_2020", "published_2020"]}
        ),
        uncertainty_summary=pd.DataFrame({"quantity": ["npv"], "expected_mnok": [expected], "prob_negative": [0.4]}),
        cba_reconciliation=pd.DataFrame({"effect": ["npv"], "model_mnok": [3515.0]}),
        cba_non_priced=pd.DataFrame({"consequence": consequences}),
        staged_rollout_comparison=pd.DataFrame(
            {"measure": ["committed", "staged"], "expected_mnok": [expected, expected - 3000.0]}
        ),
        stop_point_value=pd.DataFrame({"stop_point": ["SP2", "SP4"], "value_in_sequence_mnok": [100.0, 675.0]}),
        analysis_summary=pd.DataFrame(
            {
                "figure": ["top_evppi_mnok", "study_pays", "study_municipalities", "municipal_prob_negative_brief"],
                "value": [1673.0, 1.0, 12.0, municipal_risk],
                "detail": ["transition", "", "", "brief"],
            }
        ),
        break_even=pd.DataFrame(
            {
                "quantity": ["municipal_final_share"],
                "gp_assumption": ["brief"],
                "break_even_share": [0.566],
                "stated": [True],
            }
        ),
        area=pd.DataFrame({"population": [2_000_000, 2_000_000]}),
        data_input_kinds=KINDS,
        scenario=SCENARIO,
    ).set_index("part", append=True)


def _sentences(table, part):
    return table.xs(part, level="part")["sentence"].tolist()


def test_positive_on_both_counts_recommends_with_its_conditions():
    t = _assess(1621.0, [3, 1, -1])
    assert _sentences(t, "non_priced") == [
        "Ikke-prissatte virkninger: samlet 4 pluss og 1 minus etter pluss-minus-metoden (analyseteamets forslag, ikke besluttet)."
    ]
    assert "både de prissatte og de ikke-prissatte" in _sentences(t, "weighing")[0]
    assert _sentences(t, "recommendation")[0].startswith("Anbefaling: gjennomfør tiltaket (innføring som planlagt)")
    conditions = " ".join(_sentences(t, "condition"))
    # the threshold: the larger of the break-even (57 %) and the target (50 %); the stop point worth most
    assert (
        "minst 57\u202f% av befolkningen" in conditions and "størst vekt på SP4, som legger 675 mill. kr" in conditions
    )
    assert "12 kommuner før KS2" in conditions and "risikodelingen" not in conditions  # 30 % ≤ the 50 % limit
    assert "trinnvis innføring og stoppunktene" in _sentences(t, "example_dependent")[0]
    assert "kostnadsestimatet" not in _sentences(t, "example_dependent")[0]
    assert "tidsregistreringene" in _sentences(t, "example_dependent")[0]


def test_a_negative_value_puts_a_price_on_the_non_priced_effects():
    """−800 MNOK over 4 million inhabitants: the non-priced effects must be worth 800 MNOK, 200 kr each."""
    t = _assess(-800.0, [3, 1], municipal_risk=0.9)
    weighing = _sentences(t, "weighing")[0]
    assert "minst 800 mill. kr i nåverdi, om lag 200 kr per innbygger" in weighing
    assert "minst 90\u202f%, over grensen på 50\u202f%" in " ".join(_sentences(t, "condition"))
    against = _assess(-800.0, [-1, 0])
    assert _sentences(against, "recommendation") == ["Anbefaling: tiltaket gjennomføres ikke slik det er beskrevet."]
    assert "condition" not in against.index.get_level_values("part")
