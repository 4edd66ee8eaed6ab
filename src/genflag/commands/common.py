"""Options shared by the commands that check timelines, and the exit-code decision."""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from ..findings import SEVERITY_RANK, RunResult
from ..media_paths import parse_media_root
from ..pipeline import CheckOptions

FAIL_ON = ("info", "warning", "error", "never")


def add_check_options(parser: argparse.ArgumentParser) -> None:
    """Add the options every timeline-checking command takes."""
    group = parser.add_argument_group("checking")
    group.add_argument("--rules", action="append", default=[], metavar="FILE_OR_DIR",
                       help="add a rule file or folder on top of the default pack (repeatable)")
    group.add_argument("--no-default-rules", action="store_true", help="do not load the default rule pack")
    group.add_argument("--adapter", help="OpenTimelineIO adapter name (default: by file extension)")
    group.add_argument("--rate", type=float, help="frame rate for EDLs (default: the adapter's)")
    group.add_argument("--adapter-arg", action="append", default=[], metavar="KEY=VALUE",
                       help="extra keyword argument for the reading adapter, e.g. ignore_timecode_mismatch=true")
    group.add_argument("--no-probe", action="store_true", help="do not read the media files behind clips")
    group.add_argument("--media-root", action="append", default=[], metavar="OLD=NEW",
                       help="remap a media path prefix (repeatable)")
    group.add_argument("--cache-dir", help="media probe cache folder")
    group.add_argument("--asset-config", metavar="TOML",
                       help="OpenAssetIO manager config (default: $OPENASSETIO_DEFAULT_CONFIG when set)")


def check_options(args: argparse.Namespace, **extra: Any) -> CheckOptions:
    """Build CheckOptions from parsed arguments."""
    try:
        roots = [parse_media_root(spec) for spec in args.media_root]
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.rate is not None and not (0 < args.rate < 1000):
        raise UsageError(f"--rate must be a positive frame rate, got {args.rate:g}")
    if args.asset_config:
        from ..assets.host import required_session
        required_session(args.asset_config)  # a broken manager config fails now, with exit 2
        config = dict(extra.pop("config", {}) or {})
        config["assets"] = {"config": args.asset_config, "required": True}
        extra["config"] = config
    return CheckOptions(rules=list(args.rules), include_default_rules=not args.no_default_rules,
                        adapter=args.adapter, rate=args.rate, adapter_args=parse_adapter_args(args.adapter_arg), probe_media=not args.no_probe,
                        media_roots=roots, cache_dir=args.cache_dir, **extra)


def parse_adapter_args(specs: list[str], option: str = "--adapter-arg") -> dict[str, Any]:
    """Parse KEY=VALUE adapter arguments; values are YAML scalars (true, 25, text)."""
    import yaml
    out: dict[str, Any] = {}
    for spec in specs:
        key, sep, raw = spec.partition("=")
        if not sep or not key.isidentifier():
            raise UsageError(f"{option} must be KEY=VALUE, got {spec!r}")
        try:
            value = yaml.safe_load(raw) if raw else ""
        except yaml.YAMLError:
            value = raw
        out[key] = value if isinstance(value, (str, int, float, bool)) else raw
    return out


def exit_code(run: RunResult, fail_on: str) -> int:
    """0 clean, 1 open findings at or above fail_on, 2 when any timeline could not be read."""
    if run.errors:
        return EXIT_USAGE
    if fail_on == "never":
        return EXIT_OK
    threshold = SEVERITY_RANK[fail_on]
    failing = any(f.counts_toward_failure() and SEVERITY_RANK[f.severity] >= threshold for f in run.findings)
    return EXIT_FINDINGS if failing else EXIT_OK
