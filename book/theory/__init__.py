"""Theoretical models solved numerically and checked against their closed forms."""
