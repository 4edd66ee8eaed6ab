"""Shared by the OpenAssetIO tests: fixture paths, a call-counting Manager wrapper, a clean environment."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from genflag.assets.host import CONFIG_ENV_VAR, forget_shared_sessions

FIXTURES = Path(__file__).parent / "fixtures" / "assets"
CONFIG = FIXTURES / "bal_config.toml"
READ_ONLY = FIXTURES / "bal_config_readonly.toml"
MEDIA = FIXTURES / "media"


class CountingManager:
    """Wraps a real OpenAssetIO Manager and counts the calls made to each of its methods."""

    def __init__(self, manager: Any) -> None:
        self._manager = manager
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._manager, name)
        if not callable(attribute):
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attribute(*args, **kwargs)
        return counted


@pytest.fixture(autouse=True)
def clean_asset_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No default manager config from the environment, and no session shared between tests."""
    monkeypatch.delenv(CONFIG_ENV_VAR, raising=False)
    forget_shared_sessions()
    yield
    forget_shared_sessions()
