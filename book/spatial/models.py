"""Cross-section spatial regressions: one ``fit`` for OLS, SLX, SAR, SEM and SDM.

:func:`fit` estimates one model with spreg (Rey & Anselin 2007) and returns a
:class:`SpatialResult`; :func:`fit_models` estimates several on the same data and returns a
:class:`ModelSet` with the tidy coefficient table, the LM diagnostics, likelihood-ratio
tests between nested models, and :func:`anselin_rule`'s choice.

The models (Anselin 1988; LeSage & Pace 2009, ch. 2; Elhorst 2014, ch. 2):

* OLS  :math:`y=X\\beta+\\varepsilon`, with LM tests on the residuals;
* SLX  :math:`y=X\\beta+WX\\theta+\\varepsilon` (least squares);
* SAR  :math:`y=\\rho Wy+X\\beta+\\varepsilon` (ML, spreg ``ML_Lag``);
* SEM  :math:`y=X\\beta+u,\\ u=\\lambda Wu+\\varepsilon` (ML, spreg ``ML_Error``);
* SDM  :math:`y=\\rho Wy+X\\beta+WX\\theta+\\varepsilon` (ML, ``ML_Lag`` with ``slx_lags=1``).

Results carry their covariance matrix, so :meth:`SpatialResult.effects` gives the LeSage &
Pace (2009) direct, indirect and total effects with simulation inference
(:func:`book.spatial.effects.effects_inference`) without reading spreg's internals on a page.
"""
from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import BookInputError
from ..validate import as_1d_float, require_columns, require_in_range, require_varies
from .effects import effects_inference, lag_effects
from .weights import align, as_sparse, check_w

MODELS = ("OLS", "SLX", "SAR", "SEM", "SDM")
#: models with a spatially lagged dependent variable (effects need the spatial multiplier)
LAG_MODELS = ("SAR", "SDM")
#: models with WX terms
DURBIN_MODELS = ("SLX", "SDM")


@dataclass
class SpatialResult:
    """One fitted spatial (or aspatial) regression, cross-section or panel.

    Attributes
    ----------
    model : str
        "OLS", "SLX", "SAR", "SEM" or "SDM".
    y : str
        Dependent variable.
    x : list of str
        Regressors (without the constant and without their spatial lags).
    coefficients : DataFrame
        One row per term: ``term, coef, se, stat, p``. Terms are ``CONSTANT`` (cross-section
        only), the regressors, ``W_<x>`` for the WX terms, ``rho`` or ``lambda``.
    cov : ndarray
        Covariance of the coefficients, in the row order of ``coefficients``.
    logl : float
        Maximised Gaussian log-likelihood (for panels see :mod:`book.spatial.panel`).
    aic, schwarz : float
        Information criteria as reported by spreg (NaN where spreg reports none).
    n : int
        Observations (regions x periods for panels).
    diagnostics : DataFrame or None
        LM tests and Moran's I of the OLS residuals (OLS only): ``value``, ``p`` by test.
    layout : str
        "cross-section" or "panel FE".
    extra : dict
        Other fit statistics (e.g. spreg's concentrated log-likelihood of a panel).
    w, spreg : objects
        The weights and the underlying spreg result.
    """

    model: str
    y: str
    x: list
    coefficients: pd.DataFrame
    cov: np.ndarray = field(repr=False)
    logl: float
    aic: float
    schwarz: float
    n: int
    diagnostics: pd.DataFrame | None = None
    layout: str = "cross-section"
    extra: dict = field(default_factory=dict)
    w: object = field(default=None, repr=False)
    spreg: object = field(default=None, repr=False)

    def coef(self, term: str) -> float:
        """Coefficient of ``term`` (e.g. ``"rho"``, ``"lambda"``, ``"W_x"``)."""
        return float(self._row(term)["coef"])

    def se(self, term: str) -> float:
        """Standard error of ``term``."""
        return float(self._row(term)["se"])

    def _row(self, term):
        c = self.coefficients.set_index("term")
        if term not in c.index:
            raise BookInputError(f"{self.model} has no term {term!r}; terms are {list(c.index)}.")
        return c.loc[term]

    @property
    def spatial_parameter(self) -> float:
        """rho (SAR, SDM), lambda (SEM) or NaN (OLS, SLX)."""
        terms = set(self.coefficients["term"])
        for t in ("rho", "lambda"):
            if t in terms:
                return self.coef(t)
        return float("nan")

    def _idx(self, names):
        terms = list(self.coefficients["term"])
        return [terms.index(t) for t in names]

    def effects(self, *, draws: int = 1000, seed_offset: int = 0, m: int = 60,
                inference: bool = True) -> pd.DataFrame:
        """LeSage & Pace (2009) average direct, indirect and total effects of each regressor.

        SAR / SDM: :func:`book.spatial.effects.effects_inference` with the estimated
        covariance of :math:`(\\beta,\\theta,\\rho)` (``draws`` simulation draws). SLX: direct
        :math:`\\beta_k`, indirect :math:`\\theta_k` for a row-standardised W, total their sum,
        with analytic standard errors. OLS / SEM: direct = total = :math:`\\beta_k`,
        indirect 0 (no spatial multiplier). ``inference=False`` returns point effects only
        (columns direct, indirect, total by variable).

        Returns
        -------
        DataFrame with rows (variable, effect) and columns estimate, sd, z, p, p_normal, lo95,
        hi95 (SAR / SDM also draws and redrawn; see :func:`effects_inference`). For OLS / SEM /
        SLX the effects are linear in the coefficients: p = p_normal and the interval is
        estimate +- 1.96 sd.
        """
        from scipy.stats import norm

        x = list(self.x)
        b = np.array([self.coef(v) for v in x])
        if self.model in LAG_MODELS:
            th_names = [f"W_{v}" for v in x] if self.model == "SDM" else []
            theta = np.array([self.coef(t) for t in th_names]) if th_names else None
            rho = self.coef("rho")
            if not inference:
                return lag_effects(rho, b, self.w, theta=theta, names=x)
            idx = self._idx([*x, *th_names, "rho"])
            cov = np.asarray(self.cov)[np.ix_(idx, idx)]
            return effects_inference(rho, b, cov, self.w, theta=theta, names=x, draws=draws,
                                     seed_offset=seed_offset, m=m)
        durbin = self.model == "SLX"
        if durbin and not np.allclose(np.asarray(as_sparse(self.w).sum(axis=1)).ravel(), 1.0):
            raise BookInputError("SLX effects as beta and theta need a row-standardised W.")
        rows, pts = [], {}
        for v in x:
            ib = self._idx([v])[0]
            it = self._idx([f"W_{v}"])[0] if durbin else None
            cov = np.asarray(self.cov)
            parts = {"direct": ([ib], b[x.index(v)]),
                     "indirect": ([it], self.coef(f"W_{v}")) if durbin else ([], 0.0),
                     "total": ([ib, it], b[x.index(v)] + self.coef(f"W_{v}")) if durbin
                     else ([ib], b[x.index(v)])}
            pts[v] = {k: float(e) for k, (_, e) in parts.items()}
            for kind, (ix, est) in parts.items():
                sd = float(np.sqrt(cov[np.ix_(ix, ix)].sum())) if ix else 0.0
                z = est / sd if sd > 0 else np.nan
                pn = float(2 * norm.sf(abs(z))) if sd > 0 else np.nan
                rows.append({"variable": v, "effect": kind, "estimate": float(est), "sd": sd,
                             "z": float(z), "p": pn, "p_normal": pn,
                             "lo95": float(est - 1.959963984540054 * sd),
                             "hi95": float(est + 1.959963984540054 * sd)})
        if not inference:
            return pd.DataFrame(pts).T.rename_axis("variable")[["direct", "indirect", "total"]]
        return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- helpers
def _tidy(model) -> pd.DataFrame:
    names = list(model.name_x)
    betas = np.asarray(model.betas).ravel()
    se = np.asarray(model.std_err).ravel()
    pairs = model.z_stat if hasattr(model, "z_stat") else model.t_stat
    stat = np.array([s for s, _ in pairs])
    p = np.array([q for _, q in pairs])
    if len(names) < len(betas):  # spreg ML_Error puts lambda last without a name in some versions
        names = names + ["lambda"] * (len(betas) - len(names))
    names = ["rho" if n == f"W_{model.name_y}" else n for n in names[:len(betas)]]
    return pd.DataFrame({"term": names, "coef": betas, "se": se, "stat": stat, "p": p})


def _lm_table(ols) -> pd.DataFrame:
    rows = [{"test": "Moran's I (residuals)", "value": ols.moran_res[0], "p": ols.moran_res[2]}]
    rows += [{"test": t, "value": v[0], "p": v[1]} for t, v in (
        ("LM error", ols.lm_error), ("robust LM error", ols.rlm_error), ("LM lag", ols.lm_lag),
        ("robust LM lag", ols.rlm_lag), ("LM SARMA", ols.lm_sarma))]
    return pd.DataFrame(rows).set_index("test")


def _check_design(y: str, x, n: int, n_params: int, what: str) -> list:
    if isinstance(x, str):
        x = [x]
    x = list(x)
    if not x:
        raise BookInputError(f"{what}: x is empty; pass at least one regressor column "
                             "(the constant is added for you).")
    if y in x:
        raise BookInputError(f"{what}: the dependent variable {y!r} is also in x; a regressor "
                             "cannot be the outcome itself.")
    dup = sorted({c for c in x if x.count(c) > 1})
    if dup:
        raise BookInputError(f"{what}: x names {dup} twice.")
    if n <= n_params:
        raise BookInputError(f"{what}: {n} observations for {n_params} parameters; a model "
                             "needs more observations than parameters (use fewer regressors "
                             "or more regions).")
    return x


def fit(data: pd.DataFrame, w, *, id_col: str, y: str, x: list[str],
        model: str = "SAR") -> SpatialResult:
    """Fit one cross-section regression (OLS, SLX, SAR, SEM or SDM) with spreg.

    Parameters
    ----------
    data : DataFrame
        One row per region, joined to ``w`` on ``id_col`` (:func:`book.spatial.weights.align`).
    w : libpysal W
        Row-standardised weights without islands.
    y, x : str, list of str
        Dependent variable and regressors (a constant is added; WX terms are added for SLX
        and SDM).
    model : {"OLS", "SLX", "SAR", "SEM", "SDM"}

    Returns
    -------
    SpatialResult
    """
    import spreg

    if model not in MODELS:
        raise BookInputError(f"model must be one of {MODELS}, got {model!r}.")
    xl = [x] if isinstance(x, str) else list(x)
    require_columns(data, [id_col, y, *xl], "data")
    check_w(w, what=f"{model} fit", row_standardised=True, no_islands=True)
    d = align(data, w, id_col)
    k = len(xl) * (2 if model in DURBIN_MODELS else 1) + 1 + (model in ("SAR", "SEM", "SDM"))
    xl = _check_design(y, xl, len(d), k, f"{model} fit")
    yy = as_1d_float(d[y], y)
    require_varies(yy, y, "a regression of a constant outcome")
    for c in xl:
        as_1d_float(d[c], c)          # refuses text, NaN and inf with a clear message
    xx = d[xl].to_numpy(dtype=float)  # pandas' (Fortran) layout, as spreg's own examples use
    X1 = np.column_stack([np.ones(len(xx)), xx])
    if model in DURBIN_MODELS:
        X1 = np.column_stack([X1, as_sparse(w) @ xx])
    if np.linalg.matrix_rank(X1) < X1.shape[1]:
        extra = " and their spatial lags WX" if model in DURBIN_MODELS else ""
        raise BookInputError(f"regressors {xl} (with the constant{extra}) are perfectly "
                             "collinear; drop a redundant or constant column.")
    Y = yy.reshape(-1, 1)
    kw = {"name_y": y, "name_x": xl}
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")  # spreg prints the model names; keep pages clean
        if model == "OLS":
            r = spreg.OLS(Y, xx, w=w, spat_diag=True, moran=True, **kw)
        elif model == "SLX":
            r = spreg.OLS(Y, xx, w=w, slx_lags=1, **kw)
        elif model == "SAR":
            r = spreg.ML_Lag(Y, xx, w, **kw)
        elif model == "SEM":
            r = spreg.ML_Error(Y, xx, w, **kw)
        else:
            r = spreg.ML_Lag(Y, xx, w, slx_lags=1, **kw)
    coef = _tidy(r)
    if model in ("SAR", "SDM", "SEM"):
        par = coef["coef"].iloc[-1]
        if not np.isfinite(par) or abs(par) >= 0.999:
            raise BookInputError(f"{model}: the spatial parameter hit the boundary of its "
                                 f"range ({par:.4g}); the likelihood has no interior maximum "
                                 "(check for a constant or near-deterministic outcome).")
    return SpatialResult(
        model=model, y=y, x=xl, coefficients=coef, cov=np.asarray(r.vm, dtype=float),
        logl=float(r.logll), aic=float(getattr(r, "aic", np.nan)),
        schwarz=float(getattr(r, "schwarz", np.nan)), n=int(r.n),
        diagnostics=_lm_table(r) if model == "OLS" else None, w=w, spreg=r)


# ----------------------------------------------------------------------------- model sets
LR_TESTS = (
    ("SDM vs SAR (θ = 0)", "SDM", "SAR"),
    ("SDM vs SEM (θ = −ρβ, common factor)", "SDM", "SEM"),
    ("SDM vs SLX (ρ = 0)", "SDM", "SLX"),
    ("SAR vs OLS (ρ = 0)", "SAR", "OLS"),
    ("SEM vs OLS (λ = 0)", "SEM", "OLS"),
    ("SLX vs OLS (θ = 0)", "SLX", "OLS"),
)


def lr_test(unrestricted: SpatialResult, restricted: SpatialResult, df: int | None = None) -> dict:
    """Likelihood-ratio test :math:`2(\\ell_U-\\ell_R)\\sim\\chi^2_{df}` of nested models.

    ``df`` defaults to the difference in the number of coefficients, except SDM vs SEM (the
    common-factor restriction :math:`\\theta=-\\rho\\beta`: one per regressor; LeSage & Pace
    2009, sec. 6.3).
    """
    from scipy.stats import chi2

    for r, nm in ((unrestricted, "unrestricted"), (restricted, "restricted")):
        if not isinstance(r, SpatialResult):
            raise BookInputError(f"{nm} must be a SpatialResult (from fit), got {type(r).__name__}.")
    if unrestricted.n != restricted.n or unrestricted.y != restricted.y:
        raise BookInputError("LR tests compare models of the same outcome on the same "
                             "observations.")
    if df is None:
        if (unrestricted.model, restricted.model) == ("SDM", "SEM"):
            df = len(unrestricted.x)
        else:
            df = len(unrestricted.coefficients) - len(restricted.coefficients)
    if not isinstance(df, (int, np.integer)) or df < 1:
        raise BookInputError(f"df must be a positive int (the number of restrictions), got {df!r}; "
                             "is the 'restricted' model really nested in the other?")
    lr = 2 * (unrestricted.logl - restricted.logl)
    return {"LR": float(lr), "df": int(df), "p": float(chi2.sf(lr, df))}


@dataclass
class ModelSet:
    """Several models fitted to the same data by :func:`fit_models`.

    Attributes
    ----------
    results : dict
        Model code -> :class:`SpatialResult`.
    coefficients : DataFrame
        Tidy table: model, term, coef, se, stat, p.
    diagnostics : DataFrame or None
        The LM tests on the OLS residuals (when OLS was fitted).
    fit : DataFrame
        logL, AIC, Schwarz by model.
    """

    results: dict
    coefficients: pd.DataFrame
    diagnostics: pd.DataFrame | None
    fit: pd.DataFrame

    def __getitem__(self, model: str) -> SpatialResult:
        if model not in self.results:
            raise BookInputError(f"no {model!r} in this set; fitted: {list(self.results)}.")
        return self.results[model]

    def wide(self, stat: str = "coef") -> pd.DataFrame:
        """Coefficients side by side: terms x models."""
        return self.coefficients.pivot(index="term", columns="model", values=stat)

    def coef_table(self, digits: int = 3) -> pd.DataFrame:
        """Display table: "coef (se)" by term and model, plus the log-likelihood row."""
        rows = {}
        for name, r in self.results.items():
            c = r.coefficients
            rows[name] = pd.Series([f"{b:.{digits}f} ({s:.{digits}f})"
                                    for b, s in zip(c["coef"], c["se"], strict=True)],
                                   index=c["term"].to_list())
        x = next(iter(self.results.values())).x
        order = ["CONSTANT", *x, *[f"W_{v}" for v in x], "rho", "lambda"]
        tab = pd.DataFrame(rows).reindex(order)
        tab = tab.dropna(how="all")
        tab.loc["log-likelihood"] = [f"{r.logl:.2f}" for r in self.results.values()]
        return tab.fillna("")

    def lr_tests(self) -> pd.DataFrame:
        """The standard nested LR tests among the fitted models (:data:`LR_TESTS`)."""
        rows = []
        for label, u, r in LR_TESTS:
            if u in self.results and r in self.results:
                rows.append({"test": label, **lr_test(self.results[u], self.results[r])})
        if not rows:
            raise BookInputError("no nested pair among the fitted models; fit e.g. SDM and SAR.")
        return pd.DataFrame(rows).set_index("test")

    def choice(self, alpha: float = 0.05) -> str:
        """:func:`anselin_rule` applied to the OLS diagnostics."""
        if self.diagnostics is None:
            raise BookInputError("the decision rule needs the OLS LM tests; include 'OLS'.")
        return anselin_rule(self.diagnostics, alpha=alpha)


def fit_models(data: pd.DataFrame, w, *, id_col: str, y: str, x: list[str],
               models=("OLS", "SEM", "SAR")) -> ModelSet:
    """Fit several of OLS / SLX / SAR / SEM / SDM to the same data (see :func:`fit`).

    The default, OLS with LM diagnostics then ML spatial error and spatial lag, is the
    sequence of Rey & Montouri (1999, Table 3) and Anselin et al. (1996).
    """
    models = list(models)
    if not models:
        raise BookInputError(f"models is empty; name some of {MODELS}.")
    bad = [m for m in models if m not in MODELS]
    if bad:
        raise BookInputError(f"unknown model(s) {bad}; choose from {MODELS}.")
    res = {m: fit(data, w, id_col=id_col, y=y, x=x, model=m) for m in models}
    coef = pd.concat([r.coefficients.assign(model=m) for m, r in res.items()], ignore_index=True)
    coef = coef[["model", "term", "coef", "se", "stat", "p"]]
    fitt = pd.DataFrame({"logL": [r.logl for r in res.values()],
                         "AIC": [r.aic for r in res.values()],
                         "Schwarz": [r.schwarz for r in res.values()]}, index=list(res))
    diag = res["OLS"].diagnostics if "OLS" in res else None
    return ModelSet(res, coef, diag, fitt)


def anselin_rule(diagnostics: pd.DataFrame, alpha: float = 0.05) -> str:
    """The LM decision rule of Anselin et al. (1996) / Anselin (2005, p. 198-200), as a sentence.

    1. Neither LM error nor LM lag significant: keep OLS.
    2. Exactly one significant: that model.
    3. Both: look at the robust forms; if exactly one is significant, that model.
    4. Both robust forms significant (or neither): the model with the larger robust statistic,
       and the sentence says which case it was.

    Parameters
    ----------
    diagnostics : DataFrame
        Indexed by test name with columns ``value`` and ``p``; needs rows "LM error",
        "LM lag", "robust LM error", "robust LM lag" (as in :attr:`SpatialResult.diagnostics`).
    alpha : float
        Significance level.
    """
    need = ["LM error", "LM lag", "robust LM error", "robust LM lag"]
    if not isinstance(diagnostics, pd.DataFrame) or not {"value", "p"} <= set(diagnostics.columns):
        raise BookInputError("diagnostics must be a DataFrame with columns 'value' and 'p' "
                             "(the .diagnostics of an OLS SpatialResult).")
    miss = [t for t in need if t not in diagnostics.index]
    if miss:
        raise BookInputError(f"diagnostics lacks the test(s) {miss}.")
    alpha = require_in_range(alpha, "alpha", 0, 1, lo_open=True, hi_open=True)
    vals = diagnostics.loc[need, ["value", "p"]].astype(float)
    if not np.isfinite(vals.to_numpy()).all():
        raise BookInputError("diagnostics has NaN statistics or p-values; refit the OLS model.")
    dg = vals
    e, lg = dg.loc["LM error", "p"] < alpha, dg.loc["LM lag", "p"] < alpha
    if not (e or lg):
        return "OLS (no LM test significant)"
    if e != lg:
        return "spatial error" if e else "spatial lag"
    re_, rl = dg.loc["robust LM error", "p"] < alpha, dg.loc["robust LM lag", "p"] < alpha
    if re_ != rl:
        return "spatial error" if re_ else "spatial lag"
    bigger = ("spatial error" if dg.loc["robust LM error", "value"] > dg.loc["robust LM lag", "value"]
              else "spatial lag")
    return (f"{bigger} (by the larger robust statistic; both robust tests "
            + ("significant" if re_ else "insignificant") + ")")
