"""Glaeser, Kallal, Scheinkman & Shleifer (1992): MAR vs Jacobs externalities in city-industries.

For the largest industries *i* of each city *c*, GKSS (1992, Table 3-4) regress employment
growth relative to the industry's national growth,

.. math:: \\ln\\frac{E_{ci,1}}{E_{ci,0}} - \\ln\\frac{E_{i,1}}{E_{i,0}}
   = \\beta_0 + \\beta_S \\ln S_{ci} + \\beta_C \\ln C_{ci} + \\beta_D D_{ci}
     + \\beta_E \\ln E_{ci,0} + \\varepsilon_{ci},

on three initial conditions:

* specialisation (location quotient) :math:`S_{ci}=(E_{ci}/E_c)/(E_i/E)` — MAR
  externalities predict :math:`\\beta_S>0`;
* competition :math:`C_{ci}=(F_{ci}/E_{ci})/(F_i/E_i)`, establishments per worker relative to
  the nation — Porter/Jacobs predict :math:`\\beta_C>0`, MAR (local monopoly) :math:`\\beta_C<0`;
* diversity, measured inversely by :math:`D_{ci}`, the share of the city's employment in its
  five largest *other* industries — Jacobs predicts :math:`\\beta_D<0`.

Mean reversion is the design's known trap: if initial employment contains a transitory shock,
it raises :math:`S_{ci}` and :math:`E_{ci,0}` and lowers later growth, biasing
:math:`\\beta_S` downwards. :func:`simulate_city_economy` builds an economy with known
effects and an adjustable transitory shock to show this.

Written with pandas and :mod:`statsmodels`; no library implements the GKSS variables.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from . import rng
from .errors import BookInputError
from .validate import require_columns, require_in_range, require_unique


def gkss_variables(df: pd.DataFrame, *, city: str = "city", industry: str = "industry",
                   emp0: str = "emp0", emp1: str = "emp1", est0: str = "est0",
                   top_n: int | None = 6, n_other: int = 5,
                   keep: str | None = None) -> pd.DataFrame:
    """Build the GKSS regression variables from a city x industry employment table.

    Parameters
    ----------
    df : DataFrame
        One row per (city, industry) with initial and final employment and initial
        establishments (every city-industry the data hold, so that city and national totals
        are complete).
    top_n : int or None
        Keep, per city, the ``top_n`` largest industries by initial employment (GKSS: 6);
        ``None`` keeps all city-industries with positive employment at both dates.
    n_other : int
        Number of largest *other* industries whose employment share measures (lack of)
        diversity (GKSS: 5).
    keep : str, optional
        Name of a boolean column: rows marked False (e.g. CBP cells withheld at either date and
        filled from their size ranges) count in the city and national totals, the location
        quotients and the diversity measure, but are left out of the returned regression
        sample (their growth is not observed). ``out.attrs["n_not_kept"]`` says how many.

    Returns
    -------
    DataFrame with city, industry, growth (relative to the nation), ln_spec, ln_comp,
    top_other_share, ln_emp0.
    """
    require_columns(df, [city, industry, emp0, emp1, est0] + ([keep] if keep else []), "df")
    if keep is not None and not pd.api.types.is_bool_dtype(df[keep]):
        raise BookInputError(f"keep column {keep!r} must be boolean, got dtype {df[keep].dtype}.")
    require_unique(list(zip(df[city], df[industry], strict=True)), "(city, industry)")
    for c in (emp0, emp1, est0):
        if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
            raise BookInputError(f"{c} has missing or non-numeric values (dtype {df[c].dtype}); "
                                 "numbers stored as text must be converted with pd.to_numeric "
                                 "first, so that bad entries are not silently coerced.")
        v = pd.to_numeric(df[c], errors="coerce")
        if v.isna().any():
            raise BookInputError(f"{c} has missing or non-numeric values; CBP withheld cells must "
                                 "be resolved (dropped or imputed) explicitly first.")
        if (v < 0).any():
            raise BookInputError(f"{c} has negative values.")
    if top_n is not None and (not isinstance(top_n, int) or top_n < 1):
        raise BookInputError(f"top_n must be a positive int or None, got {top_n!r}.")
    if not isinstance(n_other, int) or n_other < 1:
        raise BookInputError(f"n_other must be a positive int, got {n_other!r}.")
    d = df[[city, industry, emp0, emp1, est0]].rename(
        columns={city: "city", industry: "industry", emp0: "emp0", emp1: "emp1", est0: "est0"})
    d["_keep"] = df[keep].to_numpy() if keep is not None else True
    d = d.astype({"emp0": float, "emp1": float, "est0": float})
    E = d["emp0"].sum()
    Ec = d.groupby("city")["emp0"].transform("sum")
    Ei0 = d.groupby("industry")["emp0"].transform("sum")
    Ei1 = d.groupby("industry")["emp1"].transform("sum")
    Fi = d.groupby("industry")["est0"].transform("sum")
    d["spec"] = (d["emp0"] / Ec) / (Ei0 / E)
    d["comp"] = (d["est0"] / d["emp0"]) / (Fi / Ei0)
    # share of the city's employment in its n_other largest industries other than this one
    def _top_other(g):
        e = g["emp0"].to_numpy()
        order = np.argsort(-e, kind="stable")
        tot = e.sum()
        out = np.empty(len(e))
        for k in range(len(e)):
            others = [j for j in order if j != k][:n_other]
            out[k] = e[others].sum() / tot if tot > 0 else np.nan  # empty city: dropped below
        return pd.Series(out, index=g.index)
    d["top_other_share"] = d.groupby("city", group_keys=False)[["emp0"]].apply(_top_other)
    d["natgrowth"] = np.log(Ei1 / Ei0)
    positive = (d["emp0"] > 0) & (d["emp1"] > 0) & (d["est0"] > 0)
    d = d[positive]
    if top_n is not None:
        d = d.sort_values(["city", "emp0"], ascending=[True, False]).groupby("city").head(top_n)
    n_not_kept = int((~d["_keep"]).sum())
    d = d[d["_keep"]]
    if len(d) == 0:
        raise BookInputError("no city-industry has positive employment at both dates"
                             + (" among the rows marked in keep." if keep else "."))
    out = pd.DataFrame({
        "city": d["city"], "industry": d["industry"],
        "growth": np.log(d["emp1"] / d["emp0"]) - d["natgrowth"],
        "ln_spec": np.log(d["spec"]), "ln_comp": np.log(d["comp"]),
        "top_other_share": d["top_other_share"], "ln_emp0": np.log(d["emp0"]),
    })
    out = out.sort_values(["city", "industry"]).reset_index(drop=True)
    out.attrs["n_not_kept"] = n_not_kept
    return out


def gkss_fixed_effects(v: pd.DataFrame, *, effects: str = "industry", extra: tuple = (),
                       cluster: str = "city"):
    """GKSS regression with absorbed fixed effects and clustered errors (:mod:`pyfixest`).

    Parameters
    ----------
    v : DataFrame
        Output of :func:`gkss_variables` (plus any ``extra`` columns).
    effects : {"industry", "industry + city", "none"}
        Fixed effects absorbed. With both industry and city effects, ``ln_emp0`` is an exact
        linear function of ``ln_spec`` and the effects
        (:math:`\\ln E_{ci}=\\ln S_{ci}+\\ln E_c+\\ln E_i-\\ln E`) and is left out.
    extra : tuple of str
        Further regressors (e.g. lagged relative growth for the mean-reversion check).
    cluster : str
        Column whose groups share shocks (default: city); CRV1 errors.

    Returns
    -------
    pyfixest Feols model (``.coef()``, ``.se()``, ``.tidy()``, ``._N``).
    """
    import pyfixest as pf

    base = ["ln_spec", "ln_comp", "top_other_share", "ln_emp0"]
    if effects not in ("industry", "industry + city", "none"):
        raise BookInputError(f"effects must be 'industry', 'industry + city' or 'none', got "
                             f"{effects!r}.")
    cols = ["growth", *base, *extra]
    require_columns(v, cols + ["city", "industry", cluster], "v (from gkss_variables)")
    bad = [c for c in cols if not np.isfinite(v[c].to_numpy(dtype=float)).all()]
    if bad:
        raise BookInputError(f"{bad} contain missing or infinite values; drop those rows "
                             "explicitly first.")
    if v[cluster].nunique() < 10:
        raise BookInputError(f"only {v[cluster].nunique()} clusters in {cluster!r}; clustered "
                             "errors need many more (use gkss_regression with cov_type='HC1').")
    rhs = [c for c in base if not (effects == "industry + city" and c == "ln_emp0")] + list(extra)
    fml = "growth ~ " + " + ".join(rhs) + ("" if effects == "none" else f" | {effects}")
    return pf.feols(fml, data=v.reset_index(drop=True), vcov={"CRV1": cluster})


def gkss_regression(v: pd.DataFrame, *, industry_effects: bool = False,
                    cov_type: str = "cluster"):
    """OLS of relative growth on ln_spec, ln_comp, top_other_share and ln_emp0.

    Parameters
    ----------
    v : DataFrame
        Output of :func:`gkss_variables`.
    industry_effects : bool
        Add industry dummies (growth is already relative to the nation, so they absorb only
        differences in the relative-growth mean).
    cov_type : {"cluster", "HC1", "nonrobust"}
        Clustered by city by default (industries in one city share shocks).
    """
    cols = ["growth", "ln_spec", "ln_comp", "top_other_share", "ln_emp0"]
    require_columns(v, cols + ["city", "industry"], "v (from gkss_variables)")
    X = v[["ln_spec", "ln_comp", "top_other_share", "ln_emp0"]].astype(float)
    bad = [c for c in cols if not np.isfinite(v[c].to_numpy(dtype=float)).all()]
    if bad:
        raise BookInputError(f"{bad} contain missing or infinite values; build v with "
                             "gkss_variables (which drops zero-employment cells) or drop those "
                             "rows explicitly.")
    if industry_effects:
        X = pd.concat([X, pd.get_dummies(v["industry"], prefix="ind", drop_first=True,
                                         dtype=float)], axis=1)
    X = sm.add_constant(X, has_constant="add")
    if len(v) <= X.shape[1]:
        raise BookInputError(f"{len(v)} city-industries for {X.shape[1]} parameters.")
    if cov_type == "cluster":
        return sm.OLS(v["growth"], X).fit(cov_type="cluster",
                                          cov_kwds={"groups": pd.factorize(v["city"])[0]})
    if cov_type in ("HC1", "nonrobust"):
        return sm.OLS(v["growth"], X).fit(cov_type=cov_type)
    raise BookInputError(f"cov_type must be 'cluster', 'HC1' or 'nonrobust', got {cov_type!r}.")


def simulate_city_economy(n_cities: int = 170, n_industries: int = 20, *, mar: float = 0.0,
                          competition: float = 0.3, jacobs: float = -1.0,
                          transitory_sd: float = 0.0, noise_sd: float = 0.3,
                          years: float = 30.0, rng_offset: int = 0):
    """A simulated city-industry economy with known MAR, competition and Jacobs effects.

    **Simulation, not data.** Permanent employment :math:`P_{ci}` is log-normal with city and
    industry components; establishments per worker vary around industry means. Over the
    period, log employment grows by

    .. math:: g_{ci} = \\gamma_i + \\text{mar}\\,\\ln S^P_{ci} + \\text{competition}\\,\\ln C_{ci}
        + \\text{jacobs}\\,D^P_{ci} + e_{ci},

    computed from *permanent* specialisation and diversity. Observed initial employment is
    :math:`E_{ci,0}=P_{ci}e^{u_{ci}}` with a transitory shock :math:`u_{ci}\\sim
    N(0,\\text{transitory\\_sd}^2)` that has disappeared by the end date:
    :math:`E_{ci,1}=P_{ci}e^{g_{ci}}`. With ``transitory_sd > 0`` the data show mean
    reversion.

    Returns
    -------
    (DataFrame with city, industry, emp0, emp1, est0; dict of the true coefficients)
    """
    for v, nm in ((n_cities, "n_cities"), (n_industries, "n_industries")):
        if not isinstance(v, int) or v < 7:
            raise BookInputError(f"{nm} must be an int >= 7 (GKSS use the top 6 industries "
                                 f"and 5 'other' industries), got {v!r}.")
    transitory_sd = require_in_range(transitory_sd, "transitory_sd", 0)
    noise_sd = require_in_range(noise_sd, "noise_sd", 0)
    years = require_in_range(years, "years", 0, lo_open=True)
    mar = require_in_range(mar, "mar")
    competition = require_in_range(competition, "competition")
    jacobs = require_in_range(jacobs, "jacobs")
    g = rng(rng_offset)
    city_size = g.normal(9.0, 1.0, n_cities)[:, None]
    ind_size = g.normal(0.0, 0.7, n_industries)[None, :]
    lnP = city_size + ind_size + g.normal(0, 1.0, (n_cities, n_industries))
    P = np.exp(lnP)
    firm_size = np.exp(g.normal(2.5, 0.5, n_industries))[None, :] * np.exp(
        g.normal(0, 0.4, (n_cities, n_industries)))
    est = np.maximum(1.0, np.round(P / firm_size))
    # permanent-level regressors (what the 'true' model uses)
    spec_P = (P / P.sum(1, keepdims=True)) / (P.sum(0, keepdims=True) / P.sum())
    comp = (est / P) / (est.sum(0, keepdims=True) / P.sum(0, keepdims=True))
    D_P = np.empty_like(P)
    for c in range(n_cities):
        order = np.argsort(-P[c])
        for k in range(n_industries):
            others = [j for j in order if j != k][:5]
            D_P[c, k] = P[c, others].sum() / P[c].sum()
    gamma = g.normal(0.3, 0.2, n_industries)[None, :]
    growth = (gamma + mar * np.log(spec_P) + competition * np.log(comp) + jacobs * D_P
              + g.normal(0, noise_sd, P.shape))
    u = g.normal(0, transitory_sd, P.shape)
    emp0 = P * np.exp(u)
    emp1 = P * np.exp(growth)
    cities = np.repeat([f"c{c:03d}" for c in range(n_cities)], n_industries)
    inds = np.tile([f"i{i:02d}" for i in range(n_industries)], n_cities)
    df = pd.DataFrame({"city": cities, "industry": inds, "emp0": emp0.ravel(),
                       "emp1": emp1.ravel(), "est0": est.ravel()})
    return df, {"mar": mar, "competition": competition, "jacobs": jacobs,
                "transitory_sd": transitory_sd, "years": years}


def from_cbp(cbp0: pd.DataFrame, cbp1: pd.DataFrame, *, min_emp: float = 1000.0) -> pd.DataFrame:
    """City-industry table for :func:`gkss_variables` from two CBP county files.

    Counties stand in for GKSS's cities (SMSAs); two-digit SIC major groups are the
    industries. Cells withheld in either year (NaN employment) are dropped, and the number
    dropped is stored in ``out.attrs["dropped_withheld"]`` so that nothing disappears silently.
    Counties with fewer than ``min_emp`` employees in the first year are dropped.
    """
    for d, nm in ((cbp0, "cbp0"), (cbp1, "cbp1")):
        require_columns(d, ["county_fips", "sic2", "employment", "establishments"], nm)
        for c in ("employment", "establishments"):
            if not pd.api.types.is_numeric_dtype(d[c]) or pd.api.types.is_bool_dtype(d[c]):
                raise BookInputError(f"{nm}[{c!r}] must be numeric (NaN for withheld cells), got "
                                     f"dtype {d[c].dtype}; numbers stored as text need "
                                     "pd.to_numeric first.")
        require_unique(list(zip(d["county_fips"], d["sic2"], strict=True)),
                       f"{nm} (county_fips, sic2)")
    min_emp = require_in_range(min_emp, "min_emp", 0)
    m = cbp0.merge(cbp1, on=["county_fips", "sic2"], suffixes=("0", "1"), how="inner")
    withheld = m["employment0"].isna() | m["employment1"].isna()
    m = m[~withheld]
    tot = m.groupby("county_fips")["employment0"].transform("sum")
    m = m[tot >= min_emp]
    out = pd.DataFrame({"city": m["county_fips"], "industry": m["sic2"],
                        "emp0": m["employment0"], "emp1": m["employment1"],
                        "est0": m["establishments0"].astype(float)}).reset_index(drop=True)
    out.attrs["dropped_withheld"] = int(withheld.sum())
    return out


def from_cbp_state_naics(cbp: pd.DataFrame, year0: int, year1: int, *, level: int = 3,
                         how: str = "midpoint") -> pd.DataFrame:
    """State x industry table for :func:`gkss_variables` from the CBP state x NAICS data.

    States stand in for GKSS's cities and NAICS ``level``-digit industries for their 2-digit SIC
    industries. The span must lie within one NAICS vintage
    (:func:`book.datasets.cbp_state_naics.span_table` refuses others). Cells withheld at either
    date are filled from their size ranges by ``how`` (so that state and national totals stay
    complete) and flagged ``observed = False``: pass ``keep="observed"`` to
    :func:`gkss_variables` to leave them out of the regression sample. ``out.attrs`` records
    the counts.
    """
    from .datasets import cbp_state_naics as C

    if how == "drop":
        raise BookInputError("how='drop' would remove withheld cells from the state and "
                             "national totals; use 'midpoint', 'lower' or 'upper' and "
                             "keep='observed' instead.")
    t = C.span_table(cbp, year0, year1, level)
    filled = {}
    for k in ("0", "1"):
        part = pd.DataFrame({"emp": t[f"emp{k}"], "suppressed": t[f"sup{k}"],
                             "emp_lo": t[f"emp_lo{k}"], "emp_hi": t[f"emp_hi{k}"],
                             "empflag": np.where(t[f"sup{k}"], "withheld", "")})
        filled[k] = C.fill_suppressed(part, how)
    out = pd.DataFrame({"city": t["state_fips"], "industry": t["naics"],
                        "emp0": filled["0"]["emp_used"].to_numpy(),
                        "emp1": filled["1"]["emp_used"].to_numpy(),
                        "est0": t["est0"].astype(float).to_numpy(),
                        "observed": ~(t["sup0"] | t["sup1"]).to_numpy()})
    out.attrs.update(year0=year0, year1=year1, vintage=t.attrs["vintage"], how=how,
                     n_cells=len(out), n_withheld=int((~out["observed"]).sum()))
    return out
