"""genflag as an OpenAssetIO host: loading the configured manager (the real BAL plugin) and its errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("openassetio_manager_bal", reason="openassetio-manager-bal is not installed")

from genflag.assets.host import (
    CONFIG_ENV_VAR,
    BatchFailure,
    call_batch,
    forget_shared_sessions,
    open_session,
    shared_session,
)
from genflag.errors import ConfigError

#: BAL itself still uses the unversioned VersionTrait view (its own deprecation, not genflag's).
pytestmark = pytest.mark.filterwarnings("ignore:Unversioned trait view classes:DeprecationWarning")

FIXTURES = Path(__file__).parent / "fixtures" / "assets"
CONFIG = FIXTURES / "bal_config.toml"
BAL = "org.openassetio.examples.manager.bal"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in (CONFIG_ENV_VAR, "OPENASSETIO_PLUGIN_PATH", "OPENASSETIO_DISABLE_ENTRYPOINTS_PLUGINS",
                 "BAL_LIBRARY_PATH"):
        monkeypatch.delenv(name, raising=False)
    forget_shared_sessions()
    yield
    forget_shared_sessions()


def write_config(folder: Path, identifier: str, settings: str = "") -> Path:
    path = folder / "manager.toml"
    path.write_text(f'[manager]\nidentifier = "{identifier}"\n\n[manager.settings]\n{settings}', encoding="utf-8")
    return path


def test_when_config_names_bal_then_the_plugin_loads_through_openassetio_discovery() -> None:
    session = open_session(str(CONFIG))
    assert session is not None
    assert session.identifier == BAL
    assert session.reference_prefix() == "bal:///"
    assert session.has_capability("kResolution") and session.has_capability("kPublishing")
    assert session.manager.isEntityReferenceString("bal:///sh010_comp")


def test_when_entry_point_plugins_are_disabled_then_bal_is_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    # Proves genflag finds BAL through OpenAssetIO's plugin system, never by importing it itself.
    monkeypatch.setenv("OPENASSETIO_DISABLE_ENTRYPOINTS_PLUGINS", "1")
    with pytest.raises(ConfigError) as caught:
        open_session(str(CONFIG))
    assert f"no OpenAssetIO manager plugin '{BAL}' is installed (installed: none)" in str(caught.value)
    assert str(caught.value).startswith(str(CONFIG))


def test_when_nothing_is_configured_then_no_session_and_required_is_a_config_error() -> None:
    assert open_session() is None
    with pytest.raises(ConfigError) as caught:
        open_session(required=True)
    assert CONFIG_ENV_VAR in str(caught.value) and "--asset-config" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_when_env_var_names_a_config_then_it_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONFIG_ENV_VAR, str(CONFIG))
    session = open_session()
    assert session is not None and session.config_path == str(CONFIG)


def test_when_config_file_is_missing_then_one_line_error_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as caught:
        open_session(str(missing))
    assert str(caught.value) == f"{missing}: error: no such asset manager config"


def test_when_identifier_is_unknown_then_error_lists_installed_managers(tmp_path: Path) -> None:
    config = write_config(tmp_path, "com.example.nosuchmanager")
    with pytest.raises(ConfigError) as caught:
        open_session(str(config))
    message = str(caught.value)
    assert "no OpenAssetIO manager plugin 'com.example.nosuchmanager' is installed" in message
    assert BAL in message


def test_when_config_has_no_identifier_then_error_says_so(tmp_path: Path) -> None:
    config = tmp_path / "empty.toml"
    config.write_text("[other]\nkey = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"names no manager: add \[manager\] identifier"):
        open_session(str(config))


def test_when_manager_plugin_fails_to_import_then_error_carries_the_import_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = tmp_path / "plugins" / "broken_manager"
    plugin.mkdir(parents=True)
    (plugin / "__init__.py").write_text("import genflag_tests_module_that_does_not_exist\n", encoding="utf-8")
    monkeypatch.setenv("OPENASSETIO_PLUGIN_PATH", str(plugin.parent))
    config = write_config(tmp_path, "org.genflag.tests.broken")
    with pytest.raises(ConfigError) as caught:
        open_session(str(config))
    message = str(caught.value)
    assert "plugins that failed to load" in message
    assert "ModuleNotFoundError: No module named 'genflag_tests_module_that_does_not_exist'" in message
    assert "\n" not in message


def test_when_manager_fails_to_initialise_then_error_names_config_and_cause(tmp_path: Path) -> None:
    config = write_config(tmp_path, BAL, 'library_path = "${config_dir}/missing_library.json"\n')
    with pytest.raises(ConfigError) as caught:
        open_session(str(config))
    message = str(caught.value)
    assert message.startswith(f"{config}: error: the configured asset manager failed to load: FileNotFoundError")
    assert "missing_library.json" in message


def test_when_library_json_is_corrupt_then_config_error_not_traceback(tmp_path: Path) -> None:
    (tmp_path / "library.json").write_text('{"entities": ', encoding="utf-8")
    config = write_config(tmp_path, BAL, 'library_path = "${config_dir}/library.json"\n')
    with pytest.raises(ConfigError, match="failed to load: JSONDecodeError"):
        open_session(str(config))


def test_when_toml_is_malformed_then_config_error(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[manager\nidentifier = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Error parsing config file"):
        open_session(str(config))


def test_shared_session_is_one_manager_per_config_until_forgotten() -> None:
    first = shared_session(str(CONFIG))
    assert shared_session(str(CONFIG)) is first
    forget_shared_sessions()
    assert shared_session(str(CONFIG)) is not first


def test_when_a_write_batch_raises_midway_then_unanswered_items_fail_and_are_not_retried() -> None:
    attempts: list[list[str]] = []

    def register(items: list[str], ok, fail) -> None:  # type: ignore[no-untyped-def]
        attempts.append(list(items))
        ok(0, items[0] + "?v=2")
        raise RuntimeError("connection reset\ndetails")

    results = call_batch(register, ["a", "b", "c"], retry_singly=False)
    assert attempts == [["a", "b", "c"]]
    assert results[0] == "a?v=2"
    assert all(isinstance(r, BatchFailure) and "RuntimeError: connection reset" in r.message for r in results[1:])


def test_when_a_read_batch_keeps_raising_then_retries_stop_after_three() -> None:
    attempts: list[list[int]] = []

    def resolve(items: list[int], ok, fail) -> None:  # type: ignore[no-untyped-def]
        attempts.append(list(items))
        raise RuntimeError("server down")

    results = call_batch(resolve, list(range(10)))
    assert len(attempts) == 1 + 3
    assert all(isinstance(r, BatchFailure) for r in results)
    assert "keeps raising" in results[-1].message
