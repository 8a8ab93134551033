"""An optimizer's per-parameter state values (``exp_avg``, ``step``, ...): how ``step`` hands
them to an update rule, and how ``state_dict`` copies and ``load_state_dict`` restores them."""

import numpy as np


def float_to_array(v):
    """A Python float state value as a 0-d float64 array, for an update rule working in place."""
    return np.array(v, dtype=np.float64) if isinstance(v, float) else v


def array_to_float(v):
    """The inverse of ``float_to_array``: 0-d arrays back to Python numbers."""
    return float(v) if isinstance(v, (np.ndarray, np.generic)) else v


def copy_value(v):
    """A copy that shares no memory with the optimizer (for ``state_dict``)."""
    if isinstance(v, np.ndarray):
        return v.copy()
    if isinstance(v, list):
        return list(v)
    return v


def restore_buffer(owner, p, index, key, v):
    """A saved state value, copied into the form the update rule expects for ``p``."""
    if v is None:
        return None
    if key == "step":
        step = np.asarray(v).item()
        return int(step) if float(step).is_integer() else step
    if not isinstance(p.value, np.ndarray):
        if np.size(v) != 1:
            raise ValueError(f"{owner}.load_state_dict: state[{index}][{key!r}] has shape {np.shape(v)}, "
                             "its parameter is a Scalar")
        return float(np.asarray(v).reshape(()))
    array = np.array(v, dtype=p.value.dtype)
    if array.shape != p.value.shape:
        raise ValueError(
            f"{owner}.load_state_dict: state[{index}][{key!r}] has shape {array.shape}, "
            f"its parameter has shape {p.value.shape}"
        )
    return array
