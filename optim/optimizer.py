"""``optim.Optimizer``: parameter groups, per-parameter state, ``zero_grad``, ``step`` and
``state_dict``, shared by SGD, Adam, AdamW and RMSprop (PyTorch's ``torch.optim.Optimizer``).

A parameter is an ``ag.Tensor`` / ``nn.Parameter`` (``value`` is a NumPy array, ``has_grad`` is
False until one flows) or an ``ag.Scalar`` (``value`` and ``grad`` are floats, the
lecture's ``Optimizer(model.parameters, lr)``). Each optimizer writes its update rule once, as
plain array arithmetic in ``_update(param, grad, state, group)``, updating ``param`` and the
state arrays in place. A Tensor's array is updated in place (it keeps its identity and dtype);
a Scalar goes through a 0-d float64 array, which rounds exactly like Python floats, and its
state is kept as floats between steps.
"""

import numbers

import numpy as np

from autograd.arrays import as_array
from autograd.engine import enable_grad
from optim.state_values import array_to_float, copy_value, float_to_array, restore_buffer


class Optimizer:
    """Base class: holds ``param_groups`` (a list of dicts, each with ``'params'`` and the
    options such as ``'lr'``) and ``state`` (a dict: parameter -> dict of its buffers).

    ``params``: an iterable of Tensors or Scalars, of ``(name, param)`` pairs, or of dicts
    (param groups: ``{'params': [...], 'lr': 0.1}``; options not given take ``defaults``).
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self._check_options(self.defaults)
        self.state = {}
        self.param_groups = []
        if _is_param(params) or isinstance(params, (dict, str)):
            raise TypeError(
                f"{self._name()}: params should be an iterable of Tensors, Scalars or dicts, "
                f"got a single {type(params).__name__}; wrap it in a list"
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(f"{self._name()}: params must be an ordered collection (a list), not a set")
        try:
            groups = list(params)
        except TypeError:
            raise TypeError(
                f"{self._name()}: params should be an iterable of Tensors, Scalars or dicts, "
                f"got {type(params).__name__}"
            ) from None
        if not groups:
            raise ValueError(f"{self._name()}: optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def _name(self):
        return type(self).__name__

    # -- to be provided by each optimizer ---------------------------------------------------
    def _check_options(self, options):
        """Raise ValueError/TypeError for a bad option value (called for defaults and groups)."""

    def _update(self, param, grad, state, group):
        """Update ``param`` (an array, in place) from ``grad`` and ``state`` (dict of arrays)."""
        raise NotImplementedError(f"{self._name()} does not implement _update")

    # -- groups -----------------------------------------------------------------------------
    def add_param_group(self, param_group):
        """Add a group of parameters with its own options (missing options take ``defaults``).

        Useful to train a layer with a different learning rate, or to unfreeze one later.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"{self._name()}: a param group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{self._name()}: a param group needs a 'params' entry, got keys {sorted(param_group)}")
        group = dict(param_group)
        params = group["params"]
        if _is_param(params):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{self._name()}: params must be an ordered collection (a list), not a set")
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError(f"{self._name()}: give either all parameters with names or none")
            group["param_names"] = names
        for param in params:
            if not _is_param(param):
                raise TypeError(
                    f"{self._name()}: can only optimize Tensors or Scalars, "
                    f"but one of the params is {type(param).__name__}"
                )
            if getattr(param, "inputs", ()):
                raise ValueError(
                    f"{self._name()}: can't optimize a non-leaf Tensor (the result of {param.op!r}); "
                    "optimize the leaves it was computed from"
                )
        group["params"] = params
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self._check_options(group)

        ids = [id(p) for p in params]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self._name()}: a parameter group lists the same parameter twice")
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        if taken.intersection(ids):
            raise ValueError(f"{self._name()}: some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    # -- the training-loop API --------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Forget the gradients: Tensors' become None (the default, like PyTorch; the next
        step skips a parameter nothing flowed into) or zeros with ``set_to_none=False``;
        Scalars' become 0.0 (the lecture's ``param.grad = 0.0``)."""
        for group in self.param_groups:
            for p in group["params"]:
                if not isinstance(p.value, np.ndarray):
                    p.grad = 0.0
                elif set_to_none:
                    p.grad = None
                elif _has_grad(p):
                    p.grad = np.zeros_like(p.value)

    def step(self, closure=None):
        """Update every parameter that has a gradient; return ``closure()`` if one is given
        (a function that recomputes the loss, running its backward)."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if isinstance(p.value, np.ndarray):
                    if not _has_grad(p):
                        continue
                    grad = _as_grad_array(p.grad, p.value, self._name())
                    state = self.state.get(p, {})
                    self._update(p.value, grad, state, group)
                else:
                    state = {k: float_to_array(v) for k, v in self.state.get(p, {}).items()}
                    param = np.array(p.value, dtype=np.float64)
                    self._update(param, np.float64(p.grad), state, group)
                    p.value = float(param)
                    state = {k: array_to_float(v) for k, v in state.items()}
                if state:
                    self.state[p] = state
        return loss

    # -- saving and resuming --------------------------------------------------------------
    def state_dict(self):
        """The optimizer's state as plain data, PyTorch's layout::

            {'state': {0: {'step': 3, 'exp_avg': array, ...}, 1: {...}},
             'param_groups': [{'lr': 0.001, 'betas': (0.9, 0.999), ..., 'params': [0, 1]}]}

        Parameters are numbered in group order; only parameters that have state appear in
        ``'state'``. Arrays are copies (later steps do not change a saved dict); a Scalar's
        state values are floats. ``optim.flatten_state_dict`` turns it into named arrays for
        an ``.npz`` file.
        """
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy_value(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[index[id(p)]] = {k: copy_value(v) for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Load what ``state_dict()`` returned (for an optimizer over the same parameters, in
        the same order): options per group and every buffer, so training resumes exactly.

        Buffers are copied and cast to their parameter's dtype; a wrong number of groups or
        parameters, or a buffer of the wrong shape, raises ValueError before anything changes.
        """
        name = self._name()
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            raise ValueError(f"{name}.load_state_dict: expected a dict with 'state' and 'param_groups'")
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: the saved state has {len(saved_groups)} parameter groups, "
                f"this optimizer has {len(self.param_groups)}"
            )
        by_index = {}
        new_groups = []
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            saved_params = [int(k) for k in saved["params"]]
            if len(saved_params) != len(group["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: parameter group {i} has {len(saved_params)} parameters "
                    f"in the saved state and {len(group['params'])} here"
                )
            by_index.update(zip(saved_params, group["params"]))
            new_group = {k: self._restore_option(k, v) for k, v in saved.items() if k != "params"}
            for key, default in self.defaults.items():
                new_group.setdefault(key, default)
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            new_group["params"] = group["params"]
            self._check_options(new_group)
            new_groups.append(new_group)
        new_state = {}
        for index, saved in state_dict["state"].items():
            if int(index) not in by_index:
                raise ValueError(f"{name}.load_state_dict: state for parameter {index}, which is in no group")
            p = by_index[int(index)]
            new_state[p] = {k: restore_buffer(name, p, index, k, v) for k, v in saved.items()}
        self.state = new_state
        self.param_groups = new_groups

    def _restore_option(self, key, value):
        if isinstance(value, np.ndarray):
            value = value.item() if value.ndim == 0 else value.tolist()
        if isinstance(self.defaults.get(key), tuple) and isinstance(value, list):
            value = tuple(value)
        return value

    def __repr__(self):
        lines = [f"{self._name()} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {key}: {group[key]}" for key in sorted(group) if key not in ("params", "param_names")]
        return "\n".join([*lines, ")"])


# -- argument checks shared by the optimizers ---------------------------------------------
def check_number(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a real number, got {type(value).__name__} {value!r}")


def check_non_negative(owner, what, name, value):
    """``value >= 0`` (NaN fails too), else ``ValueError('SGD: Invalid learning rate: lr=-1 ...')``."""
    check_number(owner, name, value)
    if not value >= 0.0:
        raise ValueError(f"{owner}: Invalid {what}: {name}={value!r} (expected {name} >= 0)")


# -- helpers ------------------------------------------------------------------------------
def _is_param(x):
    # the class is asked, not x: reading a Tensor's `grad` would allocate zeros
    return hasattr(x, "value") and (hasattr(type(x), "grad") or hasattr(x, "grad")) and (
        isinstance(x.value, (np.ndarray, numbers.Real))
    )


def _has_grad(p):
    """A Tensor's ``has_grad`` (reading its ``grad`` would make zeros); else ``grad is not None``."""
    return p.has_grad if hasattr(type(p), "has_grad") else p.grad is not None


def _as_grad_array(grad, value, owner):
    # after backward(create_graph=True) the gradient is a Tensor: the step uses its values
    grad = as_array(grad, f"{owner}.step", "grad")
    if grad.shape != value.shape:
        raise ValueError(f"{owner}.step: gradient of shape {grad.shape} for a parameter of shape {value.shape}")
    return grad if grad.dtype == value.dtype else grad.astype(value.dtype)
