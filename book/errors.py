"""Exception types used across :mod:`book`.

Every public helper raises one of these (never ``SystemExit`` or a bare library error) with
a message saying what was wrong *and how to fix it*.
"""
from __future__ import annotations


class BookInputError(ValueError):
    """An argument passed to a helper is invalid (shape, sign, ids, parameter range...)."""


class DataUnavailableError(RuntimeError):
    """A registered data set cannot be obtained (package missing, offline, file absent)."""


class DataIntegrityError(RuntimeError):
    """A data file exists but its checksum or schema does not match the registry."""


class LedgerError(RuntimeError):
    """A published target is unknown, duplicated or recorded inconsistently."""
