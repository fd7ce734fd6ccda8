"""Strict reading of raw tables: every problem with file, row, column; identity numbers refused."""

import pandas as pd
import pytest

from ejournal_lib.common.errors import InputError, PrivacyError
from ejournal_lib.common.identity_numbers import contains_national_id, is_national_id
from ejournal_lib.common.municipalities import load_population
from ejournal_lib.common.validation import Column, TableSchema, read_raw_table
from ejournal_lib.pipeline.validate import validate_paths


def make_fnr(ddmmyy: str, individual: str) -> str:
    """Independent construction of a fødselsnummer with valid mod-11 check digits (Skatteetaten's rule)."""
    d = [int(c) for c in ddmmyy + individual]
    w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2]
    k1 = 11 - sum(a * b for a, b in zip(d, w1)) % 11
    k1 = 0 if k1 == 11 else k1
    w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    k2 = 11 - sum(a * b for a, b in zip(d + [k1], w2)) % 11
    k2 = 0 if k2 == 11 else k2
    assert k1 != 10 and k2 != 10, "pick another individual number"
    return ddmmyy + individual + f"{k1}{k2}"


VALID = make_fnr("150570", "123")  # 15 May 1970
D_NUMBER = make_fnr("550570", "123")  # D-number: day + 40


def test_identity_numbers():
    assert is_national_id(VALID) and is_national_id(D_NUMBER)
    wrong_check = VALID[:-1] + str((int(VALID[-1]) + 1) % 10)
    assert not is_national_id(wrong_check)
    assert not is_national_id("32" + "13" + "5012345")  # impossible date (day 32, month 13)
    assert not is_national_id("1234")
    mask = contains_national_id(pd.Series([f"pas {VALID}", "12345678901", "staff-17"]))
    assert mask.tolist() == [True, False, False]


SCHEMA = TableSchema(
    "t",
    (
        Column("id", "code", pattern=r"S\d+", description="S followed by digits"),
        Column("minutes", "float", min=0),
        Column("day", "date"),
        Column("kind", allowed=frozenset({"a", "b"})),
    ),
    unique=("id",),
)


def test_all_problems_at_once(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text('id,minutes,day,kind\nS1,"12,5",2020-01-02,a\nX2,-1,2020-13-01,c\nS1,3,43831,b\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_raw_table(f, SCHEMA)
    text = str(err.value)
    assert "row 3, column 'id': expected a value of the form S followed by digits, got 'X2'" in text
    assert "row 3, column 'minutes': expected a value ≥ 0" in text
    assert "row 3, column 'day': expected a date (YYYY-MM-DD, DD.MM.YYYY or an Excel date)" in text
    assert "row 3, column 'kind': unknown value 'c'" in text
    assert "row 4, column 'id': duplicate key" in text
    assert len(err.value.problems) == 5
    # the row a message names is the line the file shows it on (the header is line 1)
    assert f.read_text(encoding="utf-8").splitlines()[3 - 1].startswith("X2,-1,")


def test_decimal_comma_excel_dates_and_bom(tmp_path):
    f = tmp_path / "t.csv"
    f.write_bytes("\ufeffid;minutes;day;kind\nS1;12,5;43831;a\nS2;3;2020-01-02;b\n".encode("utf-8"))
    df = read_raw_table(f, SCHEMA)
    assert df["minutes"].tolist() == [12.5, 3.0]
    assert df["day"].dt.strftime("%Y-%m-%d").tolist() == ["2020-01-01", "2020-01-02"]


def test_missing_and_extra_columns(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("id,minutes,kind,extra\nS1,1,a,z\n")
    with pytest.raises(InputError) as err:
        read_raw_table(f, SCHEMA)
    assert "column 'day': column is missing" in str(err.value)
    assert "column 'extra': unexpected column" in str(err.value)


def test_identity_number_refused_without_printing_it(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text(f"id,minutes,day,kind\nS1,1,2020-01-01,a\nS2,{VALID},2020-01-01,b\n")
    with pytest.raises(PrivacyError) as err:
        read_raw_table(f, SCHEMA)
    assert "row 3, column 'minutes'" in str(err.value)
    assert VALID not in str(err.value)


def test_shipped_population_file_validates(root, scenario):
    pop = load_population(root / "data" / "raw" / "population_municipality_2020.csv")
    assert len(pop) == 356 and pop["population"].sum() == 5_367_580
    assert validate_paths([root / "data" / "raw"], scenario) == []


def test_validate_command_reports_problems(tmp_path, capsys):
    from ejournal_lib.pipeline.cli import main

    bad = tmp_path / "population_municipality_2020.csv"
    bad.write_text(
        "municipality_code,municipality_name,county_code,county_name,population,year,reference_date,"
        "in_midt_norge\n301,Oslo,03,Oslo,abc,2020,2020-01-01,False\n",
        encoding="utf-8",
    )
    assert main(["validate", str(bad), str(tmp_path / "missing.csv")]) == 1
    out = capsys.readouterr().out
    assert "row 2, column 'municipality_code'" in out and "row 2, column 'population'" in out
    assert "missing.csv: file or folder not found" in out
