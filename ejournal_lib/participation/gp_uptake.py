"""GP (fastlege) participation: GPs per municipality, the 2020 rule as yearly shares, and a survey-based
estimate of the expected and minimum plausible share (logistic regression, statsmodels).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ejournal_lib.common.validation import Column, TableSchema, read_raw_table

__all__ = [
    "gp_file_schema",
    "gp_survey_schema",
    "gp_key_figures_schema",
    "care_services_schema",
    "load_gp_key_figures",
    "gps_per_municipality",
    "national_gp_count",
    "fit_gp_survey",
    "predicted_share",
    "SURVEY_FORMULA",
    "SURVEY_TERMS",
]

SURVEY_FORMULA = (
    "intends_to_join ~ C(employment_form) + municipal_agreement + I(list_size / 1000) + "
    "I(age / 10) + C(record_system) + incentive"
)
#: Codes for the terms of :data:`SURVEY_FORMULA` as the model names them (labels: ``survey_term``).
SURVEY_TERMS = {
    "Intercept": "intercept",
    "C(employment_form)[T.self_employed]": "self_employed",
    "municipal_agreement": "municipal_agreement",
    "I(list_size / 1000)": "list_size_per_1000",
    "I(age / 10)": "age_per_10",
    "C(record_system)[T.infodoc]": "record_system_infodoc",
    "C(record_system)[T.other]": "record_system_other",
    "incentive": "incentive",
}


def gp_file_schema() -> TableSchema:
    """Optional per-municipality GP counts (replaces allocation by population)."""
    return TableSchema(
        "gp_per_municipality",
        (Column("municipality_code", "code", pattern=r"\d{4}"), Column("gps", "float", min=0)),
        unique=("municipality_code",),
    )


def gp_survey_schema() -> TableSchema:
    return TableSchema(
        "gp_survey",
        (
            Column("respondent_id", "code", pattern=r"R\d+", description="R followed by digits"),
            Column("municipality_code", "code", pattern=r"\d{4}"),
            Column("employment_form", "code", allowed=frozenset({"self_employed", "employed"})),
            Column("municipal_agreement", "bool"),
            Column("list_size", "int", min=0, max=5000),
            Column("age", "int", min=25, max=80),
            Column("record_system", "code", allowed=frozenset({"cgm", "infodoc", "other"})),
            Column("incentive", "bool"),
            Column("intends_to_join", "bool"),
        ),
        unique=("respondent_id",),
    )


def gp_key_figures_schema() -> TableSchema:
    """Helsedirektoratet's and SSB's national GP figures, one figure per row with its source."""
    return TableSchema(
        "gp_key_figures",
        (
            Column("indicator"),
            Column("period"),
            Column("value", "float"),
            Column("unit"),
            Column("source_publisher"),
            Column("source_title"),
            Column("source_url", pattern=r"https?://\S+", description="a web address (https://…)"),
            Column("note", required=False),
        ),
        unique=("indicator", "period"),
    )


def care_services_schema() -> TableSchema:
    """SSB's national care-service key figures, one figure per row with its source."""
    return TableSchema(
        "care_services",
        (
            Column("indicator"),
            Column("year", "int", min=2000, max=2100),
            Column("value", "float"),
            Column("unit"),
            Column("scope"),
            Column("source_publisher"),
            Column("source_title"),
            Column("source_url", pattern=r"https?://\S+", description="a web address (https://…)"),
            Column("note", required=False),
        ),
        unique=("indicator", "year"),
    )


def load_gp_key_figures(path: str | Path) -> pd.DataFrame:
    return read_raw_table(path, gp_key_figures_schema())


def national_gp_count(key_figures: pd.DataFrame, period: str = "2019-Q4") -> float:
    """Number of fastleger in Norway in ``period`` from Helsedirektoratet's key figures."""
    rows = key_figures[(key_figures["indicator"] == "Fastleger (GPs, persons)") & (key_figures["period"] == period)]
    if len(rows) != 1:
        raise ValueError(f"no unique national GP count for {period}")
    return float(rows["value"].iloc[0])


def gps_per_municipality(
    area: pd.DataFrame, national_gps: float, national_population: float, per_municipality_file: str | Path | None = None
) -> pd.DataFrame:
    """GPs per municipality: from the file when given, else national GPs × population share of Norway."""
    out = area[["municipality_code", "municipality_name", "population"]].copy()
    if per_municipality_file:
        f = read_raw_table(per_municipality_file, gp_file_schema()).set_index("municipality_code")["gps"]
        out["gps"] = out["municipality_code"].map(f).fillna(0.0)
        out["gp_source"] = "file"
    else:
        out["gps"] = national_gps * out["population"] / national_population
        out["gp_source"] = "allocated_by_population"
    return out


def fit_gp_survey(survey: pd.DataFrame, formula: str = SURVEY_FORMULA):
    """Logistic regression of stated intention to join on GP characteristics (statsmodels ``logit``)."""
    import statsmodels.formula.api as smf

    data = survey.copy()
    for c in ("intends_to_join", "municipal_agreement", "incentive"):
        if c in data:
            data[c] = data[c].astype(int)
    return smf.logit(formula, data=data).fit(disp=False)


def predicted_share(
    fit,
    data: pd.DataFrame,
    incentive: bool | None = None,
    n_draws: int = 2000,
    seed: int = 1,
    lower: float = 0.05,
    groups: pd.Series | None = None,
) -> pd.DataFrame:
    """Expected share intending to join (mean predicted probability over ``data``) and its lower bound.

    The lower bound (the minimum plausible share) is the ``lower`` quantile over coefficient vectors drawn
    from their estimated sampling distribution N(β̂, Σ̂). ``incentive`` sets the incentive for everyone (a
    scenario); ``groups`` gives one row per group (e.g. municipality size class) besides the total.
    """
    import patsy

    d = data.copy()
    for c in ("municipal_agreement", "incentive", "intends_to_join"):
        if c in d:
            d[c] = d[c].astype(int)
    if incentive is not None:
        d["incentive"] = int(incentive)
    spec = getattr(fit.model.data, "model_spec", None) or fit.model.data.design_info
    X = patsy.build_design_matrices([spec], d, return_type="dataframe")[0].to_numpy()
    beta = fit.params.to_numpy()
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal(beta, fit.cov_params().to_numpy(), size=n_draws)
    p_hat = 1.0 / (1.0 + np.exp(-X @ beta))
    p_draw = 1.0 / (1.0 + np.exp(-X @ draws.T))  # (respondents, draws)
    labels = pd.Series("all", index=d.index) if groups is None else groups.reindex(d.index)
    rows = []
    if groups is None:
        keys = ["all"]
    elif isinstance(labels.dtype, pd.CategoricalDtype):
        keys = ["all"] + [c for c in labels.cat.categories if (labels == c).any()]
    else:
        keys = ["all"] + sorted(labels.unique())
    for key in keys:
        mask = np.ones(len(d), bool) if key == "all" else (labels == key).to_numpy()
        rows.append(
            {
                "group": str(key),
                "n": int(mask.sum()),
                "expected_share": float(p_hat[mask].mean()),
                "lower_bound": float(np.quantile(p_draw[mask].mean(axis=0), lower)),
                "upper_bound": float(np.quantile(p_draw[mask].mean(axis=0), 1 - lower)),
            }
        )
    return pd.DataFrame(rows)
