"""``nn.Parameter``: the Tensor a Module learns."""

from autograd.tensor import Tensor, as_array


class Parameter(Tensor):
    """A leaf Tensor that requires grad; assigning one to a Module attribute registers it.

    ``Parameter(data)``: ``data`` is a floating-point array (or Tensor, whose array is shared,
    as PyTorch shares storage). An integer or bool array raises ``TypeError``: such a parameter
    could never receive a gradient. To freeze a parameter set ``p.requires_grad = False``.
    """

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        value = as_array(data, "Parameter")
        if value.dtype.kind != "f":
            raise TypeError(
                f"Parameter: needs a floating-point array, got dtype {value.dtype} "
                "(convert it first, e.g. np.asarray(data, dtype=np.float32))"
            )
        super().__init__(value, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
