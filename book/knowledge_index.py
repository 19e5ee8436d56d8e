"""A principal-component knowledge-stock index built from several regional proxies.

Zhang (2019, cited in Li & Zhu 2024, section 6) combines R&D expenditure, human capital and
patents into one "knowledge stock" variable before a spatial error regression. The usual way
to do that is the first principal component of the *standardised* proxies (a weighted sum
whose weights are the leading eigenvector of the proxies' correlation matrix; Jolliffe 2002,
ch. 2; Johnson & Wichern 2007, sec. 8.3 "principal components obtained from standardized
variables").

The component itself comes from scikit-learn (:class:`sklearn.decomposition.PCA`); this module
adds what a regional index needs and the library leaves open:

* validated inputs (numeric, complete, non-constant, more regions than proxies);
* a documented **sign convention** — an eigenvector is only defined up to sign, so the index
  is oriented so that a named ``anchor`` proxy (or, by default, the sum of the loadings
  after each proxy's declared ``direction``) loads positively: "more knowledge" is always
  "higher index";
* proxies that measure knowledge *inversely* (illiteracy, say) are declared with
  ``direction=-1`` and multiplied by -1 after standardising, so every oriented proxy reads
  "more is more";
* the share of variance the index explains, and the loadings, returned for the page.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import BookInputError
from .validate import as_1d_float, require_columns


@dataclass
class KnowledgeIndex:
    """Result of :func:`pca_index`.

    Attributes
    ----------
    scores : Series
        The index (first principal component score), one value per row of the input, mean 0.
        With ``scale="unit"`` (default) it is rescaled to variance 1.
    loadings : Series
        Weights of the standardised, direction-oriented proxies in the index (unit length).
    explained : Series
        Share of the total variance of the standardised proxies explained by each component
        (sums to 1); ``explained.iloc[0]`` is the index's share.
    eigenvalues : Series
        Eigenvalues of the proxies' correlation matrix (sum = number of proxies).
    means, sds : Series
        The standardisation applied (population s.d., ``ddof=0``).
    directions : Series
        +1 / -1 per proxy as declared.
    """

    scores: pd.Series
    loadings: pd.Series
    explained: pd.Series
    eigenvalues: pd.Series
    means: pd.Series
    sds: pd.Series
    directions: pd.Series

    @property
    def share(self) -> float:
        """Share of the standardised proxies' variance carried by the index."""
        return float(self.explained.iloc[0])

    def summary(self) -> pd.DataFrame:
        """Direction, loading and correlation of each oriented proxy with the index.

        For standardised proxies the correlation of :math:`z_j` with the first component is
        :math:`a_j\\sqrt{\\lambda_1}` (Jolliffe 2002, sec. 2.3).
        """
        corr = self.loadings * np.sqrt(float(self.eigenvalues.iloc[0]))
        return pd.DataFrame({"direction": self.directions, "loading": self.loadings,
                             "corr_with_index": corr})


def pca_index(df: pd.DataFrame, columns: list[str], *, directions: dict | None = None,
              anchor: str | None = None, scale: str = "unit", name: str = "knowledge") -> KnowledgeIndex:
    """First principal component of standardised proxies as a knowledge-stock index.

    Each proxy :math:`x_j` is standardised, :math:`z_j=d_j(x_j-\\bar x_j)/s_j` with the
    declared direction :math:`d_j\\in\\{+1,-1\\}`; the index is
    :math:`K=\\sum_j a_j z_j` where :math:`a` is the unit eigenvector of the largest
    eigenvalue :math:`\\lambda_1` of the correlation matrix :math:`R` of the :math:`z_j`
    (Jolliffe 2002, eq. 2.1 and sec. 2.3). Its variance is :math:`\\lambda_1`, a share
    :math:`\\lambda_1/p` of the total. The sign of :math:`a` is fixed so that the ``anchor``
    proxy has a positive loading, or, without an anchor, so that the loadings sum to a
    positive number.

    Parameters
    ----------
    df : DataFrame
        One row per region.
    columns : list of str
        Two or more proxy columns (numeric, no missing values, not constant).
    directions : dict, optional
        ``{column: +1 or -1}``; -1 for proxies where *more* means *less* knowledge
        (illiteracy). Unlisted columns get +1.
    anchor : str, optional
        A proxy in ``columns`` that must load positively (sign convention).
    scale : {"unit", "raw"}
        ``"unit"`` divides the score by :math:`\\sqrt{\\lambda_1}` (mean 0, variance 1);
        ``"raw"`` keeps the principal-component score (variance :math:`\\lambda_1`).
    name : str
        Name of the returned score Series.

    Returns
    -------
    KnowledgeIndex
    """
    from sklearn.decomposition import PCA

    if not isinstance(df, pd.DataFrame):
        raise BookInputError(f"df must be a pandas DataFrame, got {type(df).__name__}.")
    if isinstance(columns, str) or not hasattr(columns, "__iter__"):
        raise BookInputError("columns must be a list of at least two proxy column names, "
                             f"got {columns!r}.")
    columns = list(columns)
    if len(columns) < 2:
        raise BookInputError(f"an index needs at least two proxies, got {columns}; with one "
                             "proxy use it directly.")
    if len(set(columns)) != len(columns):
        raise BookInputError(f"columns repeats a name: {columns}.")
    require_columns(df, columns, "df")
    n, p = len(df), len(columns)
    if n <= p:
        raise BookInputError(f"{n} rows for {p} proxies: a principal component needs more "
                             "regions than proxies.")
    directions = dict(directions or {})
    unknown = sorted(set(directions) - set(columns))
    if unknown:
        raise BookInputError(f"directions names column(s) {unknown} that are not in columns "
                             f"{columns}.")
    bad = {k: v for k, v in directions.items() if v not in (1, -1)}
    if bad:
        raise BookInputError(f"directions must be +1 or -1, got {bad}.")
    if anchor is not None and anchor not in columns:
        raise BookInputError(f"anchor {anchor!r} is not one of the proxies {columns}.")
    if scale not in ("unit", "raw"):
        raise BookInputError(f"scale must be 'unit' or 'raw', got {scale!r}.")

    X = np.column_stack([as_1d_float(df[c], f"proxy {c!r}") for c in columns])
    means = X.mean(axis=0)
    sds = X.std(axis=0, ddof=0)
    flat = [c for c, s in zip(columns, sds, strict=True) if not s > 0]
    if flat:
        raise BookInputError(f"proxy column(s) {flat} are constant across regions; a constant "
                             "carries no information about the knowledge stock - drop it.")
    d = np.array([directions.get(c, 1) for c in columns], dtype=float)
    Z = (X - means) / sds * d

    pca = PCA(n_components=p, svd_solver="full").fit(Z)
    a = pca.components_[0].copy()
    # eigenvalues of the correlation matrix (sklearn's explained_variance_ uses ddof=1)
    eig = pca.explained_variance_ * (n - 1) / n
    if anchor is not None:
        flip = a[columns.index(anchor)] < 0
    else:
        flip = a.sum() < 0
    if flip:
        a = -a
    score = Z @ a
    if scale == "unit":
        score = score / np.sqrt(eig[0])
    idx = df.index
    comps = [f"PC{i + 1}" for i in range(p)]
    return KnowledgeIndex(
        scores=pd.Series(score, index=idx, name=name),
        loadings=pd.Series(a, index=pd.Index(columns, name="proxy"), name="loading"),
        explained=pd.Series(pca.explained_variance_ratio_, index=comps, name="explained"),
        eigenvalues=pd.Series(eig, index=comps, name="eigenvalue"),
        means=pd.Series(means, index=columns),
        sds=pd.Series(sds, index=columns),
        directions=pd.Series(d.astype(int), index=pd.Index(columns, name="proxy"),
                             name="direction"),
    )
