"""Citation localisation: the Jaffe-Trajtenberg-Henderson (1993) matched-control design.

JTH ask whether a patent is cited disproportionately often by later patents from the same
place. Geographic concentration of technology alone makes citing and cited patents
co-locate, so each citing patent is paired with a *control* patent drawn from the same
technology class and the same grant (or application) year that does **not** cite the
originating patent. Localisation is the excess of the citation co-location share over the
control co-location share (JTH 1993, section III and Table III). Thompson & Fox-Kean (2005)
showed that controls matched on a coarse (3-digit) class still differ technologically from
the citing patents; matching on finer subclasses removes much of the measured excess.

:func:`match_controls` implements the matching as DuckDB SQL, so it runs out of core on the
full NBER file (16 million citations, Hall, Jaffe & Trajtenberg 2001). Each citing patent's
(class, year) cell is ranked by a seeded hash; the control is the first of ``max_tries``
hashed candidates (the first for every citation, the others only where it failed) that is neither the citing nor the originating patent and does not cite
the originating patent (an anti-join against the citation table). Citations whose cell has
no eligible control are dropped and counted. :func:`localisation_shares` computes the JTH
comparison, :func:`simulate_patent_world` builds a documented simulated world with a known
localisation parameter. Only this assembly is hand-written; the engine is DuckDB.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .errors import BookInputError
from .validate import require_columns, require_in_range

PATENT_COLS = ("patent", "year", "region")
CITATION_COLS = ("citing", "cited")


def _connect(threads: int | None = None, memory_limit: str | None = None):
    import duckdb

    con = duckdb.connect()
    try:  # a terminal progress bar would pollute logs; in Jupyter the setting is refused
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        pass
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit is not None:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    return con


@dataclass
class MatchReport:
    """Counts from :func:`match_controls`.

    Attributes
    ----------
    citations : int
        Citations passed in.
    self_citations : int
        Citations dropped because citing and cited patent are the same number.
    unknown_patents : int
        Citations whose citing or cited patent is not in ``patents`` (dropped).
    matched, unmatched : int
        Citations with a control; citations whose (class, year) cell had no eligible control.
    """

    citations: int
    self_citations: int
    unknown_patents: int
    matched: int
    unmatched: int


@dataclass
class Localisation:
    """Result of :func:`localisation_shares` (JTH 1993, Table III).

    Attributes
    ----------
    n : int
        Matched citations compared.
    p_cite, p_ctrl : float
        Co-location shares of citations and of controls.
    diff, se, t, ci_low, ci_high : float
        Difference, its standard error for independent proportions (JTH), t statistic and
        confidence interval.
    se_paired : float
        Standard error treating citation and control as a matched pair.
    theta : float
        ``(p_cite - p_ctrl) / (1 - p_ctrl)``: the share of citations that are extra-local.
    """

    n: int
    p_cite: float
    p_ctrl: float
    diff: float
    se: float
    t: float
    ci_low: float
    ci_high: float
    se_paired: float
    theta: float

    def as_dict(self) -> dict:
        """The fields as a plain dict (for building tables)."""
        return asdict(self)


def _validate(patents: pd.DataFrame, citations: pd.DataFrame, class_col: str) -> None:
    require_columns(patents, [*PATENT_COLS, class_col], "patents")
    require_columns(citations, list(CITATION_COLS), "citations")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(class_col)):
        raise BookInputError(f"class_col={class_col!r} must be a plain column name (letters, "
                             "digits, underscores); rename the column first.")
    if patents["patent"].duplicated().any():
        dup = patents.loc[patents["patent"].duplicated(), "patent"].head(3).tolist()
        raise BookInputError(f"patents has duplicated patent numbers {dup}; one row per patent.")
    for c in ("patent", "year"):
        if not pd.api.types.is_integer_dtype(patents[c]):
            raise BookInputError(f"patents[{c!r}] must be integers, got {patents[c].dtype}.")
    for c in CITATION_COLS:
        if not pd.api.types.is_integer_dtype(citations[c]):
            raise BookInputError(f"citations[{c!r}] must be integer patent numbers, got "
                                 f"{citations[c].dtype}.")
    if patents[[class_col, "region"]].isna().any().any():
        raise BookInputError(f"patents has missing {class_col!r} or 'region'; drop those "
                             "patents first (JTH use only patents with a known location).")


def match_controls(patents: pd.DataFrame, citations: pd.DataFrame, *, class_col: str = "cls",
                   seed: int = 0, max_tries: int = 8, con=None, threads: int | None = None,
                   memory_limit: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Pick one control patent per citation (JTH 1993 matched-control design) in DuckDB.

    Parameters
    ----------
    patents : DataFrame
        One row per patent: ``patent`` (int id), ``year`` (int, grant or application year),
        ``region`` (location code of the first inventor), and the technology class column.
    citations : DataFrame
        ``citing``, ``cited`` patent ids. Citations whose patents are missing from
        ``patents`` are ignored (counted in the report).
    class_col : str
        Technology class used for matching: a coarse class reproduces JTH, a fine subclass
        the Thompson & Fox-Kean (2005) refinement.
    seed : int
        Seed of the hash that orders candidates (deterministic).
    max_tries : int
        Candidates examined per citation before giving up.

    Returns
    -------
    (DataFrame, MatchReport)
        Rows ``citing, cited, control, region_cited, region_citing, region_control`` and a
        report: citations in, self-citations dropped, unknown patents, matched, unmatched (no
        eligible control). A self-citation (citing == cited) would count as local by
        construction, so it is dropped and counted.
    """
    _validate(patents, citations, class_col)
    if not isinstance(seed, int) or seed < 0:
        raise BookInputError(f"seed must be a non-negative int, got {seed!r}.")
    if not isinstance(max_tries, int) or max_tries < 1:
        raise BookInputError(f"max_tries must be a positive int, got {max_tries!r}.")
    own = con is None
    con = _connect(threads, memory_limit) if own else con
    try:
        con.register("pat_in", patents[["patent", "year", "region", class_col]])
        self_cit = citations["citing"] == citations["cited"]
        con.register("cit_in", citations.loc[~self_cit, ["citing", "cited"]])
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE pool AS
            SELECT patent, year, region, {class_col} AS cls,
                   row_number() OVER (PARTITION BY {class_col}, year
                                      ORDER BY hash(patent, {seed})) - 1 AS rk,
                   count(*) OVER (PARTITION BY {class_col}, year) AS n
            FROM pat_in""")
        con.execute("""
            CREATE OR REPLACE TEMP TABLE cit AS
            SELECT c.citing, c.cited, p.cls, p.year, p.n, p.region AS region_citing,
                   o.region AS region_cited
            FROM cit_in c JOIN pool p ON p.patent = c.citing JOIN pool o ON o.patent = c.cited""")
        # Candidate k of a citation is rank (hash(citing, cited, seed) + k) mod n in its
        # (class, year) cell; the control is the first eligible candidate. Two passes: the first
        # candidate of every citation, then candidates 1..max_tries-1 only for the few citations
        # whose first candidate was not eligible -- so the citation table is probed twice,
        # instead of max_tries candidates being built for every citation.
        con.execute("CREATE OR REPLACE TEMP TABLE cites AS SELECT citing, cited FROM cit_in")

        def candidates(source: str, ks: str) -> str:
            return f"""
                SELECT t.citing, t.cited, k.k, p.patent AS control, p.region AS region_control
                FROM {source} t CROSS JOIN ({ks}) k(k) JOIN pool p
                  ON p.cls = t.cls AND p.year = t.year
                 AND p.rk = ((hash(t.citing, t.cited, {seed}) >> 1)::BIGINT + k.k) % t.n
                WHERE p.patent <> t.citing AND p.patent <> t.cited
                  AND NOT EXISTS (SELECT 1 FROM cites x
                                  WHERE x.citing = p.patent AND x.cited = t.cited)"""

        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE first AS
            {candidates("(SELECT DISTINCT citing, cited, cls, year, n FROM cit)", "VALUES (0)")}""")
        con.execute("""
            CREATE OR REPLACE TEMP TABLE todo AS
            SELECT DISTINCT c.citing, c.cited, c.cls, c.year, c.n FROM cit c
            ANTI JOIN first f ON f.citing = c.citing AND f.cited = c.cited""")
        rest = (f"SELECT range AS k FROM range(1, {max_tries})" if max_tries > 1
                else "SELECT 1 AS k WHERE false")
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE matched AS
            SELECT citing, cited, control, region_control FROM first
            UNION ALL
            SELECT citing, cited, arg_min(control, k), arg_min(region_control, k)
            FROM ({candidates("todo", rest)}) GROUP BY citing, cited""")
        out = con.execute("""
            SELECT c.citing, c.cited, m.control, c.region_cited, c.region_citing, m.region_control
            FROM cit c JOIN matched m USING (citing, cited)
            ORDER BY c.cited, c.citing""").df()
        n_in = len(citations)
        n_self = int(self_cit.sum())
        n_known = con.execute("SELECT count(*) FROM cit").fetchone()[0]
    finally:
        if own:
            con.close()
    report = MatchReport(citations=n_in, self_citations=n_self,
                         unknown_patents=int(n_in - n_self - n_known), matched=int(len(out)),
                         unmatched=int(n_known - len(out)))
    return out, report


def localisation_shares(matched: pd.DataFrame, *, level: float = 0.95) -> Localisation:
    """JTH comparison: co-location share of citations vs controls, difference, test and CI.

    ``p_cite`` = share of citing patents in the originating patent's region; ``p_ctrl`` =
    the same for controls. JTH (1993) test the difference with a t statistic for two
    proportions; we also report ``theta = (p_cite - p_ctrl)/(1 - p_ctrl)``, the share of
    citations that are "extra-local" (the localisation parameter of the simulated world).
    """
    require_columns(matched, ["region_cited", "region_citing", "region_control"], "matched")
    require_in_range(level, "level", 0, 1, lo_open=True, hi_open=True)
    from scipy import stats

    n = len(matched)
    if n < 2:
        raise BookInputError("need at least two matched citations to compare shares.")
    cols = ["region_cited", "region_citing", "region_control"]
    miss = matched[cols].isna().sum()
    if miss.any():
        raise BookInputError(f"matched has missing regions {miss[miss > 0].to_dict()}; a "
                             "missing region is neither local nor non-local. Drop those "
                             "patents before matching (match_controls refuses them).")
    a = (matched["region_citing"] == matched["region_cited"]).to_numpy(float)
    b = (matched["region_control"] == matched["region_cited"]).to_numpy(float)
    p1, p0 = a.mean(), b.mean()
    se = np.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / n)   # JTH: independent proportions
    se_paired = np.std(a - b, ddof=1) / np.sqrt(n)      # matched pairs
    z = stats.norm.ppf(0.5 + level / 2)
    diff = p1 - p0
    if se == 0:
        raise BookInputError("every citation and every control is local (or none is): the "
                             "shares are 0 or 1 and the difference has no sampling variance; "
                             "there is nothing to test.")
    return Localisation(n=n, p_cite=float(p1), p_ctrl=float(p0), diff=float(diff), se=float(se),
                        t=float(diff / se), ci_low=float(diff - z * se),
                        ci_high=float(diff + z * se), se_paired=float(se_paired),
                        theta=float(diff / (1 - p0)) if p0 < 1 else float("nan"))


def simulate_patent_world(n_patents: int = 100_000, *, n_regions: int = 50, n_classes: int = 30,
                          subclasses: int = 10, n_years: int = 10, cites_per_patent: float = 4.0,
                          theta: float = 0.15, specialisation: float = 0.3, seed_offset: int = 0):
    """A simulated patent world with a known amount of localisation (a *simulation*).

    * Regions have Zipf sizes; each fine subclass has its own regional distribution
      ``pi_f ~ Dirichlet(specialisation * 50 * size)`` (small ``specialisation`` = strongly
      concentrated technologies), and each coarse class holds ``subclasses`` fine ones.
    * Each patent gets a year, a subclass and a region drawn from ``pi_f``.
    * A patent from year >= 1 makes Poisson(``cites_per_patent``) citations to earlier
      patents of its own subclass: with probability ``theta`` the cited patent is drawn
      from the citing patent's own region (if it has earlier patents there), otherwise
      from the whole subclass.

    Under this process the JTH estimator with *fine* controls recovers ``theta`` through
    ``(p_cite - p_ctrl)/(1 - p_ctrl)``; coarse controls mix subclasses with different
    geographies and overstate it (Thompson & Fox-Kean 2005).

    Returns
    -------
    (patents, citations) : DataFrames with columns patent, year, region, cls (coarse),
    subcls (fine); citing, cited, via_local (the simulated truth: drawn by the local branch;
    its mean is the realised localisation, slightly below ``theta`` because a citing patent
    with no earlier patent of its subclass in its region cannot cite locally).
    """
    from . import rng

    for name, v in (("n_patents", n_patents), ("n_regions", n_regions), ("n_classes", n_classes),
                    ("subclasses", subclasses), ("n_years", n_years)):
        if not isinstance(v, (int, np.integer)) or v < 2:
            raise BookInputError(f"{name} must be an int >= 2, got {v!r}.")
    require_in_range(theta, "theta", 0, 1)
    require_in_range(cites_per_patent, "cites_per_patent", 0, None, lo_open=True)
    require_in_range(specialisation, "specialisation", 0, None, lo_open=True)
    g = rng(1000 + seed_offset)
    size = 1 / np.arange(1, n_regions + 1)
    size /= size.sum()
    F = n_classes * subclasses
    pi = g.dirichlet(specialisation * 50 * size, size=F)           # F x R
    sub = g.integers(0, F, n_patents)
    year = np.sort(g.integers(0, n_years, n_patents))
    cum = np.cumsum(pi, axis=1)
    region = (g.random(n_patents)[:, None] > cum[sub]).sum(axis=1).clip(0, n_regions - 1)
    patents = pd.DataFrame({"patent": np.arange(1, n_patents + 1, dtype=np.int64),
                            "year": year.astype(np.int64), "region": region.astype(np.int64),
                            "cls": (sub // subclasses).astype(np.int64),
                            "subcls": sub.astype(np.int64)})
    # index of earlier patents per subclass and per (subclass, region)
    k_sub = sub.astype(np.int64) * n_years + year
    k_sr = (sub.astype(np.int64) * n_regions + region) * n_years + year
    o_sub, o_sr = np.argsort(k_sub, kind="stable"), np.argsort(k_sr, kind="stable")
    s_sub, s_sr = k_sub[o_sub], k_sr[o_sr]
    m = g.poisson(cites_per_patent, n_patents)
    m[year == 0] = 0
    citing = np.repeat(np.arange(n_patents), m)
    lo_sub = np.searchsorted(s_sub, sub[citing].astype(np.int64) * n_years)
    hi_sub = np.searchsorted(s_sub, sub[citing].astype(np.int64) * n_years + year[citing])
    base_sr = (sub[citing].astype(np.int64) * n_regions + region[citing]) * n_years
    lo_sr = np.searchsorted(s_sr, base_sr)
    hi_sr = np.searchsorted(s_sr, base_sr + year[citing])
    local = (g.random(citing.size) < theta) & (hi_sr > lo_sr)
    u = g.random(citing.size)
    pick_sub = o_sub[np.minimum(lo_sub + (u * (hi_sub - lo_sub)).astype(np.int64), len(o_sub) - 1)]
    pick_sr = o_sr[np.minimum(lo_sr + (u * (hi_sr - lo_sr)).astype(np.int64), len(o_sr) - 1)]
    ok = hi_sub > lo_sub
    cited = np.where(local, pick_sr, pick_sub)
    cit = pd.DataFrame({"citing": (citing[ok] + 1).astype(np.int64),
                        "cited": (cited[ok] + 1).astype(np.int64), "via_local": local[ok]})
    cit = cit.drop_duplicates(["citing", "cited"]).reset_index(drop=True)
    return patents, cit


def nber_to_jth(patents: pd.DataFrame, citations: pd.DataFrame, *, geography: str = "state",
                year: str = "appyear") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn the NBER tables (:mod:`book.datasets.nber_patents`) into JTH matching inputs.

    ``geography='state'`` keeps US patents with a state (``postate``); ``'country'`` uses the
    first inventor's country. ``cls`` is the 3-digit USPTO class (``nclass``); ``subcat`` the
    36 HJT technological sub-categories (a *coarser* grouping, useful to show the
    coarse-control bias on real data).
    """
    require_columns(patents, ["patent", year, "country", "postate", "nclass", "subcat"], "patents")
    require_columns(citations, list(CITATION_COLS), "citations")
    if geography not in ("state", "country"):
        raise BookInputError(f"geography must be 'state' or 'country', got {geography!r}.")
    dup = patents.loc[patents["patent"].duplicated(), "patent"].unique()[:5].tolist()
    if dup:
        raise BookInputError(f"patents has duplicated patent numbers {dup}; one row per patent.")
    p = patents
    if geography == "state":
        p = p[(p["country"] == "US") & p["postate"].notna() & (p["postate"] != "")]
        region = p["postate"]
    else:
        region = p["country"]
    p = p[p[year].notna()]
    region = region.loc[p.index]
    codes = pd.factorize(region)[0]
    out = pd.DataFrame({"patent": p["patent"].astype(np.int64), "year": p[year].astype(np.int64),
                        "region": codes.astype(np.int64), "cls": p["nclass"].astype(np.int64),
                        "subcat": p["subcat"].astype(np.int64)})
    return out.reset_index(drop=True), citations[list(CITATION_COLS)].astype(np.int64)
