"""Panel regressions, with and without spatial spillovers.

* :func:`panel_models` — pooled OLS, one-way fixed effects (within), random effects with the
  Swamy & Arora (1972) variance components, and two-way fixed effects, all from
  :mod:`linearmodels` (Baltagi 2021, ch. 2-3), returned as a :class:`PanelFit`.
* :func:`spatial_panel_fe` — fixed-effects spatial lag (SAR), spatial error (SEM) and spatial
  Durbin (SDM) panels estimated by concentrated maximum likelihood (Elhorst 2003; 2014,
  ch. 3) with spreg's ``Panel_FE_Lag`` / ``Panel_FE_Error``. The Durbin model is the lag model
  with the spatially lagged regressors WX added (LeSage & Pace 2009, eq. 2.37). It returns a
  :class:`book.spatial.models.SpatialResult`, the same type as the cross-section models, so
  ``.effects()`` gives the LeSage-Pace effects.
* :func:`spatial_panel_re` — random-effects spatial lag and spatial error panels (spreg's
  ``Panel_RE_Lag`` / ``Panel_RE_Error``; Elhorst 2014, sec. 3.3.4-3.3.5), same result type
  (``layout="panel RE"``).

The panel is stacked period by period with each cross-section joined to the weights on the
region ids (:func:`book.spatial.weights.align`), never by row order.

Log-likelihood: spreg's concentrated likelihood uses :math:`\\ln(e'e)` where the Gaussian
likelihood has :math:`\\ln(e'e/NT)`, so its ``logll`` is lower by :math:`(NT/2)\\ln(NT)`.
:attr:`SpatialResult.logl` is the Gaussian log-likelihood
:math:`-\\frac{NT}{2}(\\ln 2\\pi\\hat\\sigma^2+1)+T\\ln|I-\\rho W|` (Elhorst 2014, eq. 3.9);
spreg's value is kept in ``extra["logl_spreg"]``. The offset is the same constant for every
model on the same data, so likelihood-ratio tests and the estimates are unaffected.
"""
from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import BookInputError
from ..validate import as_1d_float, require_columns, require_varies
from .models import SpatialResult
from .weights import align, as_sparse, check_w

MODELS = ("pooled", "fe", "re", "twoway")
#: spatial panel models: argument -> model code of the result
SPATIAL_MODELS = {"lag": "SAR", "error": "SEM", "durbin": "SDM"}


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


def _xlist(x, y, what):
    if isinstance(x, str):
        x = [x]
    x = list(x)
    if not x:
        raise BookInputError(f"{what}: x is empty; pass at least one regressor column.")
    if y in x:
        raise BookInputError(f"{what}: the dependent variable {y!r} is also in x.")
    return x


def _within_checks(df, y, x, entity, what):
    """Refuse an outcome or regressor that does not vary within entities (absorbed by FE)."""
    g = df.groupby(entity)
    for c in [y, *x]:
        sd = g[c].transform(lambda s: s - s.mean()).abs().max()
        if not sd > 0:
            role = "dependent variable" if c == y else "regressor"
            raise BookInputError(
                f"{what}: the {role} {c!r} does not vary within {entity} (time-invariant); the "
                "fixed effects absorb it, so its coefficient is not identified. Drop it or use "
                "a model without entity effects.")


def _design(df, y, x, entity, time):
    require_columns(df, [entity, time, y, *x], "panel")
    check_balanced(df, entity, time)
    d = df.set_index([entity, time]).sort_index()
    yy = pd.Series(as_1d_float(d[y], y), index=d.index, name=y)
    xx = pd.DataFrame({c: as_1d_float(d[c], c) for c in x}, index=d.index)
    return yy, xx


@dataclass
class PanelFit:
    """Result of :func:`panel_models`.

    Attributes
    ----------
    coefficients : DataFrame
        model, term, coef, se, t, p (constants omitted for FE models).
    fits : dict
        Model name -> linearmodels result.
    """

    coefficients: pd.DataFrame
    fits: dict = field(repr=False)

    def wide(self, stat: str = "coef") -> pd.DataFrame:
        """Coefficients side by side: terms x models."""
        return self.coefficients.pivot(index="term", columns="model", values=stat)


def panel_models(df: pd.DataFrame, *, y: str, x: list[str], entity: str, time: str,
                 cov: str = "unadjusted") -> PanelFit:
    """Pooled, fixed-effects, random-effects (Swamy-Arora) and two-way FE fits.

    Parameters
    ----------
    df : DataFrame
        Balanced long panel.
    y, x : str, list of str
        Dependent variable and regressors (already transformed, e.g. logs).
    cov : {"unadjusted", "clustered"}
        Classical standard errors (as in the published tables) or clustered by entity.
    """
    import statsmodels.api as sm
    from linearmodels.panel import PanelOLS, PooledOLS, RandomEffects
    from linearmodels.panel.utility import AbsorbingEffectError

    if cov not in ("unadjusted", "clustered"):
        raise BookInputError(f"cov must be 'unadjusted' or 'clustered', got {cov!r}.")
    x = _xlist(x, y, "panel_models")
    yy, xx = _design(df, y, x, entity, time)
    n_t, n_e = df[time].nunique(), df[entity].nunique()
    if n_t < 2 or n_e < 2:
        raise BookInputError(f"panel models need at least two periods and two entities, got "
                             f"{n_t} period(s) and {n_e} entit(ies); fixed effects absorb "
                             "everything otherwise.")
    require_varies(yy.to_numpy(), y, "a panel regression of a constant outcome")
    _within_checks(df, y, x, entity, "panel_models")
    kw = {"cov_type": "clustered", "cluster_entity": True} if cov == "clustered" else {}
    xc = sm.add_constant(xx)
    try:
        fits = {
            "pooled OLS": PooledOLS(yy, xc).fit(**kw),
            "fixed effects": PanelOLS(yy, xx, entity_effects=True).fit(**kw),
            "random effects": RandomEffects(yy, xc).fit(**kw),
            "two-way FE": PanelOLS(yy, xx, entity_effects=True, time_effects=True).fit(**kw),
        }
    except (ValueError, AbsorbingEffectError) as e:
        # linearmodels' absorbed-variable message starts with a blank line; name the columns
        txt = str(e)
        tail = txt.split("perfectly collinear after effects are removed:")[-1]
        cols = [c for c in tail.split("Set drop_absorbed")[0].split() if c in x]
        what = f"regressor(s) {cols}" if cols else "a regressor"
        raise BookInputError(
            f"panel_models: the fixed effects absorb {what}: it does not vary within entities "
            "(entity effects) or it is common to all entities in each period (time effects), "
            "so its coefficient is not identified. Drop it or use a model without those "
            "effects.") from None
    rows = []
    for name, r in fits.items():
        for term in r.params.index:
            rows.append({"model": name, "term": term, "coef": float(r.params[term]),
                         "se": float(r.std_errors[term]), "t": float(r.tstats[term]),
                         "p": float(r.pvalues[term])})
    return PanelFit(pd.DataFrame(rows), fits)


def stack_by_period(df: pd.DataFrame, w, *, entity: str, time: str, cols: list[str]) -> pd.DataFrame:
    """Stack a balanced panel period by period, each period ordered like ``w.id_order``.

    This is the long layout spreg's panel models expect (rows 0..N-1 are period 1, ...).
    """
    check_w(w)
    require_columns(df, [entity, time, *cols], "panel")
    check_balanced(df, entity, time)
    parts = [align(part, w, entity) for _, part in df.groupby(time, sort=True)]
    return pd.concat(parts, ignore_index=True)


def _wx(stacked: pd.DataFrame, w, cols: list[str]) -> pd.DataFrame:
    """Spatial lag of each column within each period (stacked layout)."""
    W = as_sparse(w)
    out = {}
    for c in cols:
        vals = stacked[c].to_numpy(dtype=float)
        lagged = np.empty_like(vals)
        n = w.n
        for s in range(0, len(vals), n):
            lagged[s:s + n] = W @ vals[s:s + n]
        out[f"W_{c}"] = lagged
    return pd.DataFrame(out, index=stacked.index)


def gaussian_loglik(resid, w, rho: float, n_periods: int) -> float:
    """Gaussian log-likelihood of a fixed-effects spatial lag / error panel.

    :math:`\\ell=-\\frac{NT}{2}\\ln(2\\pi\\hat\\sigma^2)-\\frac{NT}{2}+T\\ln|I-\\rho W|`,
    :math:`\\hat\\sigma^2=e'e/NT`, with ``resid`` the (spatially filtered) residuals e of the
    demeaned model (Elhorst 2014, eq. 3.9); ``rho`` is :math:`\\rho` or :math:`\\lambda`.
    The log-determinant is a sparse LU (exact).
    """
    import scipy.sparse as sps
    from scipy.sparse.linalg import splu

    e = as_1d_float(resid, "resid")
    W = as_sparse(check_w(w))
    if not isinstance(n_periods, (int, np.integer)) or n_periods < 1 or e.size != W.shape[0] * n_periods:
        raise BookInputError(f"resid has {e.size} entries; expected N x T = {W.shape[0]} x "
                             f"{n_periods!r}.")
    nt = e.size
    s2 = float(e @ e) / nt
    if s2 <= 0:
        raise BookInputError("the residuals are all zero: the fit is exact and the likelihood "
                             "is unbounded (check for a regressor equal to the outcome).")
    lu = splu(sps.identity(W.shape[0], format="csc") - rho * W.tocsc())
    logdet = float(np.sum(np.log(np.abs(lu.U.diagonal()))))
    return float(-nt / 2 * (np.log(2 * np.pi * s2) + 1) + n_periods * logdet)


def _stacked_inputs(df, w, y, x, entity, time, what: str, why_two_periods: str):
    """Checked, period-stacked inputs of a spatial panel: regressor names, the stacked table,
    the outcome and the regressors as floats (shared by the FE and RE estimators)."""
    x = _xlist(x, y, what)
    check_w(w, what=what, row_standardised=True, no_islands=True)
    st = stack_by_period(df, w, entity=entity, time=time, cols=[y, *x])
    yy = as_1d_float(st[y], y)
    require_varies(yy, y, "a spatial panel of a constant outcome")
    if df[time].nunique() < 2:
        raise BookInputError(f"{what} needs at least two periods ({why_two_periods}).")
    X = pd.DataFrame({c: as_1d_float(st[c], c) for c in x})
    return x, st, yy, X


def spatial_panel_fe(df: pd.DataFrame, w, *, y: str, x: list[str], entity: str, time: str,
                     model: str = "lag") -> SpatialResult:
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
        Row-standardised cross-section weights (N x N) without islands (refused as in the
        cross-section models).
    model : {"lag", "error", "durbin"}
        Result codes "SAR", "SEM", "SDM".

    Returns
    -------
    SpatialResult with ``layout="panel FE"``; ``logl`` is the Gaussian log-likelihood (module
    docstring), ``.effects(draws=...)`` the LeSage-Pace effects (lag and Durbin).
    """
    import spreg

    if model not in SPATIAL_MODELS:
        raise BookInputError(f"model must be one of {tuple(SPATIAL_MODELS)}, got {model!r}.")
    x, st, yy, X = _stacked_inputs(df, w, y, x, entity, time, "spatial_panel_fe",
                                   "the fixed effects absorb a single cross-section")
    _within_checks(st, y, x, entity, "spatial_panel_fe")
    if model == "durbin":
        X = pd.concat([X, _wx(st, w, list(x))], axis=1)
    names = list(X.columns)
    n, t = w.n, len(st) // w.n
    Xd = X.to_numpy() - X.groupby(np.tile(np.arange(n), t)).transform("mean").to_numpy()
    if np.linalg.matrix_rank(Xd) < Xd.shape[1]:
        raise BookInputError(f"spatial_panel_fe: regressors {names} are perfectly collinear "
                             "after removing the fixed effects; drop a redundant column.")
    if n * t <= Xd.shape[1] + n + 1:
        raise BookInputError(f"spatial_panel_fe: {n * t} observations for {Xd.shape[1] + n + 1} "
                             "parameters (with the fixed effects).")
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        if model == "error":
            r = spreg.Panel_FE_Error(yy.reshape(-1, 1), X.to_numpy(), w, name_y=y, name_x=names)
        else:
            r = spreg.Panel_FE_Lag(yy.reshape(-1, 1), X.to_numpy(), w, name_y=y, name_x=names)
    par = "lambda" if model == "error" else "rho"
    betas = np.asarray(r.betas).ravel()
    if not np.isfinite(betas[-1]) or abs(betas[-1]) >= 0.999:
        raise BookInputError(f"spatial_panel_fe: {par} hit the boundary of (-1, 1) "
                             f"({betas[-1]:.4g}); the likelihood has no interior maximum.")
    se = np.asarray(r.std_err).ravel()
    z = np.array([s for s, _ in r.z_stat])
    p = np.array([q for _, q in r.z_stat])
    coef = pd.DataFrame({"term": names + [par], "coef": betas, "se": se, "stat": z, "p": p})
    nt = n * t
    logl_spreg = float(np.ravel(r.logll)[0])
    logl = logl_spreg + nt / 2 * np.log(nt)
    k = len(betas)
    return SpatialResult(
        model=SPATIAL_MODELS[model], y=y, x=list(x), coefficients=coef,
        cov=np.asarray(r.vm, dtype=float), logl=float(logl),
        aic=float(-2 * logl + 2 * (k + 1)), schwarz=float(-2 * logl + (k + 1) * np.log(nt)),
        n=nt, layout="panel FE", extra={"logl_spreg": logl_spreg, "periods": t},
        w=w, spreg=r)


#: random-effects spatial panels: argument -> (model code, spreg class name, variance term)
RE_MODELS = {"lag": ("SAR", "Panel_RE_Lag", "phi"), "error": ("SEM", "Panel_RE_Error", "sigma2_u")}


def spatial_panel_re(df: pd.DataFrame, w, *, y: str, x: list[str], entity: str, time: str,
                     model: str = "lag") -> SpatialResult:
    """Random-effects spatial lag or spatial error panel by ML (Elhorst 2014, sec. 3.3.4-3.3.5).

    A thin wrapper of spreg's ``Panel_RE_Lag`` / ``Panel_RE_Error`` (the estimators splm's
    ``spml(model="random")`` computes, Millo & Piras 2012):

    .. math::  y_{it}=\\rho\\sum_j w_{ij}y_{jt}+\\alpha+x_{it}'\\beta+\\mu_i+\\varepsilon_{it}
       \\quad\\text{(lag)},\\qquad
       y_{it}=\\alpha+x_{it}'\\beta+\\mu_i+u_{it},\\ u_{it}=\\lambda\\sum_j w_{ij}u_{jt}
       +\\varepsilon_{it}\\quad\\text{(error)},

    with :math:`\\mu_i\\sim N(0,\\sigma^2_\\mu)` independent of :math:`x`. The lag model reports
    ``phi`` (:math:`\\phi^2=\\sigma^2_\\varepsilon/(T\\sigma^2_\\mu+\\sigma^2_\\varepsilon)`,
    spreg's parameterisation), the error model ``sigma2_u`` (:math:`\\sigma^2_\\mu`), each as the
    last term. Inputs are checked as in :func:`spatial_panel_fe` (balanced panel joined to
    ``w`` by ids, row-standardised W without islands).

    ``logl`` of the lag model is spreg's printed ``logll`` unchanged: spreg concentrates it
    differently from the FE models, so it is not comparable across models and is not used for
    tests on the pages (``extra["logl_note"]`` says so).

    The **error model is not spreg's**: spreg 1.9.0's ``Panel_RE_Error`` stops its L-BFGS-B
    search with an ABNORMAL line-search termination short of the maximum (on Munnell's Produc
    panel its own objective is lower at splm's printed estimates than at its answer) and its
    GLS step does not reproduce the exact GLS coefficients for a row-standardised W. The error
    model is therefore estimated here by :func:`_re_error_ml`, exact Gaussian ML written by hand
    (no maintained Python library gets it right), which reproduces splm's printed
    ``spml(model="random", spatial.error="b")`` output on Produc to all printed digits
    (``tests/test_issue13_ledgers.py``). Its ``logl`` is the exact Gaussian log-likelihood.
    """
    import spreg

    if model not in RE_MODELS:
        raise BookInputError(f"model must be one of {tuple(RE_MODELS)}, got {model!r}.")
    code, cls, var_term = RE_MODELS[model]
    x, st, yy, X = _stacked_inputs(df, w, y, x, entity, time, "spatial_panel_re",
                                   "a random effect is not identified from a single "
                                   "cross-section")
    X1 = np.column_stack([np.ones(len(X)), X.to_numpy()])
    if np.linalg.matrix_rank(X1) < X1.shape[1]:
        raise BookInputError(f"spatial_panel_re: regressors {list(x)} (with the constant) are "
                             "perfectly collinear; drop a redundant or constant column.")
    if model == "error":
        return _re_error_ml(yy, X, w, y=y, x=list(x), code=code, var_term=var_term)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        r = getattr(spreg, cls)(yy.reshape(-1, 1), X.to_numpy(), w, name_y=y, name_x=list(x))
    par = "lambda" if model == "error" else "rho"
    betas = np.asarray(r.betas).ravel()
    se = np.asarray(r.std_err).ravel()
    sp = betas[-2]
    if not np.isfinite(sp) or abs(sp) >= 0.999:
        raise BookInputError(f"spatial_panel_re: {par} hit the boundary of (-1, 1) ({sp:.4g}); "
                             "the likelihood has no interior maximum.")
    z = np.array([s for s, _ in r.z_stat])
    p = np.array([q for _, q in r.z_stat])
    names = ["CONSTANT", *x, par, var_term]
    k = len(names)
    coef = pd.DataFrame({"term": names, "coef": betas[:k], "se": se[:k], "stat": z[:k],
                         "p": p[:k]})
    nt = len(yy)
    logl = float(np.ravel(r.logll)[0])
    return SpatialResult(
        model=code, y=y, x=list(x), coefficients=coef, cov=np.asarray(r.vm, dtype=float),
        logl=logl, aic=float(getattr(r, "aic", np.nan)), schwarz=float(getattr(r, "schwarz", np.nan)),
        n=nt, layout="panel RE",
        extra={"periods": nt // w.n, "logl_note": "spreg's concentrated logll; not comparable "
               "across RE/FE models"}, w=w, spreg=r)


def _re_error_ml(yy: np.ndarray, X: pd.DataFrame, w, *, y: str, x: list[str], code: str,
                 var_term: str) -> SpatialResult:
    """Exact Gaussian ML of the random-effects spatial error panel (Baltagi, Song & Koh 2003;
    Elhorst 2014, sec. 3.3.5; splm's ``spml(model="random", spatial.error="b")``).

    :math:`u_t=\\mu+\\varepsilon^*_t`, :math:`B\\varepsilon^*_t=\\varepsilon_t`,
    :math:`B=I-\\lambda W`, so with :math:`\\phi=\\sigma^2_\\mu/\\sigma^2_\\varepsilon`,
    :math:`\\Omega/\\sigma^2_\\varepsilon=\\bar J_T\\otimes M+Q_T\\otimes(B'B)^{-1}` with
    :math:`M=T\\phi I+(B'B)^{-1}`, :math:`\\bar J_T=J_T/T`, :math:`Q_T=I-\\bar J_T`. The
    log-likelihood is concentrated in :math:`(\\beta,\\sigma^2_\\varepsilon)` (GLS) and maximised
    over :math:`(\\lambda,\\log\\phi)` with Nelder-Mead from several starts; dense
    :math:`N\\times N` algebra per evaluation (fine for N in the hundreds). Standard errors: GLS
    for :math:`\\beta`; numerical Hessian of the full log-likelihood for
    :math:`(\\lambda,\\sigma^2_\\mu)`. Written by hand because spreg's ``Panel_RE_Error`` does
    not reach this maximum (see :func:`spatial_panel_re`).
    """
    from scipy.optimize import minimize
    from scipy.stats import norm
    from statsmodels.tools.numdiff import approx_hess

    W = np.asarray(w.full()[0], dtype=float)
    n = W.shape[0]
    nt = len(yy)
    t_ = nt // n
    X1 = np.column_stack([np.ones(nt), X.to_numpy()])
    Y3 = yy.reshape(t_, n)                      # rows = periods, stacked by period
    X3 = X1.reshape(t_, n, -1)
    ybar, xbar = Y3.mean(0), X3.mean(0)
    yd, xd = Y3 - ybar, X3 - xbar
    ev = np.linalg.eigvals(W).real
    lo, hi = 1.0 / ev.min() + 1e-6, 1.0 - 1e-6
    eye = np.eye(n)

    def parts(lam, phi):
        B = eye - lam * W
        BtB = B.T @ B
        M = t_ * phi * eye + np.linalg.inv(BtB)
        Mi = np.linalg.inv(M)
        # X' Omega~^-1 X and X' Omega~^-1 y (Omega~ = Omega / sigma2_eps)
        xx = np.einsum("tik,ij,tjl->kl", xd, BtB, xd) + t_ * xbar.T @ Mi @ xbar
        xy = np.einsum("tik,ij,tj->k", xd, BtB, yd) + t_ * xbar.T @ Mi @ ybar
        logdet = -(t_ - 1) * np.linalg.slogdet(BtB)[1] + np.linalg.slogdet(M)[1]
        return BtB, Mi, xx, xy, logdet

    def quad(e3, BtB, Mi):
        eb = e3.mean(0)
        ed = e3 - eb
        return float(np.einsum("ti,ij,tj->", ed, BtB, ed) + t_ * eb @ Mi @ eb)

    def profile(p):
        lam, phi = p[0], np.exp(p[1])
        if not lo < lam < hi:
            return np.inf
        BtB, Mi, xx, xy, logdet = parts(lam, phi)
        b = np.linalg.solve(xx, xy)
        s2 = quad(Y3 - X3 @ b, BtB, Mi) / nt
        return 0.5 * (nt * (np.log(2 * np.pi) + 1 + np.log(s2)) + logdet)

    best = None
    for start in ([0.0, 0.0], [0.5, np.log(5.0)], [0.3, np.log(0.5)]):
        r = minimize(profile, start, method="Nelder-Mead",
                     options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
        if best is None or r.fun < best.fun:
            best = r
    lam, phi = best.x[0], float(np.exp(best.x[1]))
    if not np.isfinite(best.fun) or not lo + 1e-4 < lam < hi - 1e-4:
        raise BookInputError(f"spatial_panel_re: lambda hit the boundary of its admissible "
                             f"interval ({lam:.4g}); the likelihood has no interior maximum.")
    BtB, Mi, xx, xy, logdet = parts(lam, phi)
    b = np.linalg.solve(xx, xy)
    s2 = quad(Y3 - X3 @ b, BtB, Mi) / nt
    sig2_u = phi * s2

    def full_ll(th):                            # th = (lambda, sigma2_mu, sigma2_eps)
        lam_, s2u, s2e = th
        if s2u <= 0 or s2e <= 0 or not lo < lam_ < hi:
            return -np.inf
        BtB_, Mi_, _, _, ld = parts(lam_, s2u / s2e)
        return -0.5 * (nt * np.log(2 * np.pi) + nt * np.log(s2e) + ld
                       + quad(Y3 - X3 @ b, BtB_, Mi_) / s2e)

    H = approx_hess(np.array([lam, sig2_u, s2]), full_ll)
    vp = np.linalg.inv(-H)
    vb = s2 * np.linalg.inv(xx)
    k = X1.shape[1]
    cov = np.zeros((k + 2, k + 2))
    cov[:k, :k] = vb
    cov[k:, k:] = vp[:2, :2]
    est = np.concatenate([b, [lam, sig2_u]])
    se = np.sqrt(np.diag(cov))
    z = est / se
    names = ["CONSTANT", *x, "lambda", var_term]
    coef = pd.DataFrame({"term": names, "coef": est, "se": se, "stat": z,
                         "p": 2 * norm.sf(np.abs(z))})
    return SpatialResult(
        model=code, y=y, x=list(x), coefficients=coef, cov=cov, logl=float(-best.fun),
        aic=float(2 * (k + 3) + 2 * best.fun), schwarz=float((k + 3) * np.log(nt) + 2 * best.fun),
        n=nt, layout="panel RE",
        extra={"periods": t_, "sigma2_eps": float(s2), "phi": phi,
               "logl_note": "exact Gaussian log-likelihood (hand-written ML, not spreg)"},
        w=w, spreg=None)

