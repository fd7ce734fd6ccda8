"""``ejournal compare A.yaml B.yaml …``: a comparison appendix (HTML and A4 PDF) and workbook in
``reports/compare/<a>--<b>…/``: the inputs that differ, key figures and effects side by side, and a bridge from
the first scenario to each other one that attributes the difference in net present value to each changed input
group in order (the steps sum to the difference)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ejournal_lib.common.errors import ConfigError
from ejournal_lib.common.formatting import fmt_mnok, fmt_number
from ejournal_lib.common.labels import label
from ejournal_lib.common.tables_io import write_table
from ejournal_lib.pipeline.manifest import base_provenance
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.publishing import figures
from ejournal_lib.publishing.appendix import page_html, write_pdf
from ejournal_lib.publishing.display import show_figure, show_summary
from ejournal_lib.publishing.tables import to_html_table
from ejournal_lib.publishing.workbook import write_workbook
from ejournal_lib.results.comparison import (
    effects_side_by_side,
    input_differences,
    key_figures_side_by_side,
    scenario_bridge,
)
from ejournal_lib.scenario import load_scenario

__all__ = ["compare_scenarios", "ComparisonReport"]


@dataclass(frozen=True)
class ComparisonReport:
    folder: Path
    html: Path
    pdf: Path
    workbook: Path


def _html(obj) -> str:
    return obj.data if hasattr(obj, "data") else str(obj)


def compare_scenarios(paths: ProjectPaths, scenario_paths: list[str | Path], expected: bool = True) -> ComparisonReport:
    """Compare two or more scenarios (the first is the reference) and write the comparison's files."""
    if len(scenario_paths) < 2:
        raise ConfigError("compare needs at least two scenario files")
    scenarios = [load_scenario(p, root=paths.root) for p in scenario_paths]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ConfigError(f"the scenarios to compare must have different names, got {names}")
    folder = paths.out / "reports" / "compare" / "--".join(names)
    tables_dir = folder / "tables"
    legend = "; ".join(f"scenario {i} = {s.title} ({s.name})" for i, s in enumerate(scenarios, start=1))
    titles = [s.title for s in scenarios]  # a copied scenario may keep the default's title: add the name then
    shown = [t if titles.count(t) == 1 else f"{t} ({s.name})" for t, s in zip(titles, scenarios)]

    diffs = input_differences(scenarios)
    keys = key_figures_side_by_side(scenarios, expected=expected)
    effects = effects_side_by_side(scenarios)
    bridges = {s.name: scenario_bridge(scenarios[0], s) for s in scenarios[1:]}
    tables = {"compare_inputs": diffs, "compare_key_figures": keys, "compare_effects": effects}
    for i, bridge in enumerate(bridges.values(), start=2):
        tables[f"compare_bridge_{i}"] = bridge
    captions = {
        "compare_inputs": "Inngangsverdier som er ulike",
        "compare_key_figures": "Nøkkeltall side om side (mill. kr, nåverdi)",
        "compare_effects": "Nåverdi per virkning side om side (mill. kr)",
    }
    for t, df in tables.items():
        caption = captions.get(t, f"Bro fra scenario 1 til scenario {t.rsplit('_', 1)[-1]} (mill. kr)")
        write_table(df, t, tables_dir, meta={"caption": caption, "synthetic": False})

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
    points.append(
        f"{fmt_number(len(diffs))} {'inngangsverdi er ulik' if len(diffs) == 1 else 'inngangsverdier er ulike'}; "
        "de står i tabell 1, med hvor i scenariet de er satt."
    )
    body = ["<h2>Sammendrag</h2>", _html(show_summary(points, show=False))]
    body.append("<h2>Inngangsverdier som er ulike</h2>")
    body.append(to_html_table(diffs, "compare_inputs", captions["compare_inputs"], source="compare_inputs.csv"))
    body.append("<h2>Nøkkeltall og virkninger</h2>")
    body.append(
        to_html_table(keys, "compare_key_figures", captions["compare_key_figures"], source="compare_key_figures.csv")
    )
    body.append(to_html_table(effects, "compare_effects", captions["compare_effects"], source="compare_effects.csv"))
    body.append("<h2>Bro: hva forskjellen i netto nåverdi kommer fra</h2>")
    body.append(
        "<p>Broen starter i scenario 1 og tar inn verdiene fra det andre scenariet én gruppe inngangsverdier om "
        "gangen, i scenariofilens rekkefølge. Hvert steg er endringen i netto nåverdi; stegene summerer til "
        "forskjellen. Grupper uten virkning på basisberegningen (for eksempel usikkerhet) står med null.</p>"
    )
    for i, bridge in enumerate(bridges.values(), start=2):
        t = f"compare_bridge_{i}"
        body.append(to_html_table(bridge, t, f"Bro fra scenario 1 til scenario {i} (mill. kr)", source=f"{t}.csv"))
        fig = figures.bridge_chart(
            bridge.rename(columns={"input_group": "change_id"}),
            {g: label("input_group", g) for g in bridge["input_group"]},
            start="Scenario 1",
            end=f"Scenario {i}",
            title=f"Bro fra scenario 1 til scenario {i}",
        )
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
    title = f"Sammenligning av {len(scenarios)} scenarier"  # which ones: the subtitle
    page = page_html(title, legend, "\n".join(body), prov, [], executed=None)
    folder.mkdir(parents=True, exist_ok=True)
    html, pdf = folder / "sammenligning.html", folder / "sammenligning.pdf"
    html.write_text(page, encoding="utf-8")
    write_pdf(page, pdf, folder)
    workbook = write_workbook(
        folder / "sammenligning.xlsx",
        tables_dir,
        {t: "compare" for t in tables},
        prov,
        {"compare": title},
        files_in=str(tables_dir.relative_to(paths.out)),
    )
    return ComparisonReport(folder, html, pdf, workbook)
