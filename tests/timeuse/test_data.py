"""Every validation rule of the time-use files, each with a failing fixture; one valid fixture passes."""

import pytest

from ejournal_lib.common.errors import InputError, PrivacyError
from ejournal_lib.common.municipalities import load_crosswalk
from ejournal_lib.timeuse.data import load_timeuse
from tests.conftest import scenario_file
from tests.pipeline.helpers import copy_project

SESSIONS = (
    "session_id,municipality_code,service,unit,role,staff_id,observer_id,date,start,end\n"
    "S1,3024,home_services,Hjemmesykepleie Øst,nurse,P1,O1,2020-02-03,07:30,15:00\n"
    "S2,0301,gp_doctors,Legekontoret på Tøyen,gp,P2,O2,2020-02-04,08:00,16:00\n"
)
ACTIVITIES = (
    "session_id,activity_code,start,end,patient_related,system\n"
    "S1,DOK-JOURNAL,07:30,08:00,true,EPJ\n"
    "S1,PAS-DIREKTE,08:00,12:00,true,\n"
    "S2,INFO-SOK,08:00,08:20,false,EPJ\n"
)
SAMPLING = "session_id,time,activity_code\nS1,07:45,DOK-JOURNAL\nS2,08:10,INFO-SOK\n"


@pytest.fixture(scope="module")
def codebook(scenario):
    return scenario.codebook


@pytest.fixture(scope="module")
def crosswalk(root):
    return load_crosswalk(root / "data" / "raw" / "municipality_changes_2019_2020.csv")


VALID = {"0301", "3024", "4601"}


def write(tmp_path, sessions=SESSIONS, activities=ACTIVITIES, sampling=SAMPLING, encoding="utf-8"):
    (tmp_path / "timeuse_sessions.csv").write_text(sessions, encoding=encoding)
    (tmp_path / "timeuse_activities.csv").write_text(activities, encoding=encoding)
    (tmp_path / "timeuse_work_sampling.csv").write_text(sampling, encoding=encoding)
    return tmp_path


def problems(tmp_path, codebook, crosswalk, **files):
    with pytest.raises(InputError) as err:
        load_timeuse(write(tmp_path, **files), codebook, VALID, crosswalk)
    return str(err.value)


def test_valid_fixture_with_bom_and_norwegian_letters(tmp_path, codebook, crosswalk):
    data = load_timeuse(write(tmp_path, encoding="utf-8-sig"), codebook, VALID, crosswalk)
    assert data.sessions.set_index("session_id").loc["S1", "unit"] == "Hjemmesykepleie Øst"
    assert data.sessions["observed_minutes"].tolist() == [450.0, 480.0]
    assert data.activities["minutes"].tolist() == [30.0, 240.0, 20.0]
    assert data.activities["addressable"].tolist() == [True, False, True]


def test_excel_serial_dates_and_semicolons(tmp_path, codebook, crosswalk):
    sessions = SESSIONS.replace("2020-02-03", "43864").replace(",", ";")  # Excel serial 43864 = 2020-02-03
    data = load_timeuse(write(tmp_path, sessions=sessions), codebook, VALID, crosswalk)
    assert str(data.sessions["date"].iloc[0].date()) == "2020-02-03"


def test_missing_and_extra_columns(tmp_path, codebook, crosswalk):
    text = problems(tmp_path, codebook, crosswalk, sessions=SESSIONS.replace("observer_id,", "observer,"))
    assert "column 'observer_id': column is missing" in text
    assert "column 'observer': unexpected column" in text


def test_wrong_types(tmp_path, codebook, crosswalk):
    text = problems(tmp_path, codebook, crosswalk, sessions=SESSIONS.replace("07:30,15:00", "half eight,15:00"))
    assert "timeuse_sessions.csv, row 2, column 'start': expected a time of day (HH:MM), got 'half eight'" in text


def test_end_before_start_and_session_too_long(tmp_path, codebook, crosswalk):
    sessions = SESSIONS.replace("07:30,15:00", "15:00,07:30").replace("08:00,16:00", "00:30,23:00")
    text = problems(
        tmp_path,
        codebook,
        crosswalk,
        sessions=sessions,
        activities="session_id,activity_code,start,end,patient_related,system\n",
        sampling="session_id,time,activity_code\n",
    )
    assert "row 2, column 'end': end is not after start" in text
    assert "row 3, column 'end': session is longer than 16 hours (22.5 h)" in text


def test_activity_outside_session(tmp_path, codebook, crosswalk):
    text = problems(
        tmp_path,
        codebook,
        crosswalk,
        activities=ACTIVITIES.replace("S1,PAS-DIREKTE,08:00,12:00", "S1,PAS-DIREKTE,08:00,15:30"),
    )
    assert "timeuse_activities.csv, row 3, column 'start': activity lies outside its session (07:30–15:00)" in text


def test_overlapping_activities_of_the_same_staff(tmp_path, codebook, crosswalk):
    text = problems(
        tmp_path, codebook, crosswalk, activities=ACTIVITIES.replace("S1,PAS-DIREKTE,08:00", "S1,PAS-DIREKTE,07:50")
    )
    assert "timeuse_activities.csv, row 3, column 'start': overlaps another activity of the same staff member" in text


def test_overlapping_sessions_of_the_same_staff(tmp_path, codebook, crosswalk):
    sessions = SESSIONS.replace(
        "S2,0301,gp_doctors,Legekontoret på Tøyen,gp,P2,O2,2020-02-04",
        "S2,0301,gp_doctors,Legekontoret på Tøyen,gp,P1,O2,2020-02-03",
    )
    text = problems(tmp_path, codebook, crosswalk, sessions=sessions)
    assert "timeuse_sessions.csv, row 3, column 'start': overlaps another session of the same staff member" in text


def test_unknown_codes(tmp_path, codebook, crosswalk):
    sessions = SESSIONS.replace("home_services", "hjemmetjeneste").replace(",nurse,", ",doctor,")
    text = problems(
        tmp_path, codebook, crosswalk, sessions=sessions, activities=ACTIVITIES.replace("DOK-JOURNAL", "DOK-XYZ")
    )
    assert "timeuse_sessions.csv, row 2, column 'service': unknown value 'hjemmetjeneste'" in text
    assert "timeuse_sessions.csv, row 2, column 'role': unknown value 'doctor'" in text
    assert "timeuse_activities.csv, row 2, column 'activity_code': unknown value 'DOK-XYZ'" in text


def test_municipality_code_2019_gets_2020_suggestion(tmp_path, codebook, crosswalk):
    text = problems(tmp_path, codebook, crosswalk, sessions=SESSIONS.replace("S1,3024", "S1,0219"))
    assert "row 2, column 'municipality_code': 0219 is a 2019 municipality code; the 2020 code is 3024" in text


def test_duplicated_rows(tmp_path, codebook, crosswalk):
    text = problems(tmp_path, codebook, crosswalk, sampling=SAMPLING + "S1,07:45,DOK-JOURNAL\n")
    assert "timeuse_work_sampling.csv, row 4: duplicated row" in text


def test_identity_number_refused_without_echo(tmp_path, codebook, crosswalk):
    from tests.common.test_validation import make_fnr

    fnr = make_fnr("150570", "123")  # 15 May 1970 with valid check digits, built independently
    with pytest.raises(PrivacyError) as err:
        load_timeuse(write(tmp_path, sessions=SESSIONS.replace("P1,O1", f"{fnr},O1")), codebook, VALID, crosswalk)
    assert "timeuse_sessions.csv, row 2, column 'staff_id'" in str(err.value)
    assert fnr not in str(err.value)


def test_all_problems_reported_together(tmp_path, codebook, crosswalk):
    sessions = SESSIONS.replace("S1,3024", "S1,9999").replace("gp_doctors", "gp")
    with pytest.raises(InputError) as err:
        load_timeuse(write(tmp_path, sessions=sessions), codebook, VALID, crosswalk)
    assert len(err.value.problems) >= 2


@pytest.mark.e2e
def test_nothing_written_when_validation_fails(root, tmp_path):
    """The baseline notebook fails on bad data before any table is written."""
    from ejournal_lib.pipeline.paths import ProjectPaths
    from ejournal_lib.pipeline.runner import run_pipeline

    bad = write(
        tmp_path / "bad" if (tmp_path / "bad").mkdir() is None else tmp_path,
        activities=ACTIVITIES.replace("S1,PAS-DIREKTE,08:00", "S1,PAS-DIREKTE,07:50"),
    )
    out = copy_project(root, tmp_path / "out", ["baseline"])  # the notebooks reading its tables are not needed
    cfg = scenario_file(tmp_path / "bad.yaml", {"data.timeuse": [str(bad)]})
    report = run_pipeline(ProjectPaths.at(out), cfg)
    assert not report.ok
    assert "overlaps another activity" in report.results[0].error
    assert list((out / "data" / "processed").rglob("timeuse_*.csv")) == []  # nothing published
    assert not (out / "reports" / "ssd2020" / "appendices" / "baseline.html").exists()
    assert not (out / "reports" / "ssd2020" / "manifest.json").exists()
    assert (out / "reports" / "ssd2020" / "failed" / "baseline.ipynb").is_file()
