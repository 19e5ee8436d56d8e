"""Panel production functions, with and without spatial spillovers.

* :func:`panel_models` — pooled OLS, one-way fixed effects (within), random effects with the
  Swamy & Arora (1972) variance components, and two-way fixed effects, all from
  :mod:`linearmodels`, returned as one tidy table (Baltagi 2021, ch. 2-3).
* :func:`spatial_panel_fe` — fixed-effects spatial lag, spatial error and spatial Durbin panels
  estimated by concentrated maximum likelihood (Elhorst 2003; 2014, ch. 3) with spreg's
  ``Panel_FE_Lag`` / ``Panel_FE_Error``. The Durbin model is the lag model with the spatially
  lagged regressors WX added (LeSage & Pace 2009, eq. 2.37); its direct, indirect and total
  effects come from :func:`book.spatial.effects_inference`.

The panel is stacked period by period with each cross-section joined to the weights on the
region ids (:func:`book.spatial.align`), never by row order.
"""
from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import BookInputError
from .spatial import _check_w, align, effects_inference
from .validate import as_1d_float, require_columns

MODELS = ("pooled", "fe", "re", "twoway")
SPATIAL_MODELS = ("lag", "error", "durbin")


def check_balanced(df: pd.DataFrame, entity: str, time: str) -> tuple[int, int]:
    """Refuse duplicated (entity, time) pairs and unbalanced panels; return (N, T)."""
    require_columns(df, [entity, time], "panel")
    dup = df.duplicated([entity, time])
    if dup.any():
        ex = df.loc[dup, [entity, time]].head(3).to_dict("records")
        raise BookInputError(f"panel has duplicated ({entity}, {time}) pairs, e.g. {ex}.")
    n, t = df[entity].nunique(), df[time].nunique()
    if n * t != len(df):
        counts = df.groupby(entity)[time].nunique()
        short = counts[counts < t].index.tolist()[:5]
        raise BookInputError(f"panel is unbalanced: {len(df)} rows for {n} entities x {t} "
                             f"periods (e.g. {short} miss periods); balance it explicitly.")
    return n, t


def _design(df, y, x, entity, time):
    if isinstance(x, str):
        x = [x]
    require_columns(df, [entity, time, y, *x], "panel")
    check_balanced(df, entity, time)
    d = df.set_index([entity, time]).sort_index()
    yy = pd.Series(as_1d_float(d[y], y), index=d.index, name=y)
    xx = pd.DataFrame({c: as_1d_float(d[c], c) for c in x}, index=d.index)
    return yy, xx


def panel_models(df: pd.DataFrame, *, y: str, x: list[str], entity: str, time: str,
                 cov: str = "unadjusted") -> pd.DataFrame:
    """Pooled, fixed-effects, random-effects (Swamy-Arora) and two-way FE fits, tidy.

    Parameters
    ----------
    df : DataFrame
        Balanced long panel.
    y, x : str, list of str
        Dependent variable and regressors (already transformed, e.g. logs).
    cov : {"unadjusted", "clustered"}
        Classical standard errors (as in the published tables) or clustered by entity.

    Returns
    -------
    DataFrame with columns model, term, coef, se, t, p (constants omitted for FE).
    """
    import statsmodels.api as sm
    from linearmodels.panel import PanelOLS, PooledOLS, RandomEffects

    if cov not in ("unadjusted", "clustered"):
        raise BookInputError(f"cov must be 'unadjusted' or 'clustered', got {cov!r}.")
    yy, xx = _design(df, y, x, entity, time)
    n_t, n_e = df[time].nunique(), df[entity].nunique()
    if n_t < 2 or n_e < 2:
        raise BookInputError(f"panel models need at least two periods and two entities, got "
                             f"{n_t} period(s) and {n_e} entit(ies); fixed effects absorb "
                             "everything otherwise.")
    kw = {"cov_type": "clustered", "cluster_entity": True} if cov == "clustered" else {}
    xc = sm.add_constant(xx)
    fits = {
        "pooled OLS": PooledOLS(yy, xc).fit(**kw),
        "fixed effects": PanelOLS(yy, xx, entity_effects=True).fit(**kw),
        "random effects": RandomEffects(yy, xc).fit(**kw),
        "two-way FE": PanelOLS(yy, xx, entity_effects=True, time_effects=True).fit(**kw),
    }
    rows = []
    for name, r in fits.items():
        for term in r.params.index:
            rows.append({"model": name, "term": term, "coef": float(r.params[term]),
                         "se": float(r.std_errors[term]), "t": float(r.tstats[term]),
                         "p": float(r.pvalues[term])})
    out = pd.DataFrame(rows)
    out.attrs["fits"] = fits
    return out


def stack_by_period(df: pd.DataFrame, w, *, entity: str, time: str, cols: list[str]) -> pd.DataFrame:
    """Stack a balanced panel period by period, each period ordered like ``w.id_order``.

    This is the long layout spreg's panel models expect (rows 0..N-1 are period 1, ...).
    """
    _check_w(w)
    require_columns(df, [entity, time, *cols], "panel")
    check_balanced(df, entity, time)
    parts = [align(part, w, entity) for _, part in df.groupby(time, sort=True)]
    return pd.concat(parts, ignore_index=True)


def _wx(stacked: pd.DataFrame, w, time: str, cols: list[str]) -> pd.DataFrame:
    """Spatial lag of each column within each period (stacked layout)."""
    W = w.sparse.tocsr()
    out = {}
    for c in cols:
        vals = stacked[c].to_numpy(dtype=float)
        lagged = np.empty_like(vals)
        n = w.n
        for s in range(0, len(vals), n):
            lagged[s:s + n] = W @ vals[s:s + n]
        out[f"W_{c}"] = lagged
    return pd.DataFrame(out, index=stacked.index)


@dataclass
class SpatialPanelFit:
    """Result of :func:`spatial_panel_fe`.

    Attributes
    ----------
    model : str
        "lag", "error" or "durbin".
    coefficients : DataFrame
        term, coef, se, z, p (including ``rho`` or ``lambda``).
    effects : DataFrame or None
        LeSage-Pace direct / indirect / total effects with simulation inference (lag, durbin).
    logl : float
        Maximised log-likelihood.
    spreg : object
        The underlying spreg result.
    """

    model: str
    coefficients: pd.DataFrame
    effects: pd.DataFrame | None
    logl: float
    spreg: object = field(repr=False)


def spatial_panel_fe(df: pd.DataFrame, w, *, y: str, x: list[str], entity: str, time: str,
                     model: str = "lag", effects: bool = True, draws: int = 1000
                     ) -> SpatialPanelFit:
    """Fixed-effects spatial panel by concentrated ML (Elhorst 2003), via spreg.

    .. math::  y_{it}=\\rho\\sum_j w_{ij}y_{jt}+x_{it}'\\beta+\\sum_j w_{ij}x_{jt}'\\theta
       +\\mu_i+\\varepsilon_{it}  \\quad\\text{(Durbin; lag: } \\theta=0)

    .. math::  y_{it}=x_{it}'\\beta+\\mu_i+u_{it},\\ u_{it}=\\lambda\\sum_j w_{ij}u_{jt}
       +\\varepsilon_{it} \\quad\\text{(error)}

    Parameters
    ----------
    df : DataFrame
        Balanced long panel, one row per (entity, time); ``entity`` holds the ids of ``w``.
    w : libpysal W
        Row-standardised cross-section weights (N x N).
    model : {"lag", "error", "durbin"}
    effects : bool
        Compute LeSage-Pace effects (lag and Durbin) with ``draws`` simulation draws.
    """
    import spreg

    if model not in SPATIAL_MODELS:
        raise BookInputError(f"model must be one of {SPATIAL_MODELS}, got {model!r}.")
    if isinstance(x, str):
        x = [x]
    _check_w(w)
    if w.transform.upper() != "R":
        raise BookInputError("spatial_panel_fe expects row-standardised weights (w.transform='R').")
    st = stack_by_period(df, w, entity=entity, time=time, cols=[y, *x])
    yy = as_1d_float(st[y], y).reshape(-1, 1)
    X = pd.DataFrame({c: as_1d_float(st[c], c) for c in x})
    if model == "durbin":
        X = pd.concat([X, _wx(st, w, time, list(x))], axis=1)
    names = list(X.columns)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        if model == "error":
            r = spreg.Panel_FE_Error(yy, X.to_numpy(), w, name_y=y, name_x=names)
        else:
            r = spreg.Panel_FE_Lag(yy, X.to_numpy(), w, name_y=y, name_x=names)
    par = "lambda" if model == "error" else "rho"
    betas = np.asarray(r.betas).ravel()
    se = np.asarray(r.std_err).ravel()
    z = np.array([s for s, _ in r.z_stat])
    p = np.array([q for _, q in r.z_stat])
    coef = pd.DataFrame({"term": names + [par], "coef": betas, "se": se, "z": z, "p": p})
    eff = None
    if effects and model in ("lag", "durbin"):
        k = len(x)
        b = betas[:k]
        theta = betas[k:2 * k] if model == "durbin" else None
        eff = effects_inference(float(betas[-1]), b, np.asarray(r.vm), w, theta=theta,
                                names=list(x), draws=draws)
    return SpatialPanelFit(model, coef, eff, float(r.logll), r)
