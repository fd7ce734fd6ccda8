"""``ejournal compare A.yaml B.yaml …`` (or ``ejournal compare A.yaml --set PATH=VALUE …``, A against itself
with the changes): a comparison appendix (HTML and A4 PDF), a workbook and a one-page memo (PDF and Word) in
``reports/compare/<a>--<b>…/``: the inputs that differ, key figures (base case, expected value, P10–P90, the
probability of a loss, the break-even) and effects side by side, each actor's yearly cash with and without
loans, and a bridge from the first scenario to each other one that attributes the difference in net present
value to each changed input group or lever in order (the steps sum to the difference). Every chart is also a
PNG and an SVG file beside the tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.common.formatting import fmt_mnok, fmt_number, fmt_percent, fmt_setting
from ejournal_lib.common.labels import header, label, parameter_label
from ejournal_lib.common.tables_io import write_table
from ejournal_lib.pipeline.manifest import base_provenance
from ejournal_lib.pipeline.memo import write_memo
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.publishing import figures
from ejournal_lib.publishing.appendix import page_html, write_pdf
from ejournal_lib.publishing.display import show_figure, show_summary
from ejournal_lib.publishing.tables import to_html_table
from ejournal_lib.publishing.workbook import write_workbook
from ejournal_lib.results.comparison import (
    cash_side_by_side,
    effects_side_by_side,
    input_differences,
    key_figures_side_by_side,
    scenario_bridge,
)
from ejournal_lib.results.what_if import key_figures
from ejournal_lib.scenario import load_scenario

__all__ = ["compare_scenarios", "ComparisonReport"]


@dataclass(frozen=True)
class ComparisonReport:
    folder: Path
    html: Path
    pdf: Path
    workbook: Path
    memo_pdf: Path | None = None
    memo_docx: Path | None = None
    figures: tuple[Path, ...] = ()


def _save(fig, folder: Path, name: str) -> tuple[Path, Path]:
    """``fig`` as ``<name>.png`` and ``<name>.svg`` in ``folder`` (the figure stays open for the page)."""
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    fig.savefig(png, dpi=130, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(svg, bbox_inches="tight", metadata={"Date": None})
    return png, svg


def _what_if(paths: ProjectPaths, base: str | Path, changes: dict, name: str | None, title: str | None):
    """The scenario ``base`` with ``changes`` (dotted paths, levers included), under a name and title of its own."""
    reference = load_scenario(base, root=paths.root)
    described = "; ".join(f"{parameter_label(k)} = {fmt_setting(v)}" for k, v in changes.items())
    overrides = {**changes, "name": name or f"{reference.name}-hva-om", "title": title or f"Hva om: {described}"}
    return load_scenario(base, overrides=overrides, root=paths.root)


def _html(obj) -> str:
    return obj.data if hasattr(obj, "data") else str(obj)


def compare_scenarios(
    paths: ProjectPaths,
    scenario_paths: list[str | Path],
    expected: bool = True,
    what_if: dict | None = None,
    name: str | None = None,
    title: str | None = None,
) -> ComparisonReport:
    """Compare two or more scenarios (the first is the reference) and write the comparison's files. With
    ``what_if`` (dotted path → value), the first scenario with those changes is compared too (named ``name``
    and ``title``, or after the changes)."""
    if len(scenario_paths) + bool(what_if) < 2:
        raise ConfigError("compare needs at least two scenario files, or one and the changes to make (--set)")
    scenarios = [load_scenario(p, root=paths.root) for p in scenario_paths]
    if what_if:
        scenarios.append(_what_if(paths, scenario_paths[0], what_if, name, title))
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ConfigError(f"the scenarios to compare must have different names, got {names}")
    folder = paths.out / "reports" / "compare" / "--".join(names)
    tables_dir = folder / "tables"
    legend = "; ".join(f"scenario {i} = {s.title} ({s.name})" for i, s in enumerate(scenarios, start=1))
    titles = [s.title for s in scenarios]  # a copied scenario may keep the default's title: add the name then
    shown = [t if titles.count(t) == 1 else f"{t} ({s.name})" for t, s in zip(titles, scenarios)]

    diffs = input_differences(scenarios)
    kfs = [key_figures(s, distribution=expected, cash=True) for s in scenarios]  # each scenario's graph once
    keys = key_figures_side_by_side(kfs, expected=expected)
    effects = effects_side_by_side(kfs)
    cash = cash_side_by_side(kfs)
    bridges = {s.name: scenario_bridge(scenarios[0], s) for s in scenarios[1:]}
    tables = {"compare_inputs": diffs, "compare_key_figures": keys, "compare_effects": effects, "compare_cash": cash}
    for i, bridge in enumerate(bridges.values(), start=2):
        tables[f"compare_bridge_{i}"] = bridge
    captions = {
        "compare_inputs": "Inngangsverdier som er ulike",
        "compare_key_figures": "Nøkkeltall side om side (mill. kr, nåverdi 2019)",
        "compare_effects": "Nåverdi per virkning side om side (mill. kr, nåverdi 2019)",
        "compare_cash": "Kontant budsjettvirkning per år: kommunene uten og med lån, og staten (mill. kr, 2019-priser)",
    }
    for i in range(2, len(scenarios) + 1):
        captions[f"compare_bridge_{i}"] = f"Bro fra scenario 1 til scenario {i} (mill. kr, nåverdi 2019)"
    for t, df in tables.items():
        write_table(df, t, tables_dir, meta={"caption": captions[t], "synthetic": False})

    first = keys.set_index("metric")
    points = []
    for i, s in enumerate(scenarios[1:], start=2):
        bridge = bridges[s.name]
        steps = bridge.iloc[1:].reindex(bridge["delta_mnok"].iloc[1:].abs().sort_values(ascending=False).index)
        largest = steps.iloc[0] if len(steps) else None
        points.append(
            f"Scenario {i}, {shown[i - 1]}: netto nåverdi {fmt_mnok(first.loc['npv_mnok', f'scenario_{i}'])} "
            f"mot {fmt_mnok(first.loc['npv_mnok', 'scenario_1'])} i scenario 1, {shown[0]}, en forskjell på "
            f"{fmt_mnok(first.loc['npv_mnok', f'difference_{i}'])}"
            + (
                f"; størst bidrag fra {label('input_group', largest['input_group']).lower()} "
                f"({fmt_mnok(largest['delta_mnok'])})."
                if largest is not None
                else "."
            )
        )
    for i in range(2, len(scenarios) + 1):
        if expected:
            points.append(
                f"Scenario {i}: forventet netto nåverdi {fmt_mnok(first.loc['expected_npv_mnok', f'scenario_{i}'])} "
                f"(P10 {fmt_mnok(first.loc['npv_p10_mnok', f'scenario_{i}'])}, P90 "
                f"{fmt_mnok(first.loc['npv_p90_mnok', f'scenario_{i}'])}), sannsynlighet for negativ verdi "
                f"{fmt_percent(first.loc['prob_negative_npv', f'scenario_{i}'], 0)} mot "
                f"{fmt_percent(first.loc['prob_negative_npv', 'scenario_1'], 0)} i scenario 1."
            )
        points.append(
            f"Scenario {i}: kommunenes kontante budsjettvirkning {fmt_mnok(first.loc['municipal_cash_mnok', f'scenario_{i}'])} "
            f"i nåverdi mot {fmt_mnok(first.loc['municipal_cash_mnok', 'scenario_1'])}; år for år, uten og med lån, "
            "står den i tabellen og figuren om kontantstrøm."
        )
    points.append(
        f"{fmt_number(len(diffs))} {'inngangsverdi er ulik' if len(diffs) == 1 else 'inngangsverdier er ulike'}; "
        "de står i tabell 1, med hvor i scenariet de er satt."
    )
    figure_dir = folder / "figures"
    saved: list[Path] = []
    body = ["<h2>Sammendrag</h2>", _html(show_summary(points, show=False))]
    body.append("<h2>Inngangsverdier som er ulike</h2>")
    body.append(to_html_table(diffs, "compare_inputs", captions["compare_inputs"], source="compare_inputs.csv"))
    body.append("<h2>Nøkkeltall og virkninger</h2>")
    shown_keys = _key_figures_text(keys)
    body.append(
        to_html_table(
            shown_keys,
            "compare_key_figures",
            captions["compare_key_figures"],
            formats=dict.fromkeys(shown_keys.columns[1:], "text"),
            source="compare_key_figures.csv",
        )
    )
    body.append(to_html_table(effects, "compare_effects", captions["compare_effects"], source="compare_effects.csv"))
    body.append("<h2>Kontantstrøm per år</h2>")
    body.append(to_html_table(cash, "compare_cash", captions["compare_cash"], source="compare_cash.csv"))
    fig = figures.cash_comparison_chart(cash, len(scenarios))
    saved += _save(fig, figure_dir, "cash")
    body.append(
        _html(
            show_figure(
                fig,
                alt="Linjediagram: kommunenes kontante budsjettvirkning per år i hvert scenario, uten og med lån.",
                show=False,
                caption="Kommunenes kontante budsjettvirkning per år, uten og med lån",
            )
        )
    )
    body.append("<h2>Bro: hva forskjellen i netto nåverdi kommer fra</h2>")
    body.append(
        "<p>Broen starter i scenario 1 og tar inn verdiene fra det andre scenariet én gruppe inngangsverdier (eller "
        "én spak) om gangen, i scenariets rekkefølge. Hvert steg er endringen i netto nåverdi; stegene summerer til "
        "forskjellen. Grupper uten virkning på basisberegningen (for eksempel usikkerhet) står med null.</p>"
    )
    for i, bridge in enumerate(bridges.values(), start=2):
        t = f"compare_bridge_{i}"
        body.append(to_html_table(bridge, t, captions[t], source=f"{t}.csv"))
        fig = figures.bridge_chart(
            bridge.rename(columns={"input_group": "change_id"}),
            {g: label("input_group", g) for g in bridge["input_group"]},
            start="Scenario 1",
            end=f"Scenario {i}",
            title=f"Bro fra scenario 1 til scenario {i}",
        )
        saved += _save(fig, figure_dir, f"bridge_{i}")
        body.append(
            _html(
                show_figure(
                    fig,
                    alt=f"Fossefallsdiagram: netto nåverdi fra scenario 1 til scenario {i}.",
                    show=False,
                    caption=f"Bro til scenario {i}",
                )
            )
        )

    prov = base_provenance(paths.for_scenario(scenarios[0].name), scenarios[0])
    page_title = f"Sammenligning av {len(scenarios)} scenarier"  # which ones: the subtitle
    files_in = str(tables_dir.relative_to(paths.out))
    page = page_html(page_title, legend, "\n".join(body), prov, [], executed=None, files_in=files_in)
    folder.mkdir(parents=True, exist_ok=True)
    html, pdf = folder / "sammenligning.html", folder / "sammenligning.pdf"
    html.write_text(page, encoding="utf-8")
    write_pdf(page, pdf, folder)
    workbook = write_workbook(
        folder / "sammenligning.xlsx",
        tables_dir,
        {t: "compare" for t in tables},
        prov,
        {"compare": page_title},
        files_in=files_in,
    )
    memo_pdf, memo_docx = write_memo(
        folder,
        page_title,
        legend,
        points[:-1],
        _memo_table(keys),
        [p for p in saved if p.suffix == ".png"],
        f"Mill. kr, nåverdi 2019. Tabellene og figurene, også som SVG, ligger i {folder.relative_to(paths.out)}.",
    )
    return ComparisonReport(folder, html, pdf, workbook, memo_pdf, memo_docx, tuple(saved))


def _key_figures_text(keys: pd.DataFrame) -> pd.DataFrame:
    """The key-figure table with every value as reader text in its unit (MNOK, or a share in per cent and a
    difference of shares in percentage points): its rows mix units, so no one column format fits."""
    shares = keys["metric"].isin(SHARE_FIGURES).to_numpy()
    ratios = (keys["metric"] == "npv_per_budget_krone").to_numpy()
    out = keys[["metric"]].copy()
    for col in keys.columns[1:]:
        difference = col.startswith("difference_")
        out[col] = [
            (f"{fmt_number(100 * v, 0)} %-poeng" if difference else fmt_percent(v, 0))
            if share
            else fmt_number(v, 2 if ratio else 0)
            for v, share, ratio in zip(keys[col], shares, ratios)
        ]
    # no break-even: negative even at full participation (key_figures writes 0 when positive without any)
    no_break_even = keys["metric"].isin(["break_even_municipal_share", "break_even_gp_share"]).to_numpy()
    for col in keys.columns[1:]:
        missing = no_break_even & keys[col].isna().to_numpy()
        out.loc[missing, col] = (
            "" if col.startswith("difference_") else label("break_even_status", "negative_at_full_participation")
        )
    return out


def _memo_table(keys: pd.DataFrame) -> pd.DataFrame:
    """The memo's key figures: one row per figure, a column per scenario and difference, headers as words."""
    text = _key_figures_text(keys[keys["metric"].isin(MEMO_FIGURES)])
    text["metric"] = [label("metric", m) for m in text["metric"]]
    return text.rename(columns=lambda c: header(c, "compare_key_figures"))


#: The key figures the memo shows (codes of the comparison's key-figure table), and those that are shares.
MEMO_FIGURES = (
    "npv_mnok",
    "expected_npv_mnok",
    "npv_p10_mnok",
    "npv_p90_mnok",
    "prob_negative_npv",
    "municipal_cash_mnok",
    "break_even_municipal_share",
)
SHARE_FIGURES = frozenset({"prob_negative_npv", "break_even_municipal_share", "break_even_gp_share"})
