"""``ejournal validate`` refuses exactly what a run refuses: the same per-file and cross-file rules, the same
code lists, and a clear message for what is not an input at all."""

import pytest

from ejournal_lib.common.errors import InputError
from ejournal_lib.pipeline.cli import main
from ejournal_lib.pipeline.validate import validate_paths
from ejournal_lib.scenario import load_scenario
from ejournal_lib.timeuse.data import load_scenario_timeuse


def edit_cell(path, row, column, value):
    """Set one cell of a CSV written by the example generator (no quoting in those files)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def second_sessions_file(folder):
    lines = (folder / "timeuse_sessions.csv").read_text(encoding="utf-8").splitlines()
    row = lines[1].split(",")
    row[5], row[7] = "P9999", "2020-03-02"  # another staff member, another day: only the id repeats
    (folder / "timeuse_sessions_b.csv").write_text(lines[0] + "\n" + ",".join(row) + "\n", encoding="utf-8")


MUTATIONS = {
    "end_before_start": (
        lambda f: edit_cell(f / "timeuse_sessions.csv", 1, "end", "06:00"),
        "timeuse_sessions.csv, row 2, column 'end': end is not after start",
    ),
    "overlapping_activities": (
        lambda f: edit_cell(f / "timeuse_activities.csv", 2, "start", "07:40"),
        "timeuse_activities.csv, row 3, column 'start': overlaps another activity of the same staff member",
    ),
    "unknown_municipality": (
        lambda f: edit_cell(f / "timeuse_sessions.csv", 1, "municipality_code", "9999"),
        "row 2, column 'municipality_code': 9999 is not a 2020 municipality code",
    ),
    "municipality_2019": (
        lambda f: edit_cell(f / "timeuse_sessions.csv", 1, "municipality_code", "0101"),
        "row 2, column 'municipality_code': 0101 is a 2019 municipality code; the 2020 code is 3001",
    ),
    "duplicate_session_across_files": (
        second_sessions_file,
        "timeuse_sessions_b.csv, row 2, column 'session_id': session id 'S0001' is used in another file too",
    ),
    "session_over_16_hours": (
        lambda f: (
            edit_cell(f / "timeuse_sessions.csv", 1, "start", "00:10"),
            edit_cell(f / "timeuse_sessions.csv", 1, "end", "23:50"),
        ),
        "row 2, column 'end': session is longer than 16 hours (23.7 h)",
    ),
    "activity_outside_session": (
        lambda f: edit_cell(f / "timeuse_activities.csv", 1, "start", "05:00"),
        "timeuse_activities.csv, row 2, column 'start': activity lies outside its session (07:30–14:58)",
    ),
    "header_only": (
        lambda f: (f / "timeuse_work_sampling.csv").write_text("session_id,time,activity_code\n", encoding="utf-8"),
        "timeuse_work_sampling.csv: the file has a header row but no data rows",
    ),
    "empty_file": (
        lambda f: (f / "timeuse_activities.csv").write_text("", encoding="utf-8"),
        "timeuse_activities.csv: the file is empty",
    ),
}


@pytest.fixture
def folder(tmp_path, root):
    out = tmp_path / "timeuse"
    out.mkdir()
    for f in (root / "data" / "raw" / "example" / "timeuse").iterdir():
        (out / f.name).write_bytes(f.read_bytes())
    return out


@pytest.mark.parametrize("case", list(MUTATIONS))
def test_validate_refuses_what_run_refuses(folder, root, scenario, case):
    mutate, expected = MUTATIONS[case]
    mutate(folder)
    as_run = load_scenario(scenario.path, overrides={"data.timeuse": [str(folder)]}, root=root)
    with pytest.raises(InputError) as err:
        load_scenario_timeuse(as_run)
    run_problems = [str(p) for p in err.value.problems]
    assert any(expected in p for p in run_problems), run_problems
    assert [str(p) for p in validate_paths([folder], scenario)] == run_problems


def test_the_command_prints_every_problem(folder, capsys):
    """The command prints each problem of every file, and the count."""
    cases = ("end_before_start", "header_only")
    for case in cases:
        MUTATIONS[case][0](folder)
    assert main(["validate", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert all(MUTATIONS[case][1] in out for case in cases) and "2 problem(s) found" in err


def test_the_shipped_inputs_validate_and_the_folder_as_well(root, scenario, capsys):
    assert validate_paths([root / "data" / "raw"], scenario) == []
    assert main(["validate"]) == 0
    assert "18 input(s) checked as the pipeline checks them: no problems" in capsys.readouterr().out


def test_what_is_not_an_input_is_named(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    stray = tmp_path / "passwd"
    stray.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    assert main(["validate", str(stray), str(empty), str(tmp_path / "missing.csv")]) == 1
    out = capsys.readouterr().out
    assert f"{stray}: not an input the pipeline reads" in out
    assert f"{empty}: the folder holds no files" in out
    assert f"{tmp_path / 'missing.csv'}: file or folder not found" in out
    assert "no problems" not in out


def test_a_single_register_file_is_checked_against_the_scenarios_area(tmp_path, capsys):
    f = tmp_path / "commitment_register.csv"
    f.write_text(
        "municipality_code,status,date,note\n0101,signed,2020-05-05,\n5001,signed,1990-01-01,\n", encoding="utf-8"
    )
    assert main(["validate", str(f)]) == 1
    out = capsys.readouterr().out
    assert "row 2, column 'municipality_code': 0101 is a 2019 code, not a 2020 code; use 3001" in out
    assert "row 3, column 'municipality_code': 5001 is not in the area" in out
    assert "row 3, column 'date': date 1990-01-01 is outside the study period 2019-01-01 to …" in out
