"""The ``ejournal`` command line: run the pipeline, list notebooks, validate raw inputs."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from pathlib import Path

from ejournal_lib.common.errors import ConfigError, EjournalError, grouped_lines, os_problem
from ejournal_lib.common.identity_numbers import redact
from ejournal_lib.common.project import DEFAULT_SCENARIO
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.progress import progress

__all__ = ["main"]


def _cmd_run(args, paths: ProjectPaths) -> int:
    from ejournal_lib.pipeline.runner import failure_summary, run_pipeline

    start = time.perf_counter()
    report = run_pipeline(
        paths, args.config, only=args.only, jobs=args.jobs, force=args.force, replace_other=args.replace
    )
    elapsed = time.perf_counter() - start
    ran = sum(r.status == "ran" for r in report.results)
    cached = sum(r.status == "cached" for r in report.results)
    print(
        f"scenario {report.scenario}: {ran} run, {cached} unchanged, {len(report.failed)} failed "
        f"in {elapsed:.1f} s; appendices in {report.paths.appendices if report.paths else '-'}"
    )
    print(f"manifest: {report.manifest_path}\nworkbook: {report.workbook_path}")
    if not report.ok:
        print(failure_summary(report), file=sys.stderr)
        return 1
    return 0


def _cmd_list(args, paths: ProjectPaths) -> int:
    from ejournal_lib.pipeline.notebooks import RUNNER_PARAMETERS, discover_notebooks, execution_order

    specs = discover_notebooks(paths.notebooks)
    for wave in execution_order(specs):
        for name in wave:
            s = specs[name]
            print(f"{name}: {s.title}")
            if s.inputs:
                print(f"  inputs: {', '.join(s.inputs)} (the scenario's data section)")
            if s.reads:
                print(f"  reads:  {', '.join(s.reads)}")
            if s.writes:
                print(f"  writes: {', '.join(s.writes)}")
            for p in s.parameters.values():
                note = " (set by the runner)" if p.name in RUNNER_PARAMETERS else ""
                print(f"  - {p.name} ({p.type}, default {p.default!r}){note}: {p.help}")
    return 0


def _cmd_validate(args, paths: ProjectPaths) -> int:
    from ejournal_lib.pipeline.validate import validate_paths, validate_scenario_inputs
    from ejournal_lib.scenario import load_scenario

    scenario = load_scenario(args.config, root=paths.root)
    checked: list = []
    if args.paths:
        problems = validate_paths([Path(p) for p in args.paths], scenario, checked)
        for f, kind in checked:
            print(f"{f}: {'checked as ' + kind if kind else 'not an input the pipeline reads'}")
    else:
        problems = validate_scenario_inputs(scenario, checked)
        for key, target in checked:
            print(f"{key}: {target if not isinstance(target, list) else ', '.join(map(str, target))}")
    for line in grouped_lines(problems):
        print(line)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"{len(checked)} input(s) checked as the pipeline checks them: no problems")
    return 0


def _cmd_factsheets(args, paths: ProjectPaths) -> int:
    from ejournal_lib.pipeline.factsheet_batch import build_factsheets

    report = build_factsheets(paths, args.config, args.municipality, jobs=args.jobs, pdf=not args.no_pdf)
    folder = report.folder or paths.reports
    print(
        f"{len(report.written)} factsheets written to {folder} in {report.seconds:.1f} s (index: {folder / 'index.html'})"
    )
    if report.failed:
        print(f"{len(report.failed)} failed:", file=sys.stderr)
        for code, msg in sorted(report.failed.items()):
            print(f"  {code}: {msg}", file=sys.stderr)
        return 1
    return 0


def _cmd_calibrate(args, paths: ProjectPaths) -> int:
    from ejournal_lib.cba.calibration import calibration_check, solve_calibration
    from ejournal_lib.cba.tables import scenario_public_shares
    from ejournal_lib.scenario import load_scenario

    scenario = load_scenario(args.config, root=paths.root)
    ps = scenario_public_shares(scenario)
    check = calibration_check(scenario.cba, ps)
    print("The scenario's calibrated values against their targets (MNOK):")
    for r in check.itertuples():
        state = "ok" if r.within_tolerance else "OUT OF TOLERANCE"
        target = f"{r.effect!s} ({r.service!s})" if r.service else str(r.effect)
        print(f"  {r.parameter!s}: {target} model {r.model_mnok:.1f}, published {r.published_mnok:.1f} ({state})")
    print("Values that reproduce the targets (write them into the scenario's cba section):")
    for parameter, value in solve_calibration(scenario.cba, ps).items():
        print(f"  cba.{parameter}: {value}")
    return 0 if check["within_tolerance"].all() else 1


def _cmd_example_data(args, paths: ProjectPaths) -> int:
    from ejournal_lib.pipeline.example_data import write_example_data

    for p in write_example_data(paths.root, args.to, args.seed):
        print(f"wrote {p}")
    return 0


def _changes(texts: list[str]) -> dict:
    """``--set PATH=VALUE`` options as ``{path: value}`` (each value read as YAML, as ``--vary`` reads it)."""
    from ejournal_lib.pipeline.sweep import parse_vary

    out = {}
    for text in texts:
        path, values = parse_vary(text)
        if len(values) != 1:
            raise ConfigError(f"--set {text!r}: expected PATH=VALUE with one value")
        out[path] = values[0]
    return out


def _cmd_compare(args, paths: ProjectPaths) -> int:
    from ejournal_lib.pipeline.compare import compare_scenarios

    report = compare_scenarios(
        paths,
        args.scenarios,
        expected=not args.no_expected,
        what_if=_changes(args.set) or None,
        name=args.name,
        title=args.title,
    )
    files = [report.html, report.pdf, report.workbook, report.memo_pdf, report.memo_docx]
    print(f"comparison in {report.folder}: {', '.join(f.name for f in files if f)}; figures in figures/ (PNG, SVG)")
    return 0


def _cmd_sweep(args, paths: ProjectPaths) -> int:
    from ejournal_lib.pipeline.sweep import parse_vary, run_sweep

    report = run_sweep(paths, args.config, [parse_vary(v) for v in args.vary], tuple(args.output))
    print(f"{report.points} points in {report.seconds:.1f} s; sweep in {report.folder} ({report.workbook.name})")
    for point in report.skipped:
        print(f"  skipped (not a valid scenario): {point}")
    return 0


def _cmd_solve(args, paths: ProjectPaths) -> int:
    from ejournal_lib.results.what_if import solve
    from ejournal_lib.scenario import load_scenario

    figure, _, value = args.target.partition("=")
    try:
        target = float(value)
    except ValueError:
        raise EjournalError(f"--target {args.target!r}: expected FIGURE=VALUE, e.g. npv_mnok=0") from None
    scenario = load_scenario(args.config, root=paths.root)
    print(solve(scenario, args.vary, tuple(args.between), figure.strip(), target))
    return 0


def _cmd_clean(args, paths: ProjectPaths) -> int:
    from ejournal_lib.pipeline.runner import clean_outputs

    clean_outputs(paths)
    print(f"removed outputs in {paths.processed} and {paths.reports}")
    return 0


def _cmd_graph(args, paths: ProjectPaths) -> int:
    from ejournal_lib.common.labels import label
    from ejournal_lib.publishing.figures_graph import result_graph_chart
    from ejournal_lib.results import lineage

    topics = lineage.topics()
    fig = result_graph_chart(topics, lineage.topic_edges(), {t: label("result_topic", t) for t in topics})
    target = args.to or paths.root / "docs" / "result-graph.png"
    fig.savefig(target, dpi=90, metadata={"Software": None})
    print(f"wrote {target} ({sum(len(n) for n in topics.values())} nodes in {len(topics)} topics)")
    return 0


def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """-v, --root and --out: before the subcommand (with their defaults) or after it (then they override)."""
    default = (lambda d: argparse.SUPPRESS) if suppress else (lambda d: d)
    parser.add_argument("-v", "--verbose", action="count", default=default(0), help="more log output (-vv for debug)")
    parser.add_argument("--root", type=Path, default=default(None), help="project folder (default: found from here)")
    parser.add_argument("--out", type=Path, default=default(None), help="write outputs below this folder instead")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ejournal", description=__doc__)
    _global_options(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, suppress=True)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, **kwargs) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kwargs)  # the global options also after the command

    run = add("run", help="run the notebooks and render every appendix")
    run.add_argument("--config", default=DEFAULT_SCENARIO, help=f"scenario file or name (default {DEFAULT_SCENARIO})")
    run.add_argument("--only", nargs="+", metavar="NAME", help="run only these notebooks (and what they depend on)")
    run.add_argument("--jobs", type=int, default=1, help="independent notebooks to run in parallel")
    run.add_argument("--force", action="store_true", help="run even notebooks whose inputs are unchanged")
    run.add_argument(
        "--replace", action="store_true", help="replace the publication of another scenario file with the same name"
    )
    run.set_defaults(func=_cmd_run)

    lst = add("list", help="the notebooks and their parameters")
    lst.set_defaults(func=_cmd_list)

    val = add("validate", help="check inputs exactly as the pipeline does, without running it")
    val.add_argument("paths", nargs="*", help="files or folders to check (default: every input the scenario names)")
    val.add_argument("--config", default=DEFAULT_SCENARIO, help="scenario whose code lists apply")
    val.set_defaults(func=_cmd_validate)

    fs = add("factsheets", help="a factsheet per municipality outside Midt-Norge, and an index")
    fs.add_argument("--config", default=DEFAULT_SCENARIO, help="scenario file or name")
    fs.add_argument("--municipality", nargs="+", metavar="CODE", help="only these municipalities (2020 codes)")
    fs.add_argument("--jobs", type=int, default=2, help="worker processes (one kernel each)")
    fs.add_argument("--no-pdf", action="store_true", help="HTML only")
    fs.set_defaults(func=_cmd_factsheets)

    cal = add("calibrate", help="check and solve the values calibrated to the published 2020 totals")
    cal.add_argument("--config", default=DEFAULT_SCENARIO, help="scenario file or name")
    cal.set_defaults(func=_cmd_calibrate)

    ex = add("example-data", help="write the synthetic example data set (seeded) into data/raw/example")
    ex.add_argument("--to", type=Path, help="folder to write to (default data/raw/example)")
    ex.add_argument("--seed", type=int, default=20200315, help="random seed")
    ex.set_defaults(func=_cmd_example_data)

    cmp = add("compare", help="compare scenarios: inputs, key figures, effects and a bridge (HTML, PDF, xlsx)")
    cmp.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario files; the first is the reference")
    cmp.add_argument("--no-expected", action="store_true", help="leave out the expected values (faster)")
    cmp.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="compare the first scenario with itself changed (a dotted path or levers.NAME); repeatable",
    )
    cmp.add_argument("--name", help="name of the changed scenario (with --set)")
    cmp.add_argument("--title", help="title of the changed scenario (with --set)")
    cmp.set_defaults(func=_cmd_compare)

    sw = add("sweep", help="key figures over one or two parameters (table, chart, workbook)")
    sw.add_argument("--config", default=DEFAULT_SCENARIO, help="scenario file or name")
    sw.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="PATH=V1,V2,…",
        help="a scenario path and its values (also FROM:TO:N for N evenly spaced values); once or twice",
    )
    sw.add_argument(
        "--output",
        action="append",
        default=[],
        choices=["expected", "break_even"],
        help="add the expected net present value or the break-even share at every point (repeatable)",
    )
    sw.set_defaults(func=_cmd_sweep)

    so = add("solve", help="goal-seek: the value of one input at which a key figure reaches a target")
    so.add_argument("--config", default=DEFAULT_SCENARIO, help="scenario file or name")
    so.add_argument("--vary", required=True, metavar="PATH", help="the numeric input to solve for (a dotted path)")
    so.add_argument("--between", nargs=2, type=float, required=True, metavar=("LO", "HI"), help="the bracket searched")
    so.add_argument("--target", default="npv_mnok=0", metavar="FIGURE=VALUE", help="default npv_mnok=0")
    so.set_defaults(func=_cmd_solve)

    graph = add("graph", help="draw the result graph (its topics and nodes) as a picture")
    graph.add_argument("--to", type=Path, help="image file (default docs/result-graph.png)")
    graph.set_defaults(func=_cmd_graph)

    clean = add("clean", help="delete data/processed and reports (raw data untouched)")
    clean.set_defaults(func=_cmd_clean)
    return parser


def _without_identity_numbers(record: logging.LogRecord) -> bool:
    """Log filter: no identity number reaches the log, whatever a message holds."""
    record.msg, record.args = redact(record.getMessage()), ()
    return True


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_without_identity_numbers)
    progress.setLevel(logging.INFO)
    signal.signal(signal.SIGTERM, _interrupt)  # a terminated run cleans up like Ctrl-C
    try:
        if args.out is not None and args.out.exists() and not args.out.is_dir():
            raise EjournalError(f"--out {args.out} is a file; name a folder (it is made if it does not exist)")
        paths = ProjectPaths.at(args.root, args.out)
        return args.func(args, paths)
    except KeyboardInterrupt:
        print("ejournal: interrupted; nothing new was published", file=sys.stderr)
        return 130
    except EjournalError as exc:
        print(f"ejournal: error: {redact(str(exc))}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"ejournal: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # disk full, a read-only folder, a file where a folder belongs
        print(f"ejournal: error: {redact(os_problem(exc))}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
