import os

from hypothesis import HealthCheck, settings

# CI machines are slow and shared: no per-example deadline, a bounded number of examples
settings.register_profile(
    "agrad", deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "agrad"))
