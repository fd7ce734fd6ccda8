"""A run under attack: inputs outside the project hashed, a second run refused by the lock, and a run killed
(SIGKILL) or interrupted (Ctrl-C) with --jobs 2 leaves no process, socket, staging area or half publication."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from ejournal_lib.pipeline.cli import main
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.publication import RunLock, RunLockedError
from ejournal_lib.pipeline.runner import run_pipeline

from .helpers import copy_project, leftovers, set_scenario, snapshot

pytestmark = pytest.mark.e2e


@pytest.mark.slow  # about 15 s: three runs
def test_an_input_outside_the_project_is_hashed_and_marked(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "followup.csv"
    outside.write_bytes((project / "data" / "raw" / "example" / "benefit_followup.csv").read_bytes())
    set_scenario(project, {"data.benefit_followup": str(outside)})
    paths = ProjectPaths.at(project).for_scenario("ssd2020")
    assert run_pipeline(paths).ok
    manifest = json.loads((paths.reports / "manifest.json").read_text())
    assert str(outside) in manifest["inputs"]
    assert manifest["input_status"][str(outside)] == "outside_repository"
    assert "(utenfor prosjektmappen)" in (paths.appendices / "a.html").read_text(encoding="utf-8")
    assert {r.name: r.status for r in run_pipeline(paths).results}["a"] == "cached"
    outside.write_text(outside.read_text() + "B1-HOME,3024,2025,2031,21.0\n")
    rerun = {r.name: r.status for r in run_pipeline(paths).results}
    assert rerun["a"] == "ran" and rerun["b"] == "ran"  # b reads a's table


def test_a_second_run_on_the_same_outputs_is_refused(project, capsys):
    paths = ProjectPaths.at(project).for_scenario("ssd2020")
    with RunLock(paths.reports):
        with pytest.raises(RunLockedError, match=f"another run \\(process {os.getpid()}\\) is writing to"):
            run_pipeline(paths)
        assert main(["--root", str(project), "run"]) == 2
        assert "another run" in capsys.readouterr().err
    assert run_pipeline(paths, only=["c"]).ok  # released


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc), including kernels in their own sessions."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            found.add(c)
            todo.append(c)
    return found


def alive(pids) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def start_sleeping_run(project: Path) -> tuple[subprocess.Popen, set[int]]:
    """``ejournal run --jobs 2`` in its own process group, once notebook c sleeps inside its kernel."""
    set_scenario(project, {"description": "sleep"})
    cmd = [sys.executable, "-m", "ejournal_lib.pipeline.cli", "--root", str(project), "run", "--jobs", "2", "--force"]
    proc = subprocess.Popen(cmd, cwd=project, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    tree: set[int] = set()
    while time.monotonic() < deadline:
        tree = descendants(proc.pid)
        kernels = [p for p in tree if b"ipykernel" in Path(f"/proc/{p}/cmdline").read_bytes()] if tree else []
        if kernels:
            time.sleep(3)  # let c's kernel reach its sleep
            return proc, descendants(proc.pid)
        time.sleep(0.2)
    proc.kill()
    pytest.fail("the run did not start its workers and kernels")


def sockets_of(pid: int) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"ejournal-run-{pid}-*"))


@pytest.mark.slow  # about 20 s each: a full run, then a run killed while a kernel sleeps
@pytest.mark.parametrize("how", ["sigkill", "sigint"])
def test_a_killed_or_interrupted_run_leaves_nothing_behind(project, how):
    paths = ProjectPaths.at(project).for_scenario("ssd2020")
    assert run_pipeline(paths).ok
    published = snapshot(paths)
    proc, tree = start_sleeping_run(project)
    assert tree and sockets_of(proc.pid)
    if how == "sigkill":
        proc.kill()
    else:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground process group
    proc.wait(timeout=30)
    deadline = time.monotonic() + 5
    while alive(tree) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive(tree) == set(), "workers or kernels outlived the run"
    assert snapshot(paths) == published, "a half-finished run changed the publication"
    if how == "sigint":
        assert proc.returncode == 130 and b"nothing new was published" in proc.stderr.read()
        assert leftovers(paths) == [] and sockets_of(proc.pid) == []
    set_scenario(project, {"description": "A scenario that runs through."})
    assert run_pipeline(paths).ok  # the lock died with the run; stale staging and sockets are removed
    assert leftovers(paths) == [] and sockets_of(proc.pid) == []


def test_an_identity_number_is_never_echoed_by_a_run(root, tmp_path, capsys):
    """A headerless export with an identity number in the time-use folder: the run refuses it, and neither
    the messages, the log nor the partly executed notebook shows the number."""
    from tests.common.test_validation import make_fnr

    number = make_fnr("010570", "123")
    copy_project(root, tmp_path, ["baseline"])
    export = tmp_path / "data" / "raw" / "example" / "timeuse" / "export_sessions.csv"
    export.write_text(f"S9,{number[:6]} {number[6:]},home_services\n", encoding="utf-8")
    assert main(["--root", str(tmp_path), "-v", "run"]) == 1
    captured = capsys.readouterr()
    texts = [captured.out, captured.err]
    texts += [f.read_text(encoding="utf-8", errors="replace") for f in (tmp_path / "reports").rglob("*") if f.is_file()]
    assert "identity number" in captured.err
    for text in texts:
        digits = "".join(ch for ch in text if ch.isdigit())
        assert number not in digits and number[1:] not in text.replace(" ", "")
