"""Norwegian field exports are read, and their typical slips get messages that say what to type instead."""

import pytest

from ejournal_lib.common.errors import InputError, InputProblem, grouped_lines
from ejournal_lib.common.validation import Column, TableSchema, read_raw_table
from ejournal_lib.timeuse.data import load_timeuse

from ..timeuse.test_data import ACTIVITIES, SAMPLING, SESSIONS, VALID

SCHEMA = TableSchema(
    "t",
    (
        Column("id", "code"),
        Column("minutes", "float", min=0),
        Column("day", "date"),
        Column("municipality_code", "code", pattern=r"\d{4}"),
        Column("kind", allowed=frozenset({"home_services", "nursing_home_long"})),
    ),
)


def test_semicolons_decimal_commas_norwegian_dates_and_windows_1252(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("id;minutes;day;municipality_code;kind\nS1;12,5;03.02.2020;0301;home_services\n", encoding="cp1252")
    row = read_raw_table(f, SCHEMA).iloc[0]
    assert row["minutes"] == 12.5 and str(row["day"].date()) == "2020-02-03"


def test_dropped_zero_and_near_misses_get_the_likely_code(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("id,minutes,day,municipality_code,kind\nS1,1,2020-02-03,301,home_service\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_raw_table(f, SCHEMA)
    text = str(err.value)
    assert "expected a code of 4 digits, got '301' (a spreadsheet probably dropped the leading zero: 0301?)" in text
    assert "unknown value 'home_service'; did you mean 'home_services'?" in text
    assert "\\d" not in text  # no regular expressions in messages


def test_municipality_codes_in_registrations(tmp_path, scenario):
    for bad, expected in (
        ("302", "302 is not a 2020 municipality code; a spreadsheet probably dropped the leading zero: 0302?"),
        ("0302", "0302 is not a 2020 municipality code; did you mean 0301?"),
    ):
        folder = tmp_path / bad
        folder.mkdir()
        (folder / "timeuse_sessions.csv").write_text(SESSIONS.replace(",0301,", f",{bad},"), encoding="utf-8")
        (folder / "timeuse_activities.csv").write_text(ACTIVITIES, encoding="utf-8")
        (folder / "timeuse_work_sampling.csv").write_text(SAMPLING, encoding="utf-8")
        with pytest.raises(InputError) as err:
            load_timeuse(folder, scenario.codebook, VALID | {"0302"} if bad == "302" else VALID)
        assert expected in str(err.value)


def test_repeated_problems_are_grouped_and_the_message_is_capped():
    problems = [InputProblem("f.csv", r, "start", "value is missing") for r in range(2, 14)]
    problems += [InputProblem("f.csv", 20, "start", "value is missing")]
    problems += [InputProblem("g.csv", r, "x", f"problem {r}") for r in range(100)]
    lines = grouped_lines(problems)
    assert lines[0] == "f.csv, rows 3–14, 21, column 'start': value is missing"
    assert len(lines) == 41 and lines[-1].startswith("… and 61 more kind(s) of problem")
    assert len(InputError(problems).problems) == 113  # the full list stays available
