"""Small value checks shared by the topic modules."""

from __future__ import annotations

from typing import Any

import numpy as np


def is_int(value: Any) -> bool:
    """True for a whole number that is not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def is_df(value: Any) -> bool:
    """True for a document-frequency bound: an integer >= 1 or a share in (0, 1]."""
    if is_int(value):
        return bool(value >= 1)
    return isinstance(value, float) and 0.0 < value <= 1.0


def check_random_state(value: Any, where: str) -> None:
    """A :class:`ModelError` unless ``value`` is None or an integer from 0 to 2**32 - 1."""
    from policytext.errors import ModelError

    if value is not None and not (is_int(value) and 0 <= value < 2**32):
        raise ModelError(
            f"{where}: random_state must be None or an integer from 0 to 2**32 - 1; got {value!r}"
        )
