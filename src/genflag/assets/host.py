"""genflag's OpenAssetIO host: the HostInterface, one manager session, and batched calls.

The manager is chosen the standard OpenAssetIO way: a TOML file named by ``--asset-config``
or by ``$OPENASSETIO_DEFAULT_CONFIG``::

    [manager]
    identifier = "org.openassetio.examples.manager.bal"

    [manager.settings]
    library_path = "${config_dir}/bal_library.json"

Manager plugins are found by OpenAssetIO's own plugin system (``openassetio.manager_plugin``
entry points and ``$OPENASSETIO_PLUGIN_PATH``, Python and C++ plugins alike).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openassetio import constants, log
from openassetio.errors import InputValidationException
from openassetio.hostApi import HostInterface, Manager, ManagerFactory
from openassetio.pluginSystem import (
    CppPluginSystemManagerImplementationFactory,
    HybridPluginSystemManagerImplementationFactory,
    PythonPluginSystemManagerImplementationFactory,
)

from ..errors import ConfigError
from ..safe_text import describe_exception

#: Environment variable OpenAssetIO reads the default manager configuration from.
CONFIG_ENV_VAR: str = ManagerFactory.kDefaultManagerConfigEnvVarName
HOST_IDENTIFIER = "org.genflag.host"
NOT_CONFIGURED = (f"no asset manager configured: set {CONFIG_ENV_VAR} to an OpenAssetIO "
                  "manager config (TOML) or pass --asset-config")
_Severity = log.LoggerInterface.Severity
#: Consecutive single-item retries that may raise before the rest of a batch is given up.
_RETRY_GIVE_UP = 3


class GenflagHost(HostInterface):
    """Identifies genflag to asset managers."""

    def identifier(self) -> str:
        """Return genflag's host identifier."""
        return HOST_IDENTIFIER

    def displayName(self) -> str:  # noqa: N802 - OpenAssetIO's method name
        """Return the name managers show for genflag."""
        return "genflag"


class CollectingLogger(log.LoggerInterface):
    """Keeps OpenAssetIO's warnings and errors (e.g. plugin import failures); drops debug chatter."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[int, str]] = []

    def log(self, severity: Any, message: str) -> None:
        """Record a message at warning level or above."""
        if int(severity) >= int(_Severity.kWarning):
            self.messages.append((int(severity), message))

    def isSeverityLogged(self, severity: Any) -> bool:  # noqa: N802 - OpenAssetIO's method name
        """Tell OpenAssetIO to skip building messages below warning level."""
        return int(severity) >= int(_Severity.kWarning)

    def errors(self) -> list[str]:
        """Return each logged error as one line: its first line and the exception that ended it."""
        return [_error_summary(text) for level, text in self.messages if level >= int(_Severity.kError)]


@dataclass(frozen=True)
class BatchFailure:
    """Why one element of a batched manager call failed (never raised, always returned)."""

    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else self.message


@dataclass
class AssetSession:
    """A loaded manager and the OpenAssetIO Context genflag uses with it for one run."""

    manager: Any
    context: Any
    config_path: str
    logger: CollectingLogger = field(default_factory=CollectingLogger)

    @property
    def identifier(self) -> str:
        """Return the manager's identifier."""
        return str(self.manager.identifier())

    @property
    def display_name(self) -> str:
        """Return the manager's display name."""
        return str(self.manager.displayName())

    def reference_prefix(self) -> str | None:
        """Return the prefix every entity reference of this manager starts with, if it says."""
        prefix = self.manager.info().get(constants.kInfoKey_EntityReferencesMatchPrefix)
        return prefix if isinstance(prefix, str) and prefix else None

    def has_capability(self, name: str) -> bool:
        """Return whether the manager has a host-facing capability, e.g. ``kPublishing``."""
        capability = getattr(Manager.Capability, name, None)
        return bool(capability is not None and self.manager.hasCapability(capability))


def configured_path(explicit: str | None = None) -> str | None:
    """Return the manager config to use: the explicit path, else $OPENASSETIO_DEFAULT_CONFIG, else None."""
    path = explicit if explicit else os.environ.get(CONFIG_ENV_VAR, "").strip()
    return os.path.abspath(path) if path else None


def open_session(config_path: str | None = None, required: bool = False) -> AssetSession | None:
    """Load the configured manager; None when none is configured (ConfigError when required)."""
    path = configured_path(config_path)
    if path is None:
        if required:
            raise ConfigError(NOT_CONFIGURED)
        return None
    if not os.path.isfile(path):
        raise ConfigError("no such asset manager config" if not os.path.exists(path)
                          else "asset manager config is not a file", path)
    logger = CollectingLogger()
    factory = implementation_factory(logger)
    try:
        manager = ManagerFactory.defaultManagerForInterface(path, GenflagHost(), factory, logger)
    except Exception as exc:  # OpenAssetIO and plugins raise anything: OSError, ValueError...
        raise ConfigError(_load_failure(exc, factory, logger), path) from exc
    if manager is None:
        raise ConfigError("the config names no asset manager", path)
    return AssetSession(manager, manager.createContext(), path, logger)


def implementation_factory(logger: Any) -> Any:
    """Return OpenAssetIO's hybrid plugin factory: C++ and Python manager plugins."""
    return HybridPluginSystemManagerImplementationFactory(
        [CppPluginSystemManagerImplementationFactory(logger),
         PythonPluginSystemManagerImplementationFactory(logger)], logger)


_SHARED: dict[tuple[str | None, ...], AssetSession] = {}


def shared_session(config_path: str | None = None, required: bool = False) -> AssetSession | None:
    """Return this process's session for a config, opening it once (check and publish share it)."""
    path = configured_path(config_path)
    key = (path, os.environ.get("OPENASSETIO_PLUGIN_PATH"))
    session = _SHARED.get(key)
    if session is None:
        session = open_session(path, required)
        if session is not None:
            _SHARED[key] = session
    return session


def required_session(config_path: str | None = None) -> AssetSession:
    """Return the shared session for a config; ConfigError when none is configured or it fails to load."""
    session = shared_session(config_path, required=True)
    if session is None:
        raise ConfigError(NOT_CONFIGURED)
    return session


def forget_shared_sessions() -> None:
    """Drop every cached session (tests; a long-lived process reloading its config)."""
    _SHARED.clear()


def call_batch(call: Callable[[list[Any], Callable[..., None], Callable[..., None]], None],
               items: Sequence[Any], retry_singly: bool = True) -> list[Any]:
    """Run one batched manager call; each item gets its result or a BatchFailure, never an exception.

    ``call(items, on_success, on_error)`` must invoke the manager method once. If the manager
    raises mid-batch, items it had not answered are retried one by one when ``retry_singly``
    (safe for reads) or marked failed (writes: never repeat a registration).
    """
    results: list[Any] = [_PENDING] * len(items)
    try:
        _call_into(call, list(items), list(range(len(items))), results)
    except Exception as exc:  # a manager that raises instead of calling errorCallback
        pending = [i for i, value in enumerate(results) if value is _PENDING]
        if retry_singly:
            _retry_singly(call, items, pending, results)
        else:
            failure = BatchFailure("managerException", f"not attempted: the manager raised mid-batch: {describe_exception(exc)}")
            for index in pending:
                results[index] = failure
    missing = BatchFailure("noResult", "the manager returned no result")
    return [missing if value is _PENDING else value for value in results]


_PENDING = object()


def _call_into(call: Callable[..., None], items: list[Any], indices: list[int], results: list[Any]) -> None:
    def succeeded(index: int, value: Any) -> None:
        results[indices[index]] = value

    def failed(index: int, error: Any) -> None:
        results[indices[index]] = BatchFailure(error_code_name(error.code), str(error.message))

    call(items, succeeded, failed)


def _retry_singly(call: Callable[..., None], items: Sequence[Any], pending: list[int], results: list[Any]) -> None:
    raised = 0
    for position, index in enumerate(pending):
        try:
            _call_into(call, [items[index]], [index], results)
            raised = 0
        except Exception as exc:
            results[index] = BatchFailure("managerException", f"the manager raised {describe_exception(exc)}")
            raised += 1
            if raised >= _RETRY_GIVE_UP:
                gave_up = BatchFailure("managerException", f"not attempted: the manager keeps raising: {describe_exception(exc)}")
                for rest in pending[position + 1:]:
                    results[rest] = gave_up
                return


def error_code_name(code: Any) -> str:
    """Return a BatchElementError code as OpenAssetIO prints it, e.g. ``entityResolutionError``."""
    name = getattr(code, "name", str(code))
    if name.startswith("k") and len(name) > 1:
        name = name[1].lower() + name[2:]
    return name


def _error_summary(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else ""
    return f"{lines[0].rstrip(':')}: {lines[-1]}"


def _load_failure(exc: BaseException, factory: Any, logger: CollectingLogger) -> str:
    found = re.search(r"No plug-in registered with the identifier '([^']*)'", str(exc))
    if isinstance(exc, InputValidationException) and found:
        return _unknown_manager(found.group(1), factory, logger)
    return f"the configured asset manager failed to load: {describe_exception(exc)}"


def _unknown_manager(identifier: str, factory: Any, logger: CollectingLogger) -> str:
    if not identifier:
        message = "the config names no manager: add [manager] identifier = \"...\""
    else:
        try:
            known = ", ".join(sorted(factory.identifiers())) or "none"
        except Exception:  # listing is a courtesy: never mask the real error
            known = "unknown"
        message = f"no OpenAssetIO manager plugin '{identifier}' is installed (installed: {known})"
    plugin_errors = logger.errors()
    if plugin_errors:
        message += "; plugins that failed to load: " + " | ".join(plugin_errors)
    return message
