"""The download path (kind: url) against a loopback HTTP server: success, 404, truncated file,
wrong hash, no network. Nothing half-written stays in the cache."""
import hashlib

import pytest
import yaml

from book import data
from book.errors import DataIntegrityError, DataUnavailableError

PAYLOAD = b"region,industry,emp\nA,x,10\nB,y,20\n"


@pytest.fixture
def url_entry(tmp_path, monkeypatch):
    """Register a temporary url-kind data set; returns a function to set its sha256."""
    reg = tmp_path / "registry"
    reg.mkdir()

    def make(sha):
        doc = {
            "id": "toy_download", "title": "toy", "publisher": "tests", "licence": "CC0",
            "citation": "none", "columns": {"region": {"description": "r"}},
            "obtain": {"kind": "url", "files": {"toy.csv": {
                "url": "https://www.example.invalid/toy.csv", "sha256": sha}}},
        }
        (reg / "toy_download.yaml").write_text(yaml.safe_dump(doc))
        data.registry.cache_clear()

    monkeypatch.setattr(data, "REGISTRY_DIR", reg)
    yield make
    data.registry.cache_clear()


def test_success_with_pinned_hash(url_entry, loopback_server, data_cache):
    base, folder = loopback_server
    (folder / "toy.csv").write_bytes(PAYLOAD)
    url_entry(hashlib.sha256(PAYLOAD).hexdigest())
    path = data.fetch("toy_download", base_url=base)
    assert path.read_bytes() == PAYLOAD
    assert path.parent == data_cache / "toy_download"


def test_trust_on_first_use_records_hash(url_entry, loopback_server, data_cache):
    base, folder = loopback_server
    (folder / "toy.csv").write_bytes(PAYLOAD)
    url_entry(None)
    path = data.fetch("toy_download", base_url=base)
    recorded = (data_cache / "toy_download" / "toy.csv.sha256").read_text().strip()
    assert recorded == hashlib.sha256(PAYLOAD).hexdigest()
    # later corruption of the cached file is detected against the recorded hash
    path.write_bytes(PAYLOAD[:-5])
    with pytest.raises(DataIntegrityError, match="checksum mismatch .*toy.csv.*refetch"):
        data.fetch("toy_download", base_url=base)


def test_404_is_unavailable_and_leaves_nothing(url_entry, loopback_server, data_cache):
    base, _ = loopback_server
    url_entry(None)
    with pytest.raises(DataUnavailableError, match="could not download .*toy.csv"):
        data.fetch("toy_download", base_url=base)
    assert not (data_cache / "toy_download" / "toy.csv").exists()


def test_truncated_or_wrong_file_fails_hash(url_entry, loopback_server, data_cache):
    base, folder = loopback_server
    (folder / "toy.csv").write_bytes(PAYLOAD[:10])  # truncated
    url_entry(hashlib.sha256(PAYLOAD).hexdigest())
    with pytest.raises(DataIntegrityError, match="does not match the recorded sha256"):
        data.fetch("toy_download", base_url=base)
    assert not (data_cache / "toy_download" / "toy.csv").exists()


def test_no_network(url_entry, data_cache):
    url_entry(None)
    # port 9 on loopback: nothing listens, the connection is refused at once
    with pytest.raises(DataUnavailableError, match="offline: place the file at"):
        data.fetch("toy_download", base_url="http://127.0.0.1:9", timeout=2)
    assert not (data_cache / "toy_download" / "toy.csv").exists()


# ---------------------------------------------------------------- unpinned files, HTML, URLs
def test_unpinned_download_refused_without_consent(url_entry, loopback_server, data_cache,
                                                   monkeypatch):
    monkeypatch.delenv("BOOK_ACCEPT_UNPINNED")
    base, folder = loopback_server
    (folder / "toy.csv").write_bytes(PAYLOAD)
    url_entry(None)
    digest = hashlib.sha256(PAYLOAD).hexdigest()
    with pytest.raises(DataIntegrityError, match=f"not pinned.*sha256 is {digest}.*record"):
        data.fetch("toy_download", base_url=base)
    assert not (data_cache / "toy_download" / "toy.csv.sha256").exists()
    # pinning it in the registry makes the same cached file acceptable
    url_entry(digest)
    assert data.fetch("toy_download", base_url=base).read_bytes() == PAYLOAD


def test_file_placed_by_hand_is_hashed(url_entry, data_cache, monkeypatch):
    monkeypatch.delenv("BOOK_ACCEPT_UNPINNED")
    url_entry(hashlib.sha256(PAYLOAD).hexdigest())
    target = data_cache / "toy_download" / "toy.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not the file\n")
    with pytest.raises(DataIntegrityError, match="checksum mismatch"):
        data.fetch("toy_download", base_url="http://127.0.0.1:9")
    url_entry(None)  # unpinned and placed by hand: refused, hash reported
    with pytest.raises(DataIntegrityError, match="not pinned"):
        data.fetch("toy_download", base_url="http://127.0.0.1:9")


def test_html_error_page_with_status_200_is_refused(url_entry, loopback_server, data_cache):
    base, folder = loopback_server
    (folder / "toy.csv").write_bytes(b"<!DOCTYPE html><html><body>Not found</body></html>")
    url_entry(None)
    with pytest.raises(DataUnavailableError, match="HTML page instead of 'toy.csv'"):
        data.fetch("toy_download", base_url=base)
    assert not (data_cache / "toy_download" / "toy.csv").exists()
    assert not (data_cache / "toy_download" / "toy.csv.sha256").exists()


@pytest.mark.parametrize("bad", ["127.0.0.1:8000", "ftp://host/x", "http://", "not a url", ""])
def test_malformed_url_is_reported_as_such(url_entry, data_cache, bad):
    from book.errors import BookInputError

    url_entry(None)
    with pytest.raises(BookInputError, match="malformed URL"):
        data.fetch("toy_download", base_url=bad)


def test_package_checksum_advice_names_force_reinstall(monkeypatch):
    entry = data.entry("us_income")
    spec = dict(entry.files["usjoin.csv"], sha256="0" * 64)
    files = {"usjoin.csv": spec}
    patched = data.Entry(**{**{f: getattr(entry, f) for f in
                               ("id", "title", "publisher", "licence", "citation", "columns")},
                            "obtain": {**entry.obtain, "files": files}})
    monkeypatch.setattr(data, "entry", lambda _id: patched)
    with pytest.raises(DataIntegrityError, match="pip install --force-reinstall --no-deps "
                                                 "libpysal==4.14.1"):
        data.fetch("us_income")


# ---------------------------------------------------------------- bad-input matrix (book.data)
from badinput import BI, case_list, matrix_test  # noqa: E402  (tests/ is on sys.path)

CASES, c = case_list()
c("book.data.check_url", "no scheme", lambda: data.check_url("127.0.0.1:8000/x.csv"), BI,
  "malformed URL")
c("book.data.check_url", "ftp", lambda: data.check_url("ftp://host/x.csv"), BI, "malformed URL")
c("book.data.check_url", "not text", lambda: data.check_url(None), BI, "malformed URL")
c("book.data.used_by", "unknown id", lambda: data.used_by("no_such_data"), BI,
  "unknown data id 'no_such_data'")
c("book.data.used_by", "not a string", lambda: data.used_by(3), BI, "must be a string")
test_bad_input = matrix_test(CASES)
