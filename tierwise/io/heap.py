"""Handing the C heap's freed memory back to the system."""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # a C library without it
        return None


def give_back() -> None:
    """Return the free pages of the C heap to the system (glibc's `malloc_trim`; a
    no-op elsewhere). calamine parses a sheet into millions of small blocks and frees
    them all once the cells are in polars; glibc would keep those pages resident for
    allocations polars, which has its own allocator, never makes: about 70 MB at 100k
    partners, carried through the scoring and the writing."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
