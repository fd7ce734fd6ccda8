"""The label catalogue covers every code the data use, and reader-facing words never show a code."""

import re

import pandas as pd
import pytest

from ejournal_lib.common.labels import LabelError, column_spec, header, label, labels, relabel


def test_words_for_codes():
    assert label("effect", "time_savings") == "Frigjort tid"
    assert label("actor", "gps") == "Fastleger"
    assert label("yes_no", True) == "Ja" and label("yes_no", False) == "Nei"
    assert (
        label("uncertain_input", "investment:programme_record")
        == "Investering: Program: felles journalløsning (Akson journal)"
    )
    assert header("share_of_time") == "Andel av tiden"
    assert column_spec("status", "break_even").domain == "break_even_status"  # a table's own entry first


def test_unknown_codes_and_columns_are_clear_errors():
    with pytest.raises(LabelError, match="no word for 'teleportation' in domain 'effect'"):
        label("effect", "teleportation")
    with pytest.raises(LabelError, match="no header for column 'mystery_column'"):
        header("mystery_column")


def test_relabel_translates_codes_and_headers_and_keeps_numbers():
    df = pd.DataFrame(
        {"effect": ["time_savings", "investment"], "npv_mnok": [10.5, -3.0], "missing": ["unit, owner", ""]}
    )
    out = relabel(df, "goal_register")
    assert list(out.columns) == ["Virkning", "Netto nåverdi (mill. kr)", "Mangler"]
    assert out["Virkning"].tolist() == ["Frigjort tid", "Investeringer"]
    assert out["Netto nåverdi (mill. kr)"].tolist() == [10.5, -3.0]
    assert out["Mangler"].tolist() == ["Enhet, eier", ""]  # one list, one capital (Norwegian style)


def test_catalogue_covers_every_code_of_the_scenario(scenario):
    from ejournal_lib.cba.engine import EFFECTS, LEGACY_ITEMS
    from ejournal_lib.cba.sensitivity import sensitivity_variants
    from ejournal_lib.cba.uncertainty import uncertain_inputs
    from ejournal_lib.common.municipalities import SIZE_CLASSES
    from ejournal_lib.governance.stop_points import CRITERION_STATUSES
    from ejournal_lib.participation.gp_uptake import SURVEY_TERMS
    from ejournal_lib.participation.register import STATUSES
    from ejournal_lib.scenario.governance import CHANGE_CATEGORIES, CHANGE_STATUSES

    cb = scenario.codebook
    expected = {
        "activity_group": list(cb.groups),
        "service": [
            *cb.services,
            *scenario.cba.service_table.index,
            *LEGACY_ITEMS,
            *scenario.cba.investment_table.index,
        ],
        "role": cb.roles,
        "actor": list(scenario.actor_mapping.actors),
        "financing_key": list(scenario.actor_mapping.financing_keys),
        "effect": list(EFFECTS),
        "uncertain_input": [x.input for x in uncertain_inputs(scenario.cba)],
        "change_status": list(CHANGE_STATUSES),
        "change_category": list(CHANGE_CATEGORIES),
        "criterion_status": list(CRITERION_STATUSES),
        "commitment_status": [*STATUSES, "not_registered"],
        "size_class": [c for _, c in SIZE_CLASSES],
        "survey_term": list(SURVEY_TERMS.values()),
        "method_candidate": ["current", *(c.id for c in scenario.cba.published.candidates)],
        "calibrated_parameter": [c.parameter for c in scenario.cba.calibration.parameters],
        "non_priced_effect": [e.id for e in scenario.non_priced_effects.effects],
        "sensitivity_variant": [
            v
            for _, v, _, _ in sensitivity_variants(
                scenario.cba, scenario.analysis.sensitivity, {"survey": 0.2, "survey_incentive": 0.3}
            )
        ],
        "distribution_family": list({x.family for x in uncertain_inputs(scenario.cba)}),
    }
    missing = {d: [c for c in codes if not _has(d, c)] for d, codes in expected.items()}
    assert not {d: m for d, m in missing.items() if m}


def _has(domain, code) -> bool:
    try:
        label(domain, code)
        return True
    except LabelError:
        return False


def test_words_are_words_not_codes():
    from ejournal_lib.common.labels import catalogue

    snake = re.compile(r"\b[a-z]+_[a-z_]+\b")
    placeholder = re.compile(r"\{[a-z_]+\}")  # a template's field, filled with a number or a word
    for domain in catalogue()["domains"]:
        for code, word in labels(domain).items():
            assert not snake.search(placeholder.sub("", word)), f"{domain}.{code}: {word!r} looks like a code"
    for column, entry in catalogue()["columns"].items():
        assert not snake.search(entry["label"]), f"column {column}: {entry['label']!r} looks like a code"


def test_catalogue_entries_are_well_formed():
    """Each column entry has a text label and only known keys (a comma in an unquoted YAML label would
    silently split it into a key of its own)."""
    from ejournal_lib.common.formatting import FORMATS
    from ejournal_lib.common.labels import catalogue

    cat = catalogue()
    entries = [("columns", c, e) for c, e in cat["columns"].items()]
    entries += [(t, c, e) for t, cols in cat["tables"].items() for c, e in cols.items()]
    for where, column, entry in entries:
        assert set(entry) <= {"label", "domain", "format", "description", "list"}, (where, column, entry)
        assert isinstance(entry["label"], str) and entry["label"], (where, column)
        assert entry.get("format", "text") in FORMATS, (where, column)
        if "domain" in entry:
            labels(entry["domain"])
