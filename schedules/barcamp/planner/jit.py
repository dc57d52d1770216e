"""Numba's compiler for the planner's inner loops, typed for mypy.

`compiled` functions run as machine code without the GIL, so annealing chains can run
side by side in threads. The machine code is cached next to the module (or in the
user's cache when that is read-only), so only the first plan on a machine waits for
the compiler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

Function = TypeVar("Function", bound=Callable[..., Any])


def compiled(function: Function) -> Function:
    return cast(Function, numba.njit(cache=True, nogil=True)(function))


def inlined(function: Function) -> Function:
    """`compiled`, and written into its callers: a call that passes tuples of arrays
    costs a reference count update per array, more than a small function's work."""
    return cast(Function, numba.njit(cache=True, nogil=True, inline="always")(function))
