"""The benchmark record: every benchmark's speed as a ratio against a baseline measured in the same run.

Each benchmark script calls :func:`save` with its two timings; ``make benchmark`` then collects them into
``benchmarks/results/latest.json`` (with the commit, date and machine) and compares that with the committed
record ``benchmarks/results/record.json``:

    python benchmarks/record.py collect   # results/latest/*.json → results/latest.json
    python benchmarks/record.py compare   # latest against the record; exit status 1 if a ratio fell > 25 %
    python benchmarks/record.py accept    # the latest run becomes the record (commit it) and the README's table

A ratio is the baseline's time over the measured path's time (how many times faster), so it does not depend
on how fast the machine is; the seconds are kept for reference only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
LATEST_DIR = RESULTS / "latest"
LATEST = RESULTS / "latest.json"
RECORD = RESULTS / "record.json"
README = ROOT / "README.md"
#: A ratio that falls by more than this factor against the record is reported as slower.
TOLERANCE = 1.25
README_START, README_END = "<!-- benchmark-record:start -->", "<!-- benchmark-record:end -->"


def save(name: str, what: str, measured: str, seconds: float, baseline: str, baseline_seconds: float, **extra) -> dict:
    """Write one benchmark's result to ``results/latest/<name>.json`` and return it."""
    entry = {
        "what": what,
        "measured": measured,
        "seconds": round(seconds, 4),
        "baseline": baseline,
        "baseline_seconds": round(baseline_seconds, 4),
        "ratio": float(f"{baseline_seconds / seconds:.4g}"),
        **extra,
    }
    LATEST_DIR.mkdir(parents=True, exist_ok=True)
    (LATEST_DIR / f"{name}.json").write_text(json.dumps(entry, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{name}: {entry['ratio']:.3g}× ({measured} {seconds:.2f} s against {baseline} {baseline_seconds:.2f} s)")
    return entry


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def collect() -> dict:
    """Merge ``results/latest/*.json`` into ``results/latest.json`` with the commit, date and machine."""
    benchmarks = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(LATEST_DIR.glob("*.json"))}
    if not benchmarks:
        raise SystemExit(f"no benchmark results in {LATEST_DIR}; run 'make benchmark'")
    record = {
        "commit": _git_commit(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cpus": os.cpu_count(), "processor": platform.machine(), "python": platform.python_version()},
        "benchmarks": benchmarks,
    }
    LATEST.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return record


def slower(latest: dict, record: dict, tolerance: float = TOLERANCE) -> list[str]:
    """The benchmarks whose ratio fell by more than ``tolerance`` against the record, described.

    >>> slower({"benchmarks": {"a": {"ratio": 10.0}, "b": {"ratio": 30.0}}},
    ...        {"benchmarks": {"a": {"ratio": 40.0}, "b": {"ratio": 32.0}}})
    ['a: 10.0× against 40.0× in the record (4.00 times slower relative to its baseline)']
    """
    out = []
    for name, old in record.get("benchmarks", {}).items():
        new = latest.get("benchmarks", {}).get(name)
        if new is not None and new["ratio"] * tolerance < old["ratio"]:
            out.append(
                f"{name}: {new['ratio']}× against {old['ratio']}× in the record "
                f"({old['ratio'] / new['ratio']:.2f} times slower relative to its baseline)"
            )
    return out


def readme_table(record: dict) -> str:
    """The record as the README's Markdown table."""
    lines = [
        f"Record of commit `{record['commit']}` ({record['date']}, {record['machine']['cpus']} CPUs):",
        "",
        "| Benchmark | Measured | Baseline (same run) | Ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for b in record["benchmarks"].values():
        lines.append(
            f"| {b['what']} | {b['measured']}: {b['seconds']:.2f} s | {b['baseline']}: {b['baseline_seconds']:.2f} s "
            f"| {b['ratio']:.3g}× |"
        )
    extras = {
        "all_factsheets_seconds": "All 292 factsheets (`ejournal factsheets`, tables current): {:.0f} s",
        "budget_seconds": "`make test` budget: {:.0f} s",
    }
    notes = [text.format(b[k]) for b in record["benchmarks"].values() for k, text in extras.items() if k in b]
    return "\n".join(lines + ([""] + [f"{n}." for n in notes] if notes else []))


def write_readme(record: dict) -> None:
    """Replace the table between the README's benchmark-record markers."""
    text = README.read_text(encoding="utf-8")
    start, end = text.index(README_START) + len(README_START), text.index(README_END)
    README.write_text(text[:start] + "\n" + readme_table(record) + "\n" + text[end:], encoding="utf-8")


def _load(path: Path) -> dict:
    if not path.is_file():
        raise SystemExit(f"{path.relative_to(ROOT)} not found; run 'make benchmark' first")
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["collect", "compare", "accept"])
    args = ap.parse_args(argv)
    if args.command == "collect":
        collect()
        return 0
    latest = _load(LATEST)
    if args.command == "accept":
        RECORD.write_text(json.dumps(latest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        write_readme(latest)
        print(f"{RECORD.relative_to(ROOT)} and the README now hold the run of {latest['date']}; commit them")
        return 0
    record = _load(RECORD)
    worse = slower(latest, record)
    missing = sorted(set(record["benchmarks"]) - set(latest["benchmarks"]))
    print(
        f"latest run ({latest['commit']}, {latest['date']}) against the record ({record['commit']}, {record['date']}):"
    )
    for name, b in latest["benchmarks"].items():
        old = record["benchmarks"].get(name)
        print(f"  {name:18s} {b['ratio']:8.3g}×   record {old['ratio'] if old else '—':>8}×")
    for name in missing:
        print(f"  {name}: in the record but not measured this time")
    if worse:
        print(f"slower by more than {int((TOLERANCE - 1) * 100)} %:\n  " + "\n  ".join(worse))
        return 1
    print(f"nothing is slower by more than {int((TOLERANCE - 1) * 100)} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
