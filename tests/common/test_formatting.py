from ejournal_lib.common.formatting import GROUP_SPACE as T
from ejournal_lib.common.formatting import (
    fmt_by_unit,
    fmt_date,
    fmt_mnok,
    fmt_nok_amount,
    fmt_number,
    fmt_percent,
    fmt_value,
)


def test_norwegian_numbers():
    assert fmt_number(1234567.891, 1) == f"1{T}234{T}567,9"
    assert fmt_number(-5279) == f"\u22125{T}279"
    assert fmt_number(-0.04, 1) == "0,0"  # no "minus zero"
    assert fmt_number(float("nan")) == ""


def test_units():
    assert fmt_percent(0.125) == f"12,5{T}%"
    assert fmt_mnok(5279) == f"5{T}279 mill. kr"
    assert fmt_nok_amount(11.4e9) == "11,4 mrd. kr"
    assert fmt_nok_amount(2.5e6) == "2,5 mill. kr"
    assert fmt_by_unit(2038.0, "year") == "2038"
    assert fmt_by_unit(0.25, "share") == f"25,0{T}%"
    assert fmt_by_unit(20200301, "code") == "20200301"  # a seed is a code, not a quantity
    assert fmt_by_unit(float("nan"), "year") == "–"


def test_years_dates_and_unknown_formats():
    assert fmt_value(2038.0, "year") == "2038"
    assert fmt_date("2020-07-01") == "1. juli 2020"
    assert fmt_value("2020Q1", "quarter") == "1. kv. 2020" and fmt_value(None, "quarter") == ""
    from ejournal_lib.common.formatting import fmt_list

    assert fmt_list(["Bodø", "Oslo", "Vega"]) == "Bodø, Oslo og Vega" and fmt_list(["Skien"]) == "Skien"
    assert fmt_list(["A", "B"]) == "A og B" and fmt_list([]) == ""
    assert fmt_value(1234.5, "mnok1") == f"1{T}234,5"
    import pytest

    with pytest.raises(ValueError, match="unknown format 'money'"):
        fmt_value(1, "money")


def test_empty_cells_say_what_they_mean_whatever_the_missing_value():
    """A year column read back as nullable integers holds <NA>, not NaN: the table still says "never"."""
    import pandas as pd

    from ejournal_lib.publishing.tables import to_html_table

    df = pd.DataFrame({"variant": ["without_loan", "with_loan"], "first_year_not_negative": [2031, None]})
    for column in (df["first_year_not_negative"], df["first_year_not_negative"].astype("Int64")):
        html = to_html_table(
            df.assign(first_year_not_negative=column), "municipal_cash_position", missing="ikke innen 2040"
        )
        assert html.count("ikke innen 2040") == 1 and "2031" in html and "2031.0" not in html


def test_scenario_values_read_as_typed_with_a_decimal_comma():
    import datetime as dt

    from ejournal_lib.common.formatting import fmt_setting

    assert fmt_setting(0.7) == "0,7" and fmt_setting(-0.025) == "\u22120,025" and fmt_setting(20200301) == "20200301"
    assert fmt_setting(True) == "ja" and fmt_setting(None) == "" and fmt_setting(["0301", 0.5]) == "0301, 0,5"
    assert fmt_setting(dt.date(2020, 6, 26)) == "26. juni 2020" and fmt_setting("r109") == "r109"


def test_chart_labels_break_between_words_only():
    from ejournal_lib.publishing.figures import _wrapped

    lines = _wrapped(
        ["Rammer (år, rente, skattefinansiering)", "Skattefinansieringskostnad også på omstillingskostnaden"], 18
    )
    assert lines == [
        "Rammer (år, rente,\nskattefinansiering)",
        "Skattefinansieringskostnad\nogså på\nomstillingskostnaden",
    ]
