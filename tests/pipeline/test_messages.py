"""Messages, not tracebacks: a full disk, a read-only output folder, ``--out`` naming a file, old Mac line
endings, a NaN in the scenario, and the daylight-saving days of the time-use registrations."""

from __future__ import annotations

import errno

import pandas as pd
import pytest

from ejournal_lib.common.errors import ConfigError, os_problem
from ejournal_lib.common.table_files import read_table_file
from ejournal_lib.pipeline import runner
from ejournal_lib.pipeline.cli import main
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.publication import RunLock
from ejournal_lib.scenario import load_scenario
from ejournal_lib.timeuse.consistency import session_problems

from .helpers import leftovers


def test_a_full_disk_is_a_message_and_leaves_nothing_behind(project, monkeypatch, capsys):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(project / "data" / "processed" / "t1.csv"))

    monkeypatch.setattr(runner, "_run_notebooks", full)
    assert main(["--root", str(project), "run"]) == 2
    err = capsys.readouterr().err
    assert "the disk is full" in err and "nothing new was published" in err and "Traceback" not in err
    assert leftovers(ProjectPaths.at(project)) == []


def test_a_read_only_output_folder_is_a_message(project, monkeypatch, capsys):
    def refused(self):
        raise PermissionError(errno.EROFS, "Read-only file system", str(self.path))

    monkeypatch.setattr(RunLock, "__enter__", refused)
    assert main(["--root", str(project), "run"]) == 2
    err = capsys.readouterr().err
    assert "cannot be written" in err and "--out" in err and "Traceback" not in err


@pytest.mark.parametrize("command", [["run"], ["clean"]])
def test_out_naming_a_file_is_refused(project, tmp_path, capsys, command):
    target = tmp_path / "a_file.txt"
    target.write_text("x")
    assert main(["--root", str(project), "--out", str(target), *command]) == 2
    assert "is a file; name a folder" in capsys.readouterr().err
    assert target.read_text() == "x"


def test_os_problems_in_words():
    assert "cannot be written" in os_problem(PermissionError(errno.EACCES, "Permission denied", "/x"))
    assert "a file is where a folder should be" in os_problem(NotADirectoryError(errno.ENOTDIR, "Not a dir", "/x"))


def test_old_mac_line_endings_are_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"staff_id,minutes\rS1,30\rS2,45\r")
    assert read_table_file(path).to_dict("records") == [
        {"staff_id": "S1", "minutes": "30"},
        {"staff_id": "S2", "minutes": "45"},
    ]


def test_nan_in_the_scenario_is_named(root):
    with pytest.raises(ConfigError, match=r"discount_rate = nan.*finite number"):
        load_scenario(root / "config" / "ssd2020.yaml", {"cba.frame.discount_rate": float("nan")}, root=root)


def _sessions(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["session_id", "date", "start", "end"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["start"], frame["end"] = pd.to_timedelta(frame["start"] + ":00"), pd.to_timedelta(frame["end"] + ":00")
    return frame.assign(municipality_code="0301", _file="s.csv", _row=range(1, len(frame) + 1))


def test_daylight_saving_days_are_counted_in_local_time():
    """29 March 2020: 02:00 became 03:00 (an hour skipped); 25 October 2020: 03:00 became 02:00 (repeated)."""
    s = _sessions(
        ("spring", "2020-03-29", "01:30", "03:30"),
        ("autumn", "2020-10-25", "01:00", "04:00"),
        ("ordinary", "2020-03-30", "01:30", "03:30"),
    )
    assert session_problems(s, {"0301"}, None, 16) == []
    assert s.set_index("session_id")["observed_minutes"].to_dict() == {"spring": 60, "autumn": 240, "ordinary": 120}
    skipped = _sessions(("x", "2020-03-29", "02:15", "05:00"))
    problems = session_problems(skipped, {"0301"}, None, 16)
    assert [(p.row, p.column) for p in problems] == [(1, "start")]
    assert "2020-03-29 02:15 did not exist" in problems[0].message
