"""Helpers the Kitsu plugin's tests share: whether the Zou server is required, how to skip without it, and
scripts/zou_server.py loaded as a module."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "zou_server.py"


def required() -> bool:
    """Tell whether a missing server must fail the run (CI) instead of skipping."""
    return os.environ.get("GENFLAG_REQUIRE_KITSU", "").strip() not in ("", "0")


def skip_or_fail(reason: str, module_level: bool = False) -> None:
    """Skip with the reason, or fail when GENFLAG_REQUIRE_KITSU is set."""
    if required():
        pytest.fail(f"GENFLAG_REQUIRE_KITSU is set but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=module_level)


def require_plugin() -> None:
    """Skip (or fail) a test module when the plugin or gazu is not installed."""
    try:
        import gazu  # noqa: F401

        import genflag_kitsu  # noqa: F401
    except ImportError as exc:
        skip_or_fail(f"the Kitsu plugin is not installed (pip install -e plugins/genflag-kitsu): {exc}",
                     module_level=True)


def load_script() -> ModuleType:
    """Import scripts/zou_server.py as a module."""
    spec = importlib.util.spec_from_file_location("zou_server", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["zou_server"] = module
    spec.loader.exec_module(module)
    return module
