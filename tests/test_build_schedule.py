"""The reading schedule of the parallel build (book/sphinx_parallel.py): notebooks one per
chunk, longest expected execution first; plain pages packed at the end; nothing lost."""
from __future__ import annotations

from badinput import case_list, matrix_test

from book.errors import BookInputError
from book.sphinx_parallel import memoise_pybtex_plugins, read_chunks

NB = "```{code-cell} ipython3\nx = 1\n```\n"


def test_longest_first_then_plain_pages():
    docs = ["a", "b", "c", "intro", "d", "e"]
    sources = {"a": NB, "b": NB * 3, "c": NB, "d": NB * 5, "intro": "# text", "e": "plain"}
    cached = {"a": 20.0, "c": 3.0}
    chunks = read_chunks(docs, sources, cached, plain_chunk=10)
    # measured pages first by time, then unmeasured ones by cell count, then the plain pages
    assert chunks == [["a"], ["c"], ["d"], ["b"], ["intro", "e"]]


def test_every_document_exactly_once():
    docs = [f"p{i}" for i in range(23)]
    sources = {d: (NB * (i % 4)) for i, d in enumerate(docs)}
    chunks = read_chunks(docs, sources, {"p5": 1.0}, plain_chunk=2)
    flat = [d for ch in chunks for d in ch]
    assert sorted(flat) == sorted(docs)
    assert all(len(ch) == 1 for ch in chunks if sources[ch[0]])


def test_ties_are_reproducible():
    docs = ["z", "y", "x"]
    sources = dict.fromkeys(docs, NB)
    assert read_chunks(docs, sources, {}) == read_chunks(list(reversed(docs)), sources, {})


def test_pybtex_plugins_memoised_to_the_same_classes():
    from importlib.metadata import entry_points

    import pybtex.plugin as pp

    from book.sphinx_parallel import memoise_pybtex_plugins

    assert memoise_pybtex_plugins() >= 2
    for ep in entry_points(group="pybtex.backends"):
        assert pp.find_plugin("pybtex.backends", ep.name) is ep.load()


CASES, c = case_list()
c("book.sphinx_parallel.memoise_pybtex_plugins", "one-string",
  lambda: memoise_pybtex_plugins("pybtex.backends"), BookInputError, "sequence of pybtex")
c("book.sphinx_parallel.read_chunks", "zero-chunk",
  lambda: read_chunks(["a"], {"a": ""}, {}, plain_chunk=0), BookInputError, "positive integer")
c("book.sphinx_parallel.read_chunks", "duplicate-doc",
  lambda: read_chunks(["a", "a"], {"a": ""}, {}), BookInputError, "twice")
test_bad_input = matrix_test(CASES)
