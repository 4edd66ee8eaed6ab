"""Where approval records come from: the ledger file, and approvals source plugins (trackers).

A source plugin (entry-point group ``genflag.approvals``, see genflag.plugins.ApprovalSource)
returns records as dicts; each is validated here. Any failure of a source (unreachable, refused,
an invalid record) stops the run with one line and exit 2: a partial read never counts as
"no approvals".
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import GenflagError
from ..findings import RunResult
from .apply import ApprovalInputs
from .model import ApprovalRecord
from .policy import ApprovalPolicy

if TYPE_CHECKING:
    from .ledger import Ledger


class ApprovalSourceFailed(GenflagError):
    """An approvals source could not be read completely (exit 2)."""


def load_inputs(run: RunResult, policy: ApprovalPolicy, ledger_path: str | None,
                source_names: Sequence[str] = (), source_options: Callable[[str], dict[str, Any]] = lambda n: {},
                ledger: Ledger | None = None) -> ApprovalInputs:
    """Read the ledger (verified; ``ledger``: already read) and every named source for a checked run."""
    inputs = ApprovalInputs(policy)
    if ledger_path:
        from .ledger import read_ledger
        inputs.ledger = ledger or read_ledger(ledger_path, policy.roles, missing_ok=True)
        if not os.path.exists(ledger_path):
            inputs.warnings.append(f"{ledger_path}: warning: the approvals ledger does not exist yet: "
                                   "no approval is recorded (`genflag approve` creates it)")
    for name in dict.fromkeys(source_names):
        records = read_source(name, run, source_options(name), inputs.warnings)
        inputs.tracked.extend(records)
        inputs.sources.append({"name": name, "records": len(records)})
    return inputs


def read_source(name: str, run: RunResult, options: dict[str, Any],
                warnings: list[str] | None = None) -> list[ApprovalRecord]:
    """Read one approvals source plugin (its warnings go to ``warnings``); raise ApprovalSourceFailed on any failure."""
    from ..plugins import ApprovalSourceError
    from ..registry import registry
    try:
        source = registry.get("approvals", name)()
    except (KeyError, ImportError) as exc:
        raise ApprovalSourceFailed(str(exc.args[0]) if exc.args else str(exc), f"approvals source {name!r}") from None
    try:
        raw = source.read(run, dict(options))
    except ApprovalSourceError as exc:
        message = str(exc)
        raise ApprovalSourceFailed(message if "no approvals were read" in message
                                   else f"{message}; no approvals were read from it", name) from None
    except Exception as exc:  # a broken plugin must not look like "no approvals"
        raise ApprovalSourceFailed(f"failed: {type(exc).__name__}: {exc}; no approvals were read from it",
                                   name) from None
    if warnings is not None:
        warnings.extend(f"warning: {w}" for w in getattr(source, "warnings", None) or [])
    return [_validated(name, data, n) for n, data in enumerate(raw or [], start=1)]


def _validated(name: str, data: Any, number: int) -> ApprovalRecord:
    where = f"{name}: record {number}"
    if not isinstance(data, dict):
        raise ApprovalSourceFailed(f"not a record but {type(data).__name__}", where)
    from .ledger import record_problem
    data = {**data, "source": data.get("source") or name}
    problem = record_problem(data)
    if problem:
        location = data.get("location")
        raise ApprovalSourceFailed(f"invalid approval record{f' ({location})' if location else ''}: {problem}", where)
    return ApprovalRecord.from_dict(data, str(data.get("location") or where))
