"""Identity numbers in the forms people type, and malformed files: refused with file, row and column, never
echoing the number; an invalid checksum is not refused (few false positives)."""

import re

import pandas as pd
import pytest

from ejournal_lib.common.errors import InputError, PrivacyError
from ejournal_lib.common.identity_numbers import contains_national_id, redact
from ejournal_lib.common.table_files import read_table_file
from ejournal_lib.timeuse.data import load_scenario_timeuse

from .test_validation import make_fnr

FNR = make_fnr("010570", "123")  # 1 May 1970, valid check digits (leading zero)
D_NUMBER = make_fnr("410570", "100")  # D-number: day + 40
DIGITS = re.compile(FNR[:6] + r"\D{0,3}" + FNR[6:])


def typed_forms(number: str) -> dict[str, str]:
    """The ways people type an identity number (written out by hand, not by the code under test)."""
    d, m, y, rest = number[0:2], number[2:4], number[4:6], number[6:]
    return {
        "together": number,
        "space": f"{d}{m}{y} {rest}",
        "hyphen": f"{d}{m}{y}-{rest}",
        "nbsp": f"{d}{m}{y}\u00a0{rest}",
        "dots": f"{d}.{m}.{y} {rest}",
        "in_text": f"ringte pasient {d}{m}{y} {rest} om morgenen",
    }


def assert_not_echoed(text: str, number: str = FNR) -> None:
    digits_only = re.sub(r"\D", "", text)
    assert number not in digits_only and number[1:] not in digits_only, "the identity number is echoed"


@pytest.mark.parametrize("form", list(typed_forms(FNR)))
def test_typed_forms_are_detected(form):
    value = typed_forms(FNR)[form]
    assert contains_national_id(pd.Series([value])).tolist() == [True]
    assert contains_national_id(pd.Series([typed_forms(D_NUMBER)[form]])).tolist() == [True]
    wrong = FNR[:-1] + str((int(FNR[-1]) + 1) % 10)  # an invalid checksum is not refused
    assert contains_national_id(pd.Series([typed_forms(wrong)[form]])).tolist() == [False]


def test_dropped_leading_zero_counts_only_in_identity_like_columns():
    ten = FNR[1:]  # what Excel shows after dropping the leading zero
    assert contains_national_id(pd.Series([ten, ten + ".0"]), identity_like=True).tolist() == [True, True]
    assert contains_national_id(pd.Series([ten]), identity_like=False).tolist() == [False]


def test_redaction_removes_every_typed_form():
    for text in typed_forms(FNR).values():
        assert_not_echoed(redact(text))


def write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


@pytest.mark.parametrize("form", list(typed_forms(FNR)))
def test_identity_number_in_a_cell_is_refused_without_echo(tmp_path, form):
    f = write(tmp_path / "x_sessions.csv", f'id,unit\nS1,"{typed_forms(FNR)[form]}"\n')
    with pytest.raises(PrivacyError) as err:
        read_table_file(f)
    assert "row 2, column 'unit'" in str(err.value)
    assert_not_echoed(str(err.value))


def test_dropped_zero_in_a_staff_id_column_is_refused(tmp_path):
    f = write(tmp_path / "x_sessions.csv", f"session_id,staff_id\nS1,{FNR[1:]}\n")
    with pytest.raises(PrivacyError) as err:
        read_table_file(f)
    assert "row 2, column 'staff_id'" in str(err.value)
    assert_not_echoed(str(err.value))


def test_headerless_file_does_not_echo_the_number_as_a_column_name(tmp_path):
    f = write(tmp_path / "x_sessions.csv", f"S1,{FNR},home_services\nS2,P2,home_services\n")
    with pytest.raises(PrivacyError) as err:
        read_table_file(f)
    assert "column 2 (header)" in str(err.value)
    assert_not_echoed(str(err.value))


def test_identity_number_in_the_file_name_is_refused_without_echo(tmp_path):
    f = write(tmp_path / f"sessions_{FNR}.csv", "session_id\nS1\n")
    with pytest.raises(PrivacyError) as err:
        read_table_file(f)
    assert "file name" in str(err.value)
    assert_not_echoed(str(err.value))


def test_identity_number_in_an_excel_cell(tmp_path):
    f = tmp_path / "x_sessions.xlsx"
    pd.DataFrame({"session_id": ["S1"], "staff_id": [int(FNR[1:])]}).to_excel(f, index=False)
    with pytest.raises(PrivacyError) as err:
        read_table_file(f)
    assert "row 2, column 'staff_id'" in str(err.value)


def test_empty_header_only_and_shifted_rows_get_clear_messages(tmp_path):
    cases = {
        "empty.csv": ("", "the file is empty"),
        "blank.csv": ("\n \n", "the file is empty"),
        "header_only.csv": ("a,b,c\n", "the file has a header row but no data rows"),
        "comma.csv": ("id,minutes,unit\nS1,12,5,Øst\n", "row 2: the row has 4 fields but the header has 3"),
        "dup.csv": ("id,id\nS1,S2\n", "column 'id': the column name appears more than once"),
        "binary.xlsx": ("not a workbook", "not a readable Excel workbook"),
    }
    for name, (text, expected) in cases.items():
        with pytest.raises(InputError) as err:
            read_table_file(write(tmp_path / name, text))
        assert expected in str(err.value), (name, str(err.value))
        assert str(tmp_path / name) in str(err.value)
    with pytest.raises(InputError) as err:
        read_table_file(write(tmp_path / "c.csv", "id,minutes,unit\nS1,12,5,Øst\n"))
    assert "decimal comma" in str(err.value)


def test_windows_1252_export_is_read(tmp_path):
    f = write(tmp_path / "x.csv", "id;unit\nS1;Hjemmesykepleie Øst\n", encoding="cp1252")
    assert read_table_file(f)["unit"].tolist() == ["Hjemmesykepleie Øst"]


# --- the time-use loader: every file of the folder, and the study period -------------------------------------


@pytest.fixture
def timeuse_folder(tmp_path, root):
    src = root / "data" / "raw" / "example" / "timeuse"
    out = tmp_path / "timeuse"
    out.mkdir()
    for f in src.iterdir():
        (out / f.name).write_bytes(f.read_bytes())
    return out


def scenario_with(scenario_path, root, folder):
    from ejournal_lib.scenario import load_scenario

    return load_scenario(scenario_path, overrides={"data.timeuse": [str(folder)]}, root=root)


def test_stray_file_in_the_time_use_folder_is_refused_and_scanned(timeuse_folder, root, scenario):
    (timeuse_folder / "notes.txt").write_text(f"Ring {typed_forms(FNR)['dots']} i morgen\n", encoding="utf-8")
    (timeuse_folder / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(PrivacyError) as err:
        load_scenario_timeuse(scenario_with(scenario.path, root, timeuse_folder))
    assert "notes.txt, column 'line 1'" in str(err.value)
    assert_not_echoed(str(err.value))
    (timeuse_folder / "notes.txt").unlink()
    with pytest.raises(InputError) as err:
        load_scenario_timeuse(scenario_with(scenario.path, root, timeuse_folder))
    assert "other.csv: not a time-use table" in str(err.value)


@pytest.mark.parametrize("date", ["2099-02-03", "1901-02-03"])
def test_implausible_dates_are_refused(timeuse_folder, root, scenario, date):
    f = timeuse_folder / "timeuse_sessions.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")
    first[7] = date
    lines[1] = ",".join(first)
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario_timeuse(scenario_with(scenario.path, root, timeuse_folder))
    assert f"row 2, column 'date': date {date} is outside the study period 2019-06-01 to 2021-06-30" in str(err.value)


def test_huge_time_value_is_a_clear_problem(timeuse_folder, root, scenario):
    f = timeuse_folder / "timeuse_sessions.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")
    first[8] = "1e308"
    lines[1] = ",".join(first)
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario_timeuse(scenario_with(scenario.path, root, timeuse_folder))
    assert "row 2, column 'start': expected a time of day (HH:MM), got '1e308'" in str(err.value)
