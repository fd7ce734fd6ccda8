"""Identity numbers are refused in every input and every form people type: every text of the scenario and of
each configuration file (keys, values, the paths it names), separated by any dash, slash, run of spaces or
invisible character; D-, H- and synthetic numbers; every sheet of a workbook; UTF-16 text. A number written as
a valid bank account number is not refused. The number is never echoed."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
import yaml

from ejournal_lib.common.errors import InputError, PrivacyError
from ejournal_lib.common.identity_numbers import text_has_national_id
from ejournal_lib.common.table_files import read_table_file
from ejournal_lib.scenario import load_scenario
from tests.common.test_validation import make_fnr

FNR = make_fnr("150570", "123")
D_NUMBER = make_fnr("550570", "123")  # day + 40
H_NUMBER = make_fnr("154570", "123")  # month + 40 (helsenummer)
SYNTHETIC = make_fnr("158570", "123")  # month + 80 (test numbers of the national register)


@pytest.mark.parametrize("sep", ["\u2013", "\u2014", "/", " - ", "  ", "\u200b", "\x00", "\u2212", "\u00a0 "])
def test_every_separator_people_and_programs_put_between_the_parts(sep):
    assert text_has_national_id(f"pasient {FNR[:6]}{sep}{FNR[6:]} ringte")


def test_a_valid_bank_account_number_is_not_an_identity_number():
    account = "1503.12.19997"  # valid account (mod 11), and its digits also pass as an identity number
    assert not text_has_national_id(f"konto {account}")
    assert text_has_national_id(account.replace(".", "")[:6] + " " + account.replace(".", "")[6:])


@pytest.mark.parametrize("number", [FNR, D_NUMBER, H_NUMBER, SYNTHETIC])
def test_a_number_in_the_change_log_is_refused_with_its_place_not_its_digits(root, tmp_path, number):
    log = yaml.safe_load((root / "data" / "raw" / "change_log.yaml").read_text(encoding="utf-8"))
    log["changes"][1]["rationale"] = f"Ringte {number[:6]}\u2013{number[6:]} i går."
    path = tmp_path / "change_log.yaml"
    path.write_text(yaml.safe_dump(log, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PrivacyError) as err:
        load_scenario(root / "config" / "ssd2020.yaml", {"data.change_log": str(path)}, root=root)
    text = str(err.value)
    assert "change_log.yaml" in text and "changes[1].rationale" in text
    assert number[:6] not in text and number[6:] not in text


def test_a_number_in_the_scenario_or_a_folder_name_is_refused(root, tmp_path):
    with pytest.raises(PrivacyError, match="title"):
        load_scenario(root / "config" / "ssd2020.yaml", {"title": f"Pilot {FNR}"}, root=root)
    folder = tmp_path / f"eksport {FNR[:6]} {FNR[6:]}"
    shutil.copytree(root / "data" / "raw" / "example" / "timeuse", folder)
    with pytest.raises(PrivacyError) as err:
        load_scenario(root / "config" / "ssd2020.yaml", {"data.timeuse": [str(folder)]}, root=root)
    assert "data.timeuse[0]" in str(err.value) and FNR[6:] not in str(err.value)


def test_every_sheet_of_a_workbook_is_scanned_and_one_is_read(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["staff_id", "minutes"])
    book.active.append(["S1", "30"])
    hidden = book.create_sheet("notater")
    hidden.sheet_state = "hidden"
    hidden.append(["pasient", f"{FNR[:6]} {FNR[6:]}"])
    book.save(tmp_path / "with_number.xlsx")
    with pytest.raises(PrivacyError) as err:
        read_table_file(tmp_path / "with_number.xlsx")
    assert "sheet 2" in str(err.value) and FNR[6:] not in str(err.value)
    hidden["B1"] = "ingen"
    book.save(tmp_path / "two_sheets.xlsx")
    with pytest.raises(InputError, match="2 sheets"):
        read_table_file(tmp_path / "two_sheets.xlsx")


def test_utf16_text_is_read_and_scanned(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("staff_id,note\nS1,ringte\n", encoding="utf-16")  # with its byte-order mark
    assert read_table_file(path).to_dict("records") == [{"staff_id": "S1", "note": "ringte"}]
    path.write_text(f"staff_id,note\nS1,{FNR}\n", encoding="utf-16")
    with pytest.raises(PrivacyError):
        read_table_file(path)
    path.write_bytes("staff_id,note\nS1,x\n".encode("utf-16-le"))  # no byte-order mark: NUL bytes
    with pytest.raises(InputError, match="UTF-16"):
        read_table_file(path)
