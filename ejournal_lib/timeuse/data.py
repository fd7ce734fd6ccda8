"""Baseline time-use data (nullpunktsmålinger): the codebook, the three file kinds, and strict checks.

Files (CSV or Excel; one or many of each kind, recognised by name):

* ``*sessions*``: session_id, municipality_code (2020), service, unit, role, staff_id (pseudonymous),
  observer_id, date, start, end (HH:MM; a night shift is registered as two sessions).
* ``*activities*``: session_id, activity_code, start, end (HH:MM on the session's date),
  patient_related (optional true/false), system (optional).
* ``*work_sampling*``: session_id, time (HH:MM), activity_code.

Every problem is reported at once with file, row and column; national identity numbers are refused, in any
file of the folders (whose every other file is refused as not a time-use table). :func:`load_scenario_timeuse`
is what the baseline appendix and ``ejournal validate`` both call.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ejournal_lib.common.errors import InputError, InputProblem, PrivacyError
from ejournal_lib.common.municipalities import load_crosswalk, load_population
from ejournal_lib.common.table_files import TABLE_SUFFIXES, read_table_file, scan_file_for_identity_numbers
from ejournal_lib.common.validation import Column, TableSchema, validate_table
from ejournal_lib.scenario.codebook import Codebook
from ejournal_lib.timeuse.consistency import activity_problems, flag, local_instants, overlap_problems, session_problems

__all__ = [
    "session_schema",
    "activity_schema",
    "sampling_schema",
    "TimeUseData",
    "load_timeuse",
    "load_scenario_timeuse",
    "MAX_SESSION_HOURS",
    "FILE_KINDS",
]

MAX_SESSION_HOURS = 16


def session_schema(codebook: Codebook, study_period: tuple | None = None) -> TableSchema:
    """Sessions; ``study_period`` (first, last date) bounds the dates (a typo such as 2099 is refused)."""
    first, last = (str(d) for d in study_period) if study_period else (None, None)
    return TableSchema(
        "sessions",
        (
            Column("session_id", "code"),
            Column("municipality_code", "code", pattern=r"\d{4}"),
            Column("service", "code", allowed=frozenset(codebook.services)),
            Column("unit", "text"),
            Column("role", "code", allowed=frozenset(codebook.roles)),
            Column("staff_id", "code"),
            Column("observer_id", "code"),
            Column("date", "date", min=first, max=last),
            Column("start", "time"),
            Column("end", "time"),
        ),
        unique=("session_id",),
    )


def activity_schema(codebook: Codebook) -> TableSchema:
    return TableSchema(
        "activities",
        (
            Column("session_id", "code"),
            Column("activity_code", "code", allowed=frozenset(codebook.activities)),
            Column("start", "time"),
            Column("end", "time"),
            Column("patient_related", "bool", required=False),
            Column("system", "text", required=False),
        ),
    )


def sampling_schema(codebook: Codebook) -> TableSchema:
    return TableSchema(
        "work_sampling",
        (
            Column("session_id", "code"),
            Column("time", "time"),
            Column("activity_code", "code", allowed=frozenset(codebook.activities)),
        ),
    )


#: The three file kinds, recognised by these words in the file name.
FILE_KINDS = ("sessions", "activities", "work_sampling")


@dataclass(frozen=True)
class TimeUseData:
    """Checked registrations. Sessions carry ``start_at``/``end_at`` timestamps and ``observed_minutes``;
    activities carry ``minutes``, ``group`` and ``addressable`` and the session's design variables."""

    sessions: pd.DataFrame
    activities: pd.DataFrame
    sampling: pd.DataFrame

    def only_services(self, services) -> TimeUseData:
        """The registrations of the given services (all when ``services`` is empty)."""
        if not services:
            return self
        return TimeUseData(*(f[f["service"].isin(services)] for f in (self.sessions, self.activities, self.sampling)))


def _classify(paths, problems: list[InputProblem]) -> dict[str, list[Path]]:
    """The time-use tables under ``paths`` by kind; every file is scanned for identity numbers and any file
    that is not a time-use table is refused (a stray export must not be skipped silently)."""
    files: dict[str, list[Path]] = {k: [] for k in FILE_KINDS}
    for p in map(Path, paths):
        for f in sorted(p.rglob("*")) if p.is_dir() else [p]:
            if not f.is_file():
                continue
            kind = next((k for k in FILE_KINDS if k in f.name), None)
            hidden = p.is_dir() and any(part.startswith(".") for part in f.relative_to(p).parts)
            if kind and f.suffix.lower() in TABLE_SUFFIXES and hidden:
                message = (
                    "a hidden time-use table (its name or folder starts with '.') is not read, and would not be "
                    "in the manifest: rename it, or move it out of the time-use folder"
                )
                problems.append(InputProblem(str(f), None, None, message))
                continue
            if kind and f.suffix.lower() in TABLE_SUFFIXES:
                files[kind].append(f)  # read_table_file scans the name and every cell
                continue
            problems.extend(scan_file_for_identity_numbers(f))
            if not f.name.startswith("."):
                problems.append(
                    InputProblem(
                        str(f),
                        None,
                        None,
                        "not a time-use table: a time-use folder holds only CSV or Excel files with "
                        f"{', '.join(FILE_KINDS)} in the name; move other files out of it",
                    )
                )
    return files


def _read_kind(files, schema, problems) -> pd.DataFrame:
    frames = []
    for f in files:
        try:
            typed, found = validate_table(read_table_file(f), schema, str(f))
        except InputError as exc:  # the file's shape or an identity number: report with the rest
            problems.extend(exc.problems)
            continue
        problems.extend(found)
        if set(schema.column_names) <= set(typed.columns):  # keep it for the cross-file checks
            typed = typed[schema.column_names].copy()
            typed["_file"] = str(f)
            typed["_row"] = range(1, len(typed) + 1)
            frames.append(typed)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def load_timeuse(
    paths,
    codebook: Codebook,
    valid_codes: set[str],
    crosswalk: pd.DataFrame | None = None,
    max_session_hours: float = MAX_SESSION_HOURS,
    study_period: tuple | None = None,
) -> TimeUseData:
    """Read and check every sessions, activities and work-sampling file under ``paths``.

    ``valid_codes`` are the 2020 municipality codes accepted; ``study_period`` (first, last) bounds session
    dates. Raises :class:`InputError` listing every problem (:class:`PrivacyError` if any is an identity
    number); returns checked frames.
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    missing = [InputProblem(str(p), None, None, "file or folder not found") for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(missing)
    problems: list[InputProblem] = []
    files = _classify(paths, problems)
    if not files["sessions"]:
        problems.append(
            InputProblem(
                ", ".join(map(str, paths)),
                None,
                None,
                "no sessions file found (a CSV or Excel file with 'sessions' in its name)",
            )
        )
    sessions = _read_kind(files["sessions"], session_schema(codebook, study_period), problems)
    acts = _read_kind(files["activities"], activity_schema(codebook), problems)
    samp = _read_kind(files["work_sampling"], sampling_schema(codebook), problems)
    privacy = [p for p in problems if p.personal_data]
    if privacy:
        raise PrivacyError(privacy)
    if sessions.empty:
        raise InputError(problems)

    problems += session_problems(sessions, valid_codes, crosswalk, max_session_hours)
    if problems:  # cell-level problems: report them with the code checks above, before interval checks
        raise InputError(problems)
    problems += overlap_problems(sessions, "session of the same staff member")
    info = sessions.set_index("session_id")
    design = ["municipality_code", "service", "role", "staff_id", "date", "start_at", "end_at"]
    for frame in (acts, samp):
        if not frame.empty:
            problems += flag(
                frame, ~frame["session_id"].isin(info.index), "session_id", "unknown session {session_id!r}"
            )
    if not acts.empty:
        acts = acts[acts["session_id"].isin(info.index)]
        acts = acts.join(info[design].rename(columns={"start_at": "s_start", "end_at": "s_end"}), on="session_id")
        problems += activity_problems(acts)
        acts = acts.merge(codebook.activity_table, on="activity_code", how="left")
    if not samp.empty:
        samp = samp[samp["session_id"].isin(info.index)].join(info[design], on="session_id")
        at, _ = local_instants(samp["date"], samp["time"])  # a skipped time is outside its session too
        outside = at.isna() | (at < samp["start_at"]) | (at > samp["end_at"])
        problems += flag(samp, outside, "time", "observation time lies outside its session")
        samp = samp.merge(codebook.activity_table, on="activity_code", how="left")
    if problems:
        raise InputError(problems)
    return TimeUseData(
        sessions.drop(columns=["_file", "_row"]),
        acts.drop(columns=["_file", "_row", "s_start", "s_end"], errors="ignore"),
        samp.drop(columns=["_file", "_row"], errors="ignore"),
    )


def load_scenario_timeuse(scenario) -> TimeUseData:
    """The scenario's registrations, checked against its code lists (2020 municipalities, codebook) and study
    period; the same call for the appendix and for ``ejournal validate``."""
    return load_timeuse(
        scenario.data.timeuse,
        scenario.codebook,
        set(load_population(scenario.data.population)["municipality_code"]),
        load_crosswalk(scenario.data.crosswalk),
        study_period=scenario.baseline.study_period,
    )
