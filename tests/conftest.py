import os

import pytest
from hypothesis import HealthCheck, settings

import autograd as ag

# CI machines are slow and shared: no per-example deadline, a bounded number of examples
settings.register_profile(
    "agrad", deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "agrad"))


@pytest.fixture
def handed_gradient_dtypes(monkeypatch):
    """The dtypes of the gradients ops hand to ``Tensor._accumulate``, in call order.

    ``accumulate_grad`` casts to the tensor's dtype, so checking ``x.grad.dtype`` alone cannot catch an
    op whose backward computes in float64; this records what the op itself produced.
    """
    seen = []
    accumulate = ag.Tensor.accumulate_grad

    def recording(self, g):
        seen.append(g.dtype)
        return accumulate(self, g)

    monkeypatch.setattr(ag.Tensor, "accumulate_grad", recording)
    return seen


@pytest.fixture(params=ag.available_kernels())
def each_kernel(request):
    """Runs the test once on each kernel implementation (``ag.use_kernels``)."""
    with ag.use_kernels(request.param):
        yield request.param
