"""Hypothesis profiles for the fuzz tests (tests/test_fuzz.py), loaded by conftest.py.

- ``ci`` (the default, what ``.ci/run`` uses): a few examples per target, derandomised (the same
  examples every run, so CI never flakes) and no example database; the whole fuzz module stays
  well under 30 s on 2 cores.
- ``long`` (``GENFLAG_FUZZ=long``, or ``pytest --hypothesis-profile=long``): thousands of random
  examples per target, for a fuzzing session; failures are saved in .hypothesis/ and replayed.

Every example also runs under a hard time limit (test_fuzz.time_limit): a hang is a failure.
"""

from __future__ import annotations

import os
import sys

from hypothesis import HealthCheck, settings

#: Seconds one example may take before it counts as a hang.
EXAMPLE_SECONDS = {"ci": 20, "long": 60}
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture,
          HealthCheck.large_base_example, HealthCheck.filter_too_much]

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=_QUIET,
                          print_blob=True)


def active_profile() -> str:
    """The profile to load: GENFLAG_FUZZ=long selects ``long``; anything else ``ci``."""
    return "long" if os.environ.get("GENFLAG_FUZZ", "").strip().lower() == "long" else "ci"


if not any(arg.startswith("--hypothesis-profile") for arg in sys.argv):  # the command line's choice wins
    settings.load_profile(active_profile())
