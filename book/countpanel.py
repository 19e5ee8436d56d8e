"""Knowledge production functions with an R&D spillover pool: count-data models for panels.

The knowledge production function (Griliches 1979; Jaffe 1986; Cincera 1997) relates a firm's
patent count to its own R&D and to the pool of other firms' R&D it can draw on::

    E[P_it | x] = exp(beta_R log R_it + beta_S log S_it + year_t + c_i),

so ``beta_R`` and ``beta_S`` are elasticities. :func:`fit_kpf` estimates it with the
Poisson (quasi-)maximum likelihood estimator (``statsmodels`` GLM) or the negative binomial
NB2 model (``statsmodels`` ``NegativeBinomial``), with no effects, sector dummies, or firm
dummies (the Poisson fixed-effects estimator; for the Poisson model the dummy-variable
estimator equals the conditional MLE of Hausman, Hall & Griliches 1984), always with
standard errors clustered by firm. :func:`spillover_pool` builds a Jaffe (1986) pool from
levels of R&D and a proximity matrix.

Only the assembly is written here; estimation is statsmodels'.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import BookInputError
from .validate import as_1d_float, require_columns, require_positive, require_varies

EFFECTS = (None, "sector", "firm")
MODELS = ("poisson", "negbin")
NB_BREADS = ("joint", "expected")


def spillover_pool(rd, proximity, *, exclude_own: bool = True) -> np.ndarray:
    """Jaffe (1986) spillover pool ``S_i = sum_j P_ij R_j`` (own R&D excluded).

    Parameters
    ----------
    rd : array-like, shape (n,)
        R&D expenditure *levels* of the n firms (non-negative).
    proximity : array-like, shape (n, n)
        Technological proximity weights in [0, 1] (e.g. the uncentred correlation of firms'
        patent-class shares, Jaffe 1986, eq. 3).
    exclude_own : bool
        Set the diagonal to zero (a firm's own R&D is not a spillover).
    """
    r = as_1d_float(rd, "rd")
    require_positive(r, "rd", strict=False)
    P = np.asarray(proximity, dtype=float)
    if P.shape != (r.size, r.size):
        raise BookInputError(f"proximity must be {r.size} x {r.size} to match rd, got shape "
                             f"{P.shape}.")
    if not np.isfinite(P).all() or (P < 0).any() or (P > 1).any():
        raise BookInputError("proximity weights must be finite and lie in [0, 1].")
    if exclude_own:
        P = P.copy()
        np.fill_diagonal(P, 0.0)
    return P @ r


def _check_panel(df, count, regressors, firm, year):
    require_columns(df, [count, *regressors, firm, year], "panel")
    y = df[count]
    if not pd.api.types.is_numeric_dtype(y):
        raise BookInputError(f"{count} must be numeric counts, got dtype {y.dtype}.")
    yv = as_1d_float(y, count)
    if (yv < 0).any():
        raise BookInputError(f"{count} has {(yv < 0).sum()} negative value(s); counts must be >= 0.")
    if not np.allclose(yv, np.round(yv)):
        raise BookInputError(f"{count} holds non-integer values; count models need whole numbers.")
    for r in regressors:
        as_1d_float(df[r], r)
    if df.duplicated([firm, year]).any():
        raise BookInputError(f"panel has duplicated ({firm}, {year}) rows; one row per firm-year.")


def fit_kpf(df: pd.DataFrame, *, count: str = "patents", regressors=("log_rd", "log_spill"),
            model: str = "poisson", effects: str | None = None, year_effects: bool = True,
            firm: str = "firm", year: str = "year", sector: str = "sector", level: float = 0.95,
            nb_bread: str = "joint"):
    """Fit the knowledge production function by count-data ML with firm-clustered errors.

    Parameters
    ----------
    df : DataFrame
        Firm-year panel.
    count : str
        Non-negative integer outcome (patents).
    regressors : sequence of str
        Log inputs (own R&D, spillover pool): their coefficients are elasticities.
    model : {"poisson", "negbin"}
        Poisson QMLE (GLM) or NB2 maximum likelihood.
    effects : {None, "sector", "firm"}
        Dummies added to the index. Firm dummies with the Poisson model give the fixed-effects
        Poisson estimator; firms whose count is zero in every year carry no information and
        are dropped (reported in ``dropped_firms``). Firm dummies with NB2 suffer from the
        incidental-parameters problem and are refused.
    year_effects : bool
        Year dummies (absorb common trends, e.g. in the pool).
    level : float
        Confidence level of the intervals.
    nb_bread : {"joint", "expected"}
        Bread of the firm-clustered sandwich for NB2 (ignored for Poisson). ``"joint"``
        (default): the inverse observed Hessian of the joint (beta, alpha) log-likelihood with
        the scores of beta *and* alpha (statsmodels ``NegativeBinomial``, the M-estimator
        sandwich). ``"expected"``: the inverse expected (IRLS) information for beta with alpha
        held at its estimate and the beta scores only -- what R's ``sandwich::vcovCL`` gives
        on ``MASS::glm.nb`` (statsmodels GLM with the NB2 family at alpha-hat). The point
        estimates are identical; the standard errors differ because the log link is not the
        canonical link of the NB2 family, so observed and expected information differ.
        Both use the HC1-type correction G/(G-1)(N-1)/(N-K). With ``"expected"`` the
        ``table`` carries the expected-information errors; ``result`` is still the NB2 fit
        (its ``bse`` are the joint ones) with ``result.cov_clustered_expected`` attached.

    Returns
    -------
    dict
        ``table`` (coef, se, ci_low, ci_high, z for each regressor), ``result`` (statsmodels),
        ``nobs``, ``n_firms``, ``dropped_firms``, ``alpha`` (NB2 dispersion or None), ``llf``.
    """
    import statsmodels.api as sm

    regressors = list(regressors)
    if not regressors:
        raise BookInputError("give at least one regressor.")
    if model not in MODELS:
        raise BookInputError(f"model must be one of {MODELS}, got {model!r}.")
    if effects not in EFFECTS:
        raise BookInputError(f"effects must be one of {EFFECTS}, got {effects!r}.")
    if effects == "firm" and model == "negbin":
        raise BookInputError("firm dummies in an NB2 model are inconsistent (incidental "
                             "parameters); use model='poisson' for fixed effects.")
    if not 0 < level < 1:
        raise BookInputError(f"level must be in (0, 1), got {level}.")
    if nb_bread not in NB_BREADS:
        raise BookInputError(f"nb_bread must be one of {NB_BREADS}, got {nb_bread!r}.")
    _check_panel(df, count, regressors, firm, year)
    if (df[count] == 0).all():
        raise BookInputError(f"every {count!r} count is zero: a count model has no information "
                             "(the likelihood has no maximum); check the outcome column.")
    for r in regressors:
        require_varies(df[r], f"regressor {r!r}", "its elasticity")
    d = df.copy()
    dropped = []
    if effects == "firm":
        tot = d.groupby(firm)[count].transform("sum")
        dropped = sorted(d.loc[tot == 0, firm].unique().tolist())
        d = d[tot > 0]
    X = d[regressors].astype(float)
    dummies = []
    if year_effects:
        dummies.append(pd.get_dummies(d[year], prefix="year", drop_first=True, dtype=float))
    if effects == "sector":
        require_columns(d, [sector], "panel")
        dummies.append(pd.get_dummies(d[sector], prefix="sector", drop_first=True, dtype=float))
    if effects == "firm":
        dummies.append(pd.get_dummies(d[firm], prefix="firm", drop_first=True, dtype=float))
    X = sm.add_constant(pd.concat([X, *dummies], axis=1), has_constant="add")
    y = d[count].astype(float)
    groups = pd.factorize(d[firm])[0]
    if model == "poisson":
        res = sm.GLM(y, X, family=sm.families.Poisson()).fit(
            cov_type="cluster", cov_kwds={"groups": groups})
        alpha = None
    else:
        mod = sm.NegativeBinomial(y, X, loglike_method="nb2")
        start = np.r_[sm.GLM(y, X, family=sm.families.Poisson()).fit().params.values, 0.5]
        res = mod.fit(start_params=start, method="bfgs", maxiter=2000, disp=0,
                      cov_type="cluster", cov_kwds={"groups": groups})
        if not res.mle_retvals.get("converged", True):
            res = mod.fit(start_params=res.params.values, method="newton", maxiter=200, disp=0,
                          cov_type="cluster", cov_kwds={"groups": groups})
        alpha = float(res.params["alpha"])
        if nb_bread == "expected":
            # statsmodels' GLM cluster sandwich uses the observed Hessian; R's vcovCL on glm.nb
            # uses the IRLS bread inv(X'WX) (expected information, alpha held at alpha-hat) and
            # the beta scores, so the sandwich is assembled from statsmodels' GLM pieces at the
            # NB2 estimates: bread = inverse expected Hessian, meat = firm sums of the scores.
            b = res.params.drop("alpha").to_numpy()
            glm = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=alpha))
            s = glm.score_obs(b)
            S = np.zeros((groups.max() + 1, s.shape[1]))
            np.add.at(S, groups, s)
            B = np.linalg.inv(-glm.hessian(b, observed=False))
            n_obs, k = X.shape
            G = S.shape[0]
            V = G / (G - 1) * (n_obs - 1) / (n_obs - k) * B @ (S.T @ S) @ B
            res.cov_clustered_expected = pd.DataFrame(V, index=X.columns, columns=X.columns)
    from scipy.stats import norm

    coef = res.params[regressors]
    if hasattr(res, "cov_clustered_expected"):
        se = pd.Series(np.sqrt(np.diag(res.cov_clustered_expected)), index=X.columns)[regressors]
    else:
        se = res.bse[regressors]
    q = norm.ppf(0.5 + level / 2)
    table = pd.DataFrame({"coef": coef, "se": se, "ci_low": coef - q * se,
                          "ci_high": coef + q * se, "z": coef / se})
    llf = float(res.llf)
    return {"table": table, "result": res, "nobs": int(res.nobs), "n_firms": int(d[firm].nunique()),
            "dropped_firms": dropped, "alpha": alpha, "llf": llf,
            "bread": ("joint" if alpha is not None and nb_bread == "joint" else
                      "expected" if alpha is not None else "poisson-glm")}


def compare_specs(df: pd.DataFrame, specs: dict, **kw) -> pd.DataFrame:
    """Fit several ``(model, effects)`` specifications; one row per spec x regressor."""
    if not isinstance(specs, dict) or not specs:
        raise BookInputError("specs must be a non-empty dict name -> (model, effects), e.g. "
                             "{'Poisson FE': ('poisson', 'firm')}.")
    for name, spec in specs.items():
        if not isinstance(spec, (tuple, list)) or len(spec) != 2:
            raise BookInputError(f"spec {name!r} must be a (model, effects) pair, got {spec!r}.")
    rows = []
    for name, (model, effects) in specs.items():
        fit = fit_kpf(df, model=model, effects=effects, **kw)
        t = fit["table"].copy()
        t["spec"] = name
        t["nobs"] = fit["nobs"]
        t["alpha"] = fit["alpha"]
        rows.append(t.reset_index(names="regressor"))
    return pd.concat(rows, ignore_index=True).set_index(["spec", "regressor"])
