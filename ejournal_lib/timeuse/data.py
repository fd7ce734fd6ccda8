"""Baseline time-use data (nullpunktsmålinger): the codebook, the three file kinds, and strict checks.

Files (CSV or Excel; one or many of each kind, recognised by name):

* ``*sessions*``: session_id, municipality_code (2020), service, unit, role, staff_id (pseudonymous),
  observer_id, date, start, end (HH:MM; a night shift is registered as two sessions).
* ``*activities*``: session_id, activity_code, start, end (HH:MM on the session's date),
  patient_related (optional true/false), system (optional).
* ``*work_sampling*``: session_id, time (HH:MM), activity_code.

Every problem is reported at once with file, row and column; national identity numbers are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ejournal_lib.common.errors import InputError, InputProblem
from ejournal_lib.common.municipalities import suggest_2020_code
from ejournal_lib.common.validation import Column, TableSchema, read_table_file, register_schema, validate_table
from ejournal_lib.scenario.codebook import Codebook

__all__ = ["session_schema", "activity_schema", "sampling_schema", "TimeUseData", "load_timeuse", "MAX_SESSION_HOURS"]

MAX_SESSION_HOURS = 16


def session_schema(codebook: Codebook) -> TableSchema:
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
            Column("date", "date"),
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


for _pattern, _factory in (
    (r".*sessions.*\.(csv|xlsx)", session_schema),
    (r".*activities.*\.(csv|xlsx)", activity_schema),
    (r".*work_sampling.*\.(csv|xlsx)", sampling_schema),
):
    register_schema(_pattern)(lambda scenario, f=_factory: f(scenario.codebook))


@dataclass(frozen=True)
class TimeUseData:
    """Checked registrations. Sessions carry ``start_at``/``end_at`` timestamps and ``observed_minutes``;
    activities carry ``minutes``, ``group`` and ``addressable`` and the session's design variables."""

    sessions: pd.DataFrame
    activities: pd.DataFrame
    sampling: pd.DataFrame


def _files(paths, kind: str) -> list[Path]:
    out = []
    for p in paths:
        p = Path(p)
        cands = sorted(p.rglob("*")) if p.is_dir() else [p]
        out += [c for c in cands if c.is_file() and kind in c.name and c.suffix.lower() in (".csv", ".xlsx")]
    return out


def _read_kind(files, schema, problems) -> pd.DataFrame:
    frames = []
    for f in files:
        typed, found = validate_table(read_table_file(f), schema, str(f))
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
) -> TimeUseData:
    """Read and check every sessions, activities and work-sampling file under ``paths``.

    ``valid_codes`` are the 2020 municipality codes accepted. Raises :class:`InputError` listing every
    problem (or :class:`PrivacyError` at once for an identity number); returns checked frames.
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    missing = [InputProblem(str(p), None, None, "file or folder not found") for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(missing)
    problems: list[InputProblem] = []
    sess_files = _files(paths, "sessions")
    if not sess_files:
        raise InputError(
            [
                InputProblem(
                    ", ".join(map(str, paths)),
                    None,
                    None,
                    "no sessions file found (a CSV or Excel file with 'sessions' in its name)",
                )
            ]
        )
    sessions = _read_kind(sess_files, session_schema(codebook), problems)
    acts = _read_kind(_files(paths, "activities"), activity_schema(codebook), problems)
    samp = _read_kind(_files(paths, "work_sampling"), sampling_schema(codebook), problems)
    if sessions.empty:
        raise InputError(problems)

    dup = sessions.duplicated("session_id", keep="first")
    for _, r in sessions[dup].iterrows():
        problems.append(
            InputProblem(
                r["_file"], r["_row"], "session_id", f"session id {r['session_id']!r} is used in another file too"
            )
        )
    for _, r in sessions.iterrows():
        code = r["municipality_code"]
        if code and code not in valid_codes:
            hint = suggest_2020_code(code, crosswalk) if crosswalk is not None else None
            msg = (
                f"{code} is a 2019 municipality code; the 2020 code is {hint}"
                if hint and hint != code
                else f"{code} is not a 2020 municipality code"
            )
            problems.append(InputProblem(r["_file"], r["_row"], "municipality_code", msg))
    sessions["start_at"] = sessions["date"] + sessions["start"]
    sessions["end_at"] = sessions["date"] + sessions["end"]
    sessions["observed_minutes"] = (sessions["end_at"] - sessions["start_at"]).dt.total_seconds() / 60
    for _, r in sessions.iterrows():
        if r["end_at"] <= r["start_at"]:
            problems.append(
                InputProblem(
                    r["_file"], r["_row"], "end", "end is not after start (register a night shift as two sessions)"
                )
            )
        elif r["observed_minutes"] > max_session_hours * 60:
            problems.append(
                InputProblem(
                    r["_file"],
                    r["_row"],
                    "end",
                    f"session is longer than {max_session_hours} hours ({r['observed_minutes'] / 60:.1f} h)",
                )
            )
    if problems:  # cell-level problems: report them with the code checks above, before interval checks
        raise InputError(problems)
    problems += _overlaps(sessions, "start_at", "end_at", ["staff_id"], "session of the same staff member", "start")

    info = sessions.set_index("session_id")
    design = ["municipality_code", "service", "role", "staff_id", "date"]
    for frame in (acts, samp):
        if frame.empty:
            continue
        known = frame["session_id"].isin(info.index)
        for _, r in frame[~known].iterrows():
            problems.append(InputProblem(r["_file"], r["_row"], "session_id", f"unknown session {r['session_id']!r}"))
    if not acts.empty:
        acts = acts[acts["session_id"].isin(info.index)].copy()
        acts = acts.join(
            info[design + ["start_at", "end_at"]].rename(columns={"start_at": "s_start", "end_at": "s_end"}),
            on="session_id",
        )
        acts["start_at"] = acts["date"] + acts["start"]
        acts["end_at"] = acts["date"] + acts["end"]
        acts["minutes"] = (acts["end_at"] - acts["start_at"]).dt.total_seconds() / 60
        for _, r in acts.iterrows():
            if r["end_at"] <= r["start_at"]:
                problems.append(InputProblem(r["_file"], r["_row"], "end", "end is not after start"))
            elif r["start_at"] < r["s_start"] or r["end_at"] > r["s_end"]:
                problems.append(
                    InputProblem(
                        r["_file"],
                        r["_row"],
                        "start",
                        f"activity lies outside its session ({r['s_start']:%H:%M}–{r['s_end']:%H:%M})",
                    )
                )
        problems += _overlaps(acts, "start_at", "end_at", ["staff_id"], "activity of the same staff member", "start")
        acts = acts.merge(codebook.activity_table, on="activity_code", how="left")
    if not samp.empty:
        samp = samp[samp["session_id"].isin(info.index)].copy()
        samp = samp.join(info[design + ["start_at", "end_at"]], on="session_id")
        at = samp["date"] + samp["time"]
        for i in samp.index[(at < samp["start_at"]) | (at > samp["end_at"])]:
            r = samp.loc[i]
            problems.append(InputProblem(r["_file"], r["_row"], "time", "observation time lies outside its session"))
        samp = samp.merge(codebook.activity_table, on="activity_code", how="left")
    if problems:
        raise InputError(problems)
    return TimeUseData(
        sessions.drop(columns=["_file", "_row"]),
        acts.drop(columns=["_file", "_row", "s_start", "s_end"], errors="ignore"),
        samp.drop(columns=["_file", "_row"], errors="ignore"),
    )


def _overlaps(df: pd.DataFrame, start: str, end: str, by: list[str], what: str, column: str) -> list[InputProblem]:
    """Rows whose interval starts before an earlier-starting interval of the same ``by`` key has ended."""
    out = []
    d = df.sort_values(by + [start, end])
    latest_end = d.groupby(by)[end].transform(lambda s: s.cummax().shift())
    for i in d.index[latest_end.notna() & (d[start] < latest_end)]:
        r = d.loc[i]
        out.append(
            InputProblem(
                r["_file"],
                r["_row"],
                column,
                f"overlaps another {what} that lasts until {latest_end[i]:%Y-%m-%d %H:%M}",
            )
        )
    return out
