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
full NBER file (16 million citations, Hall, Jaffe & Trajtenberg 2001). The patents of each
(class, year) cell are ranked by a seeded hash and numbered cell after cell; candidate k of a
citation is the patent numbered ``start + (hash(citing, cited, seed) + k) mod n`` in the citing
patent's cell. The control is the first of ``max_tries`` candidates that is neither the citing
nor the originating patent and does not cite the originating patent: candidate 0 for every
citation, one semi-join against the citation table to find the few that are not eligible, and
candidates 1, 2, ... only for those. Citations whose cell has no eligible control are dropped
and counted. With ``output='relation'`` and a connection from :func:`connect` (a memory limit,
a private spill directory) the matched rows stay in DuckDB and :func:`localisation_shares`
counts there, so the memory used does not grow with a pandas copy of the result (benchmark:
tests/bench_spillovers.py). :func:`simulate_patent_world` builds a documented simulated world
with a known localisation parameter, in blocks so that its temporary arrays stay small. Only
this assembly is hand-written; the engine is DuckDB.
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
#: rows per block in the simulation (bounds its temporary arrays; does not change the numbers)
_BLOCK = 1 << 19


def connect(threads: int | None = None, memory_limit: str | None = None):
    """A DuckDB connection set up for :func:`match_controls` on large inputs.

    ``threads`` and ``memory_limit`` (e.g. ``'1GB'``) are passed to DuckDB when given; beyond
    the limit DuckDB spills joins and tables to a private temporary directory (removed when
    the connection is garbage-collected or the interpreter exits). Insertion order is not
    preserved (the matcher sorts what it returns as a DataFrame), which lets DuckDB stream.
    """
    import shutil
    import tempfile
    import weakref

    import duckdb

    con = duckdb.connect()
    try:  # a terminal progress bar would pollute logs; in Jupyter the setting is refused
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        pass
    if threads is not None:
        if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
            raise BookInputError(f"threads must be a positive int, got {threads!r}.")
        con.execute(f"SET threads = {threads}")
    if memory_limit is not None:
        if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", str(memory_limit)):
            raise BookInputError(f"memory_limit must look like '1GB' or '500MB', got "
                                 f"{memory_limit!r}.")
        con.execute(f"SET memory_limit = '{memory_limit}'")
    tmp = tempfile.mkdtemp(prefix="book-duckdb-")
    con.execute(f"SET temp_directory = '{tmp}'")
    con.execute("SET preserve_insertion_order = false")
    weakref.finalize(con, shutil.rmtree, tmp, ignore_errors=True)
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
                   memory_limit: str | None = None, output: str = "frame"):
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
    con : duckdb connection, optional
        Run in this connection (e.g. from :func:`connect`); otherwise a private one is opened
        with ``threads`` and ``memory_limit`` and closed afterwards.
    output : {'frame', 'relation'}
        ``'frame'``: a pandas DataFrame sorted by ``cited, citing``. ``'relation'``: the matched
        rows stay in DuckDB as the temporary table ``jth_matched`` of ``con`` (required; the next
        call on the same connection replaces it) and a relation on it is returned -- at 16
        million citations the DataFrame alone would take 0.8 GB; :func:`localisation_shares`
        accepts the relation and counts in DuckDB.

    Returns
    -------
    (DataFrame or DuckDB relation, MatchReport)
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
    if output not in ("frame", "relation"):
        raise BookInputError(f"output must be 'frame' or 'relation', got {output!r}.")
    if output == "relation" and con is None:
        raise BookInputError("output='relation' leaves the matched rows in a DuckDB connection: "
                             "pass con=citations.connect() (or your own duckdb connection).")
    own = con is None
    con = connect(threads, memory_limit) if own else con
    try:
        con.register("jth_pat_in", patents[["patent", "year", "region", class_col]])
        con.register("jth_cit_in", citations[["citing", "cited"]])
        # The pool: patents ranked by a seeded hash inside their (class, year) cell (rk), and
        # numbered cell after cell (pid = start of the cell + rk), so that "candidate k of a
        # citation" is one integer: pid = start + (hash(citing, cited, seed) + k) mod n.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE jth_pool AS
            WITH cells AS (
                SELECT cls, year, count(*) AS n,
                       (sum(count(*)) OVER (ORDER BY cls, year) - count(*))::BIGINT AS start
                FROM (SELECT {class_col} AS cls, year FROM jth_pat_in) GROUP BY cls, year)
            SELECT p.patent, p.region, c.n, c.start,
                   c.start + row_number() OVER (PARTITION BY p.cls, p.year
                                                ORDER BY hash(p.patent, {seed}), p.patent) - 1
                   AS pid
            FROM (SELECT patent, year, region, {class_col} AS cls FROM jth_pat_in) p
            JOIN cells c ON c.cls = p.cls AND c.year = p.year""")
        rank = f"(hash(c.citing, c.cited, {seed}) >> 1)::BIGINT"

        # Pass 1: candidate 0 of every citation, written straight into the result table.
        # A candidate is eligible if it is neither the citing nor the cited patent and does
        # not cite the cited patent itself; the few citations whose candidate 0 is not
        # eligible are found with one semi-join against the citation table (a self-citation
        # x = (c, c) can only match a candidate equal to the cited patent, excluded anyway, so
        # the raw table serves), removed, and given candidates 1..max_tries-1 in pass 2.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE jth_matched AS
            SELECT c.citing, c.cited, q.patent AS control, o.region AS region_cited,
                   p.region AS region_citing, q.region AS region_control
            FROM jth_cit_in c JOIN jth_pool p ON p.patent = c.citing
            JOIN jth_pool o ON o.patent = c.cited
            JOIN jth_pool q ON q.pid = p.start + {rank} % p.n
            WHERE c.citing <> c.cited""")
        n_known = con.execute("SELECT count(*) FROM jth_matched").fetchone()[0]
        con.execute("""
            CREATE OR REPLACE TEMP TABLE jth_fail AS
            SELECT row_number() OVER () AS id, m.citing, m.cited, m.region_cited,
                   m.region_citing
            FROM jth_matched m
            WHERE m.control = m.citing OR m.control = m.cited
               OR EXISTS (SELECT 1 FROM jth_cit_in x
                          WHERE x.citing = m.control AND x.cited = m.cited)""")
        con.execute("""
            DELETE FROM jth_matched
            WHERE (citing, cited) IN (SELECT citing, cited FROM jth_fail)""")
        if max_tries > 1:
            # only citations of the patents cited by these few can make a candidate ineligible
            con.execute("""
                CREATE OR REPLACE TEMP TABLE jth_cit_fail AS
                SELECT citing, cited FROM jth_cit_in
                WHERE cited IN (SELECT cited FROM jth_fail)""")
            con.execute(f"""
                INSERT INTO jth_matched
                SELECT any_value(citing), any_value(cited), arg_min(control, k),
                       any_value(region_cited), any_value(region_citing),
                       arg_min(region_control, k)
                FROM (SELECT c.id, c.citing, c.cited, c.region_cited, c.region_citing, k.k,
                             q.patent AS control, q.region AS region_control
                      FROM (SELECT f.*, p.start, p.n FROM jth_fail f
                            JOIN jth_pool p ON p.patent = f.citing) c
                      CROSS JOIN range(1, {max_tries}) k(k)
                      JOIN jth_pool q ON q.pid = c.start + ({rank} + k.k) % c.n
                      WHERE q.patent <> c.citing AND q.patent <> c.cited
                        AND NOT EXISTS (SELECT 1 FROM jth_cit_fail x
                                        WHERE x.citing = q.patent AND x.cited = c.cited))
                GROUP BY id""")
            con.execute("DROP TABLE jth_cit_fail")
        n_matched = con.execute("SELECT count(*) FROM jth_matched").fetchone()[0]
        con.execute("DROP TABLE jth_fail")
        con.execute("DROP TABLE jth_pool")
        if output == "frame":
            out = con.execute("SELECT * FROM jth_matched ORDER BY cited, citing").df()
            con.execute("DROP TABLE jth_matched")
        else:
            out = con.table("jth_matched")
        con.unregister("jth_pat_in")
        con.unregister("jth_cit_in")
    finally:
        if own:
            con.close()
    n_in = len(citations)
    n_self = int((citations["citing"] == citations["cited"]).sum())
    report = MatchReport(citations=n_in, self_citations=n_self,
                         unknown_patents=int(n_in - n_self - n_known), matched=int(n_matched),
                         unmatched=int(n_known - n_matched))
    return out, report


def localisation_shares(matched, *, level: float = 0.95) -> Localisation:
    """JTH comparison: co-location share of citations vs controls, difference, test and CI.

    ``p_cite`` = share of citing patents in the originating patent's region; ``p_ctrl`` =
    the same for controls. JTH (1993) test the difference with a t statistic for two
    proportions; we also report ``theta = (p_cite - p_ctrl)/(1 - p_ctrl)``, the share of
    citations that are "extra-local" (the localisation parameter of the simulated world).
    ``matched`` is the DataFrame or the DuckDB relation returned by :func:`match_controls`;
    a relation is reduced to counts in DuckDB (the paired standard error then comes from the
    counts of pairs with difference +1, 0, -1: the same quantity, rounded differently).
    """
    cols = ["region_cited", "region_citing", "region_control"]
    if type(matched).__name__ == "DuckDBPyRelation":
        return _shares_from_relation(matched, cols, level)
    require_columns(matched, cols, "matched")
    require_in_range(level, "level", 0, 1, lo_open=True, hi_open=True)
    n = len(matched)
    _check_n_missing(n, matched[cols].isna().sum().to_dict())
    a = (matched["region_citing"] == matched["region_cited"]).to_numpy(float)
    b = (matched["region_control"] == matched["region_cited"]).to_numpy(float)
    p1, p0 = a.mean(), b.mean()
    se_paired = np.std(a - b, ddof=1) / np.sqrt(n)      # matched pairs
    return _shares(n, p1, p0, se_paired, level)


def _check_n_missing(n: int, missing: dict) -> None:
    if n < 2:
        raise BookInputError("need at least two matched citations to compare shares.")
    miss = {k: int(v) for k, v in missing.items() if v}
    if miss:
        raise BookInputError(f"matched has missing regions {miss}; a "
                             "missing region is neither local nor non-local. Drop those "
                             "patents before matching (match_controls refuses them).")


def _shares_from_relation(rel, cols: list[str], level: float) -> Localisation:
    """:func:`localisation_shares` on a DuckDB relation: counts computed by DuckDB."""
    missing = [c for c in cols if c not in rel.columns]
    if missing:
        raise BookInputError(f"matched lacks column(s) {missing}; it has {rel.columns[:12]}.")
    require_in_range(level, "level", 0, 1, lo_open=True, hi_open=True)
    a, b = "region_citing = region_cited", "region_control = region_cited"
    n, *rest = rel.aggregate(
        "count(*), " + ", ".join(f"count(*) FILTER ({c} IS NULL)" for c in cols)
        + f", count(*) FILTER ({a}), count(*) FILTER ({b}), count(*) FILTER ({a} AND NOT {b}),"
        f" count(*) FILTER ({b} AND NOT {a})").fetchall()[0]
    if n == 0:
        raise BookInputError("matched is empty (0 rows).")
    _check_n_missing(n, dict(zip(cols, rest[:3], strict=True)))
    n_a, n_b, up, down = rest[3:]
    p1, p0 = n_a / n, n_b / n
    mean = (up - down) / n          # pairs differ by +1 (up), -1 (down) or 0
    ss = up * (1 - mean) ** 2 + down * (1 + mean) ** 2 + (n - up - down) * mean ** 2
    return _shares(n, p1, p0, np.sqrt(ss / (n - 1)) / np.sqrt(n), level)


def _shares(n: int, p1: float, p0: float, se_paired: float, level: float) -> Localisation:
    from scipy import stats

    se = np.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / n)   # JTH: independent proportions
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
    # region = number of cumulative shares below a uniform draw; in blocks of patents so that
    # the patents x regions comparison never exists whole (it was 1.9 GB at 4.8 M patents)
    u = g.random(n_patents)
    region = np.empty(n_patents, dtype=np.int64)
    step = max(1, _BLOCK // n_regions)
    for a in range(0, n_patents, step):
        region[a:a + step] = (u[a:a + step, None] > cum[sub[a:a + step]]).sum(axis=1)
    np.clip(region, 0, n_regions - 1, out=region)
    del u
    patents = pd.DataFrame({"patent": np.arange(1, n_patents + 1, dtype=np.int64), "year": year,
                            "region": region, "cls": sub // subclasses, "subcls": sub},
                           copy=False)
    # index of earlier patents per subclass and per (subclass, region): the patents in key
    # order, and "how many keys are below v" (a binary search in the sorted keys; a cumulative
    # count table when the key space is small, same numbers without the cache misses)
    k = sub * n_years + year
    o_sub, below_sub = np.argsort(k, kind="stable"), _count_below(k, F * n_years)
    k = (sub * n_regions + region) * n_years + year
    o_sr, below_sr = np.argsort(k, kind="stable"), _count_below(k, F * n_regions * n_years)
    del k
    m = g.poisson(cites_per_patent, n_patents)
    m[year == 0] = 0
    start = np.concatenate([[0], np.cumsum(m)])           # citations of patent i: start[i]..start[i+1]
    n_cit = int(start[-1])
    # two uniform streams, in this order: the local-branch draw of every citation, then the
    # position of the cited patent; drawn in blocks (the same numbers as one call each)
    local_draw = np.empty(n_cit, dtype=bool)
    for a in range(0, n_cit, _BLOCK):
        local_draw[a:a + _BLOCK] = g.random(min(_BLOCK, n_cit - a)) < theta
    out_citing = np.empty(n_cit, dtype=np.int64)
    out_cited = np.empty(n_cit, dtype=np.int64)
    out_local = np.empty(n_cit, dtype=bool)
    w = 0
    # blocks of whole citing patents, so that duplicated (citing, cited) pairs fall in one block
    cuts = np.unique(np.concatenate([np.searchsorted(start, np.arange(0, n_cit, _BLOCK)),
                                     [n_patents]]))
    for p0, p1 in zip(np.concatenate([[0], cuts[:-1]]), cuts, strict=True):
        c0, c1 = start[p0], start[p1]
        if c1 == c0:
            continue
        # the ranges of earlier patents depend on the citing patent only: search once per
        # patent, then repeat for each of its citations
        mb = m[p0:p1]
        sc, yc = sub[p0:p1], year[p0:p1]
        base_sr = (sc * n_regions + region[p0:p1]) * n_years
        lo_sub, hi_sub, lo_sr, hi_sr = (
            np.repeat(below(v), mb)
            for below, v in ((below_sub, sc * n_years), (below_sub, sc * n_years + yc),
                             (below_sr, base_sr), (below_sr, base_sr + yc)))
        citing = np.repeat(np.arange(p0, p1), mb)
        local = local_draw[c0:c1] & (hi_sr > lo_sr)
        u = g.random(c1 - c0)
        pick_sub = o_sub[np.minimum(lo_sub + (u * (hi_sub - lo_sub)).astype(np.int64),
                                    n_patents - 1)]
        pick_sr = o_sr[np.minimum(lo_sr + (u * (hi_sr - lo_sr)).astype(np.int64), n_patents - 1)]
        ok = hi_sub > lo_sub
        citing, local = citing[ok], local[ok]
        cited = np.where(local, pick_sr[ok], pick_sub[ok])
        # a citing patent cites each patent once: keep the first draw of a repeated pair
        _, first = np.unique((citing - p0) * n_patents + cited, return_index=True)
        first.sort()
        w1 = w + first.size
        out_citing[w:w1] = citing[first] + 1
        out_cited[w:w1] = cited[first] + 1
        out_local[w:w1] = local[first]
        w = w1
    cit = pd.DataFrame({"citing": out_citing[:w], "cited": out_cited[:w],
                        "via_local": out_local[:w]}, copy=False)
    return patents, cit


def _count_below(keys: np.ndarray, size: int):
    """``f(v)`` = number of ``keys`` < ``v`` (= ``np.searchsorted(sorted keys, v)``), keys in [0, size)."""
    if size <= max(4 * keys.size, 1 << 20):
        table = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=size))])
        return table.__getitem__
    ordered = np.sort(keys)
    return lambda v: np.searchsorted(ordered, v)


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
