"""The steps after a check that every checking command shares: --require-media, the consent
registry, and approvals (ledger, tracker sources, role policy). Options and configuration keys:

* ``--require-media`` / ``require_media = true``: unread media becomes an error finding;
* ``--approvals FILE`` / ``approvals = "FILE"`` or ``[approvals] ledger = "FILE"``: the ledger;
* ``--approvals-from NAME`` / ``[approvals] sources = ["kitsu"]``: approvals source plugins,
  with their options from the configuration table of the same name (``[kitsu]``).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..findings import RunResult


def add_post_check_options(parser: argparse.ArgumentParser) -> None:
    """Add --approvals, --approvals-from and --require-media."""
    group = parser.add_argument_group("approvals and delivery")
    group.add_argument("--approvals", metavar="FILE",
                       help="approvals ledger (default: approvals in genflag.toml); see docs/approvals.md")
    group.add_argument("--approvals-from", action="append", default=[], metavar="SOURCE",
                       help="also read approvals from a tracker plugin (e.g. kitsu; repeatable)")
    group.add_argument("--require-media", dest="require_media", action="store_const", const=True, default=None,
                       help="unread media (missing, unreadable, remote) is an error finding media.not_read")


def run_post_check(args: argparse.Namespace, run: RunResult) -> Any:
    """Apply --require-media, the consent registry and approvals to a checked run, in that order;
    return the approval inputs used."""
    from .common import apply_consent_registry
    apply_media_requirement(args, run)
    apply_consent_registry(args, run)
    return apply_approval_step(args, run)


def apply_media_requirement(args: argparse.Namespace, run: RunResult) -> None:
    """Turn unread media into error findings when --require-media (or require_media) is on."""
    from .common import effective
    if effective(args, "require_media", False)[0]:
        from ..check.media_required import require_media
        require_media(run)


def approvals_config(args: argparse.Namespace) -> tuple[Any, str]:
    """The configuration's ``approvals`` value (a ledger path or a table) and where it came from."""
    from .common import project_config
    config = project_config(args)
    return config.get("approvals"), config.sources.get("approvals", "configuration")


def ledger_path(args: argparse.Namespace) -> str | None:
    """The approvals ledger: --approvals, else the configuration's."""
    if getattr(args, "approvals", None):
        return str(args.approvals)
    value, _ = approvals_config(args)
    if isinstance(value, dict):
        return value.get("ledger")
    return str(value) if value else None


def policy(args: argparse.Namespace) -> Any:
    """The [approvals] role policy of the configuration (the default policy when there is none)."""
    from ..approvals.policy import load_policy
    value, source = approvals_config(args)
    return load_policy(value, source)


def source_names(args: argparse.Namespace) -> list[str]:
    """Approvals source plugins: --approvals-from, plus the configuration's sources."""
    value, _ = approvals_config(args)
    configured = list(value.get("sources") or []) if isinstance(value, dict) else []
    return list(dict.fromkeys([*configured, *(getattr(args, "approvals_from", None) or [])]))


def media_options(args: argparse.Namespace) -> Any:
    """Path remaps and cache folder for reading a finding's media (as the check reads them)."""
    from ..approvals.apply import MediaOptions
    from .common import effective, media_roots
    return MediaOptions(roots=media_roots(args), cache_dir=effective(args, "cache_dir", None)[0])


def preflight(args: argparse.Namespace) -> None:
    """Verify the role policy and the ledger before a check: a broken ledger fails at once, exit 2."""
    from ..approvals.ledger import read_ledger
    path = ledger_path(args)
    rules = policy(args)
    if path:
        args._approval_ledger = read_ledger(path, rules.roles, missing_ok=True)


def approval_inputs(args: argparse.Namespace, run: RunResult) -> Any:
    """Read the ledger (verified) and the approvals sources for a checked run."""
    from ..approvals.sources import load_inputs
    from .common import project_config
    config = project_config(args)
    return load_inputs(run, policy(args), ledger_path(args), source_names(args),
                       lambda name: dict(config.get(name) or {}), getattr(args, "_approval_ledger", None))


def apply_approval_step(args: argparse.Namespace, run: RunResult) -> Any:
    """Give every finding its approval state from the ledger and sources (pending without any)."""
    import sys

    from ..approvals.apply import apply_approvals
    inputs = approval_inputs(args, run)
    for warning in inputs.warnings:
        print(warning, file=sys.stderr)
    apply_approvals(run, inputs, media_options(args))
    return inputs
