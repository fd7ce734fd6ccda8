"""Plant small cells in the registrations, run the baseline appendix, and attack every output format by
differencing: no published combination may isolate fewer than k staff members (docs/disclosure.md)."""

import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.runner import failure_summary, run_pipeline

from .helpers import copy_project, workbook_sheets

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("planted_run")]  # the planted run, once
K = 5
STAVANGER = "1103"


def plant(folder):
    """Two nurses' home-service days in Stavanger (a municipality cell of 2 staff) and two assistants in Oslo's
    home services (a role cell of 2 staff), copied from the first session's registrations."""
    s = pd.read_csv(folder / "timeuse_sessions.csv", dtype=str)
    a = pd.read_csv(folder / "timeuse_activities.csv", dtype=str, keep_default_na=False)
    w = pd.read_csv(folder / "timeuse_work_sampling.csv", dtype=str)
    template = s.iloc[0]
    assert template["service"] == "home_services"
    new_s, new_a, new_w = [], [], []
    plan = [
        (STAVANGER, "nurse", "X1"),
        (STAVANGER, "nurse", "X2"),
        ("0301", "assistant", "X3"),
        ("0301", "assistant", "X4"),
    ]
    for n, (muni, role, staff) in enumerate(plan):
        for day in ("2020-03-10", "2020-03-11"):
            sid = f"PL{n}{day[-1]}"
            new_s.append(
                {**template, "session_id": sid, "municipality_code": muni, "role": role, "staff_id": staff, "date": day}
            )
            new_a.append(a[a["session_id"] == template["session_id"]].assign(session_id=sid))
            new_w.append(w[w["session_id"] == template["session_id"]].assign(session_id=sid))
    pd.concat([s, pd.DataFrame(new_s)]).to_csv(folder / "timeuse_sessions.csv", index=False)
    pd.concat([a, *new_a]).to_csv(folder / "timeuse_activities.csv", index=False)
    pd.concat([w, *new_w]).to_csv(folder / "timeuse_work_sampling.csv", index=False)


def staff_days(folder, codebook_path):
    """Independent truth: addressable minutes per staff-day, from the raw files and the codebook."""
    book = yaml.safe_load(codebook_path.read_text(encoding="utf-8"))
    addressable = {code for code, v in book["activities"].items() if v["addressable"]}
    s = pd.read_csv(folder / "timeuse_sessions.csv", dtype=str)
    a = pd.read_csv(folder / "timeuse_activities.csv", dtype=str)
    minutes = (
        pd.to_datetime(a["end"], format="%H:%M") - pd.to_datetime(a["start"], format="%H:%M")
    ).dt.total_seconds() / 60
    a = a.assign(minutes=minutes.where(a["activity_code"].isin(addressable), 0.0))
    per_day = a.groupby("session_id")["minutes"].sum()
    return s.assign(value=s["session_id"].map(per_day).fillna(0.0))


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory, root):
    project = tmp_path_factory.mktemp("planted")
    copy_project(root, project, ["baseline"])
    folder = project / "data" / "raw" / "example" / "timeuse"
    plant(folder)
    paths = ProjectPaths.at(project, project / "out").for_scenario("ssd2020")
    report = run_pipeline(paths, jobs=1)
    assert report.ok, failure_summary(report)
    return paths, staff_days(folder, project / "data" / "raw" / "timeuse_codebook.yaml")


def csv(paths, name):
    return pd.read_csv(paths.processed / f"{name}.csv", dtype={"municipality_code": str})


def persons(days, session_ids):
    return days.loc[days["session_id"].isin(session_ids), "staff_id"].nunique()


def test_the_planted_cells_are_suppressed(planted_run):
    paths, _ = planted_run
    muni = csv(paths, "timeuse_addressable_by_municipality").set_index(["municipality_code", "service"])
    assert muni.loc[(STAVANGER, "home_services"), "suppressed"]
    roles = csv(paths, "timeuse_minutes_per_day")
    assert roles.query("service == 'home_services' and role == 'assistant'")["suppressed"].all()


def test_differencing_never_isolates_fewer_than_k_staff(planted_run):
    paths, days = planted_run
    total = csv(paths, "timeuse_addressable_by_service").set_index("service")
    splits = {
        ("municipality_code",): csv(paths, "timeuse_addressable_by_municipality").rename(
            columns={"baseline_addressable_minutes": "value"}
        ),
        ("role",): csv(paths, "timeuse_minutes_per_day")
        .query("activity_group == 'addressable_total'")
        .rename(columns={"minutes_per_day": "value"}),
    }
    attacks = 0
    for service, t in total[~total["suppressed"]].iterrows():
        in_service = days[days["service"] == service]
        shown_cells = []
        for key, table in splits.items():
            parts = table[(table["service"] == service) & ~table["suppressed"]]
            ids = set()
            for _, p in parts.iterrows():
                cell = in_service[np.logical_and.reduce([in_service[c] == p[c] for c in key])]
                ids |= set(cell["session_id"])
                shown_cells.append((set(cell["session_id"]), p["value"] * p["n_staff_days"], p["n_staff_days"]))
            rest_days = t["n_staff_days"] - parts["n_staff_days"].sum()
            rest = set(in_service["session_id"]) - ids
            assert rest_days == len(rest)
            if rest:
                attacks += 1
                derived = (
                    t["baseline_addressable_minutes"] * t["n_staff_days"]
                    - (parts["value"] * parts["n_staff_days"]).sum()
                ) / rest_days
                truth = in_service.loc[in_service["session_id"].isin(rest), "value"].mean()
                assert derived == pytest.approx(truth)  # the attack works: it must only ever find k or more
                assert persons(days, rest) >= K, (service, key, "total minus published parts")
        for (a, sum_a, n_a), (b, sum_b, n_b) in ((x, y) for x in shown_cells for y in shown_cells):
            if b < a:
                attacks += 1
                assert ((sum_a - sum_b) / (n_a - n_b)) == pytest.approx(
                    days.loc[days["session_id"].isin(a - b), "value"].mean()
                )
                assert persons(days, a - b) >= K, (service, "cell minus a cell inside it")
    assert attacks > 0


def test_suppressed_rows_carry_no_derived_numbers(planted_run):
    paths, _ = planted_run
    keep = {"assumed_minutes_saved", "ftes"}
    for f in paths.processed.glob("timeuse_*.csv"):
        t = pd.read_csv(f, dtype={"municipality_code": str})
        if "suppressed" not in t:
            continue
        hidden = t[t["suppressed"]]
        numbers = hidden.select_dtypes("number").drop(columns=[c for c in keep if c in hidden], errors="ignore")
        assert numbers.isna().all().all(), f"{f.name}: {numbers.columns[numbers.notna().any()].tolist()}"
    ws = csv(paths, "timeuse_work_sampling")
    assert ws.loc[ws["suppressed"], ["margin_achieved", "count", "n_observations"]].isna().all().all()


def test_workbook_shows_no_more_than_the_tables(planted_run):
    paths, _ = planted_run
    book = openpyxl.load_workbook(paths.reports / "tabeller.xlsx", read_only=True)
    sheets = workbook_sheets(paths.reports / "tabeller.xlsx")
    checked = 0
    for f in sorted(paths.processed.glob("timeuse_*.csv")):
        t = pd.read_csv(f, dtype=str, keep_default_na=False)
        rows = list(book[sheets[f.stem]].iter_rows(values_only=True))
        body = [r for r in rows[1:] if any(v is not None for v in r)]
        assert len(body) == len(t), f.stem
        for r, (_, c) in zip(body, t.iterrows()):
            for value, original in zip(r, c):
                if original == "":
                    assert value is None, (f.stem, r)
        checked += 1
    assert checked >= 8


def test_html_appendix_shows_no_planted_cell(planted_run):
    paths, days = planted_run
    html = (paths.appendices / "baseline.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    for r in (r for r in rows if "Stavanger" in r):  # the municipality table is in the workbook only
        cells = re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S)
        numeric = [c for c in cells if re.search(r"\d", re.sub(r"Stavanger|\(?\d{4}\)?", "", c))]
        assert not numeric, r
    assistants = [r for r in rows if "Hjemmetjenester" in r and "Assistent / ufaglært" in r]
    assert assistants, "the planted role's rows are shown, suppressed"
    for r in assistants:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S)
        assert all("–" in c or not re.search(r"\d", c) for c in cells), r


def test_the_publication_is_on_record_in_the_registry(planted_run):
    """What the run published of the registrations is kept in the project's disclosure registry (keyed hashes),
    so that a later publication is checked against it (tests/common/test_disclosure_across_publications.py)."""
    from ejournal_lib.common.disclosure_registry import DisclosureRegistry
    from ejournal_lib.results import result_graph
    from ejournal_lib.scenario import load_scenario

    paths, days = planted_run
    kept = DisclosureRegistry.read(paths.root).blocks
    shown = result_graph(load_scenario(paths.root / "config" / "ssd2020.yaml", root=paths.root)).get(
        "timeuse_published_blocks"
    )
    assert (
        set(kept) == set(shown)
        and len(kept) == csv(paths, "timeuse_addressable_by_service")["suppressed"].eq(False).sum()
    )
    assert not any(days["staff_id"].iloc[0] in u or days["session_id"].iloc[0] in u for b in kept for u in b.units)
