"""Loaders, one module per data family; each registers functions with :func:`book.data.loader`."""
