"""Optimizer and scheduler state dicts as flat ``{name: array}`` dicts, for ``.npz`` files
(saved with ``np.savez``, loaded with ``allow_pickle=False``: nothing is pickled).

Keys, after an optional ``prefix`` such as ``"optimizer."``:

    state.<i>.<name>          buffer ``name`` of parameter i (``state.0.exp_avg``); numbers
                              such as ``step`` become 0-d arrays
    param_groups.<g>.params   int64 array: the indices of group g's parameters
    param_groups.<g>.<option> 0-d array for a number or bool (``lr``), 1-d for a tuple (``betas``)
    <key>                     any other entry (a scheduler's ``last_epoch``, ``base_lrs``, ...):
                              0-d array for a number, 1-d for a list

``unflatten_state_dict`` inverts it: buffers stay arrays (``load_state_dict`` casts them to
their parameter's dtype), every other array turns back into Python numbers and lists, so a
saved and reloaded state resumes training bit for bit.
"""

import numpy as np


def flatten_state_dict(state_dict, prefix=""):
    """``{prefix + key: array}`` for an optimizer's or scheduler's ``state_dict()``."""
    arrays = {}
    for key, value in state_dict.items():
        if key == "state" and isinstance(value, dict):
            for index, buffers in value.items():
                for name, buffer in buffers.items():
                    arrays[f"{prefix}state.{int(index)}.{name}"] = _to_array(f"state.{index}.{name}", buffer)
        elif key == "param_groups" and isinstance(value, list):
            for g, group in enumerate(value):
                for option, setting in group.items():
                    where = f"param_groups.{g}.{option}"
                    if option == "params":
                        arrays[prefix + where] = np.asarray(setting, dtype=np.int64).reshape(-1)
                    else:
                        arrays[prefix + where] = _to_array(where, setting)
        else:
            arrays[prefix + str(key)] = _to_array(str(key), value)
    return arrays


def unflatten_state_dict(arrays, prefix=""):
    """The state dict ``flatten_state_dict`` flattened: reads the keys that start with
    ``prefix`` (others, such as a model's weights in the same file, are ignored)."""
    keys = [k for k in arrays if k.startswith(prefix)]
    if not keys:
        raise ValueError(f"unflatten_state_dict: no key starts with {prefix!r}")
    state, groups, rest = {}, {}, {}
    for full_key in keys:
        key = full_key[len(prefix):]
        value = np.asarray(arrays[full_key])
        if value.dtype == object:
            raise ValueError(f"unflatten_state_dict: {full_key!r} is an object array; refusing to load it")
        parts = key.split(".", 2)
        if parts[0] == "state" and len(parts) == 3:
            state.setdefault(_index(full_key, parts[1]), {})[parts[2]] = np.array(value)
        elif parts[0] == "param_groups" and len(parts) == 3:
            group = groups.setdefault(_index(full_key, parts[1]), {})
            group[parts[2]] = [int(i) for i in value.reshape(-1)] if parts[2] == "params" else _to_python(value)
        else:
            rest[key] = _to_python(value)
    if groups:
        if sorted(groups) != list(range(len(groups))):
            raise ValueError(
                f"unflatten_state_dict: param_groups numbered {sorted(groups)}, expected 0..{len(groups) - 1}"
            )
        rest["state"] = state
        rest["param_groups"] = [groups[g] for g in range(len(groups))]
    elif state:
        raise ValueError("unflatten_state_dict: 'state.*' keys without any 'param_groups.*'")
    return rest


def _to_array(where, value):
    if value is None or isinstance(value, dict):
        raise TypeError(f"flatten_state_dict: {where} is {type(value).__name__}, which an .npz cannot hold")
    array = np.array(value)
    if array.dtype.kind not in "biufU":  # objects would need pickling; text is a scheduler's mode name
        raise TypeError(f"flatten_state_dict: {where} = {value!r} is not a number, bool or text")
    return array


def _to_python(array):
    return array.item() if array.ndim == 0 else array.tolist()


def _index(key, text):
    if not text.isdigit():
        raise ValueError(f"unflatten_state_dict: {key!r}: expected an integer index, got {text!r}")
    return int(text)
