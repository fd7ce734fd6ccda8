"""Checks across the rows and files of the time-use registrations, vectorised: municipality codes, session
ids, session and activity intervals, overlaps. Each returns problems naming file, row and column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ejournal_lib.common.errors import InputProblem
from ejournal_lib.common.municipalities import nearest_code, suggest_2020_code

__all__ = ["flag", "session_problems", "activity_problems", "overlap_problems", "local_instants", "LOCAL_TIME"]

#: Registrations are in Norwegian local time: on daylight-saving days an hour is skipped or repeated.
LOCAL_TIME = "Europe/Oslo"


def local_instants(dates: pd.Series, clocks: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The instants of the local ``dates`` at the ``clocks`` (times of day), and which of them did not exist
    (the hour skipped when clocks go forward in March). A time in the hour repeated when clocks go back in
    October is read as its first occurrence (summer time); durations across either change are the true ones.
    """
    naive = dates + clocks
    local = naive.dt.tz_localize(LOCAL_TIME, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="NaT")
    return local, naive.notna() & local.isna()


def _skipped(frame: pd.DataFrame, mask: pd.Series, column: str) -> list[InputProblem]:
    """A problem for each time in ``column`` that did not exist on its date."""
    return [
        InputProblem(
            r["_file"],
            int(r["_row"]),
            column,
            f"{r['date']:%Y-%m-%d} {_clock(r[column])} did not exist: clocks went forward an hour that night",
        )
        for r in frame[mask.to_numpy()].to_dict("records")
    ]


def _clock(delta: pd.Timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def flag(frame: pd.DataFrame, mask, column: str, message: str) -> list[InputProblem]:
    """A problem for every row of ``frame`` (with ``_file``/``_row``) where ``mask`` holds; ``message`` is
    formatted with the row's values (``{session_id!r}``)."""
    rows = frame[np.asarray(mask, dtype=bool)]
    return [InputProblem(r["_file"], int(r["_row"]), column, message.format_map(r)) for r in rows.to_dict("records")]


def session_problems(
    sessions: pd.DataFrame, valid_codes: set[str], crosswalk: pd.DataFrame | None, max_hours: float
) -> list[InputProblem]:
    """Session ids used in two files, municipality codes that are not 2020 codes (a 2019 code gets its 2020
    code), end not after start, sessions over ``max_hours``. Adds ``start_at``, ``end_at`` and
    ``observed_minutes`` to ``sessions``."""
    out = flag(
        sessions,
        sessions.duplicated("session_id"),
        "session_id",
        "session id {session_id!r} is used in another file too",
    )
    codes = sessions["municipality_code"]
    for code in sorted(set(codes.dropna()) - set(valid_codes) - {""}):
        hint = suggest_2020_code(code, crosswalk) if crosswalk is not None else None
        if hint and hint != code:
            msg = f"{code} is a 2019 municipality code; the 2020 code is {hint}"
        elif code.isdigit() and len(code) < 4 and code.zfill(4) in valid_codes:
            msg = f"{code} is not a 2020 municipality code; a spreadsheet probably dropped the leading zero: {code.zfill(4)}?"
        else:
            near = nearest_code(code, valid_codes)
            msg = f"{code} is not a 2020 municipality code" + (f"; did you mean {near}?" if near else "")
        out += flag(sessions, codes == code, "municipality_code", msg)
    sessions["start_at"], skipped_start = local_instants(sessions["date"], sessions["start"])
    sessions["end_at"], skipped_end = local_instants(sessions["date"], sessions["end"])
    out += _skipped(sessions, skipped_start, "start") + _skipped(sessions, skipped_end, "end")
    sessions["observed_minutes"] = (sessions["end_at"] - sessions["start_at"]).dt.total_seconds() / 60
    backwards = sessions["end_at"] <= sessions["start_at"]
    out += flag(sessions, backwards, "end", "end is not after start (register a night shift as two sessions)")
    hours = sessions["observed_minutes"] / 60
    out += [
        InputProblem(r["_file"], int(r["_row"]), "end", f"session is longer than {max_hours:g} hours ({h:.1f} h)")
        for r, h in zip(
            sessions[~backwards & (hours > max_hours)].to_dict("records"), hours[~backwards & (hours > max_hours)]
        )
    ]
    return sorted(out, key=lambda p: (p.file, p.row))


def activity_problems(acts: pd.DataFrame) -> list[InputProblem]:
    """Activities (joined with their session's ``s_start``/``s_end``) that end before they start, lie outside
    their session or overlap another activity of the same staff member. Adds ``start_at``, ``end_at``,
    ``minutes``."""
    acts["start_at"], skipped_start = local_instants(acts["date"], acts["start"])
    acts["end_at"], skipped_end = local_instants(acts["date"], acts["end"])
    acts["minutes"] = (acts["end_at"] - acts["start_at"]).dt.total_seconds() / 60
    backwards = acts["end_at"] <= acts["start_at"]
    outside = ~backwards & ((acts["start_at"] < acts["s_start"]) | (acts["end_at"] > acts["s_end"]))
    out = _skipped(acts, skipped_start, "start") + _skipped(acts, skipped_end, "end")
    out += flag(acts, backwards, "end", "end is not after start")
    out += flag(acts, outside, "start", "activity lies outside its session ({s_start:%H:%M}–{s_end:%H:%M})")
    return sorted(out, key=lambda p: (p.file, p.row)) + overlap_problems(acts, "activity of the same staff member")


def overlap_problems(df: pd.DataFrame, what: str) -> list[InputProblem]:
    """Rows whose interval starts before an earlier-starting interval of the same staff member has ended."""
    d = df.sort_values(["staff_id", "start_at", "end_at"])
    latest_end = d.groupby("staff_id")["end_at"].cummax().groupby(d["staff_id"]).shift()
    hit = latest_end.notna() & (d["start_at"] < latest_end)
    d = d.assign(_until=latest_end)
    return flag(d, hit, "start", f"overlaps another {what} that lasts until {{_until:%Y-%m-%d %H:%M}}")
