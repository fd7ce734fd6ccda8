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
    assert fmt_value(1234.5, "mnok1") == f"1{T}234,5"
    import pytest

    with pytest.raises(ValueError, match="unknown format 'money'"):
        fmt_value(1, "money")
