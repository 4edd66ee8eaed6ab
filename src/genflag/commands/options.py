"""The command-line options the checking commands share, declared once: checking, rule selection,
consent, approvals and delivery, and where a report's run comes from. What each resolves to (with the
project configuration) is settings.py's job."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from ..errors import UsageError
from ..rules.strength import TIERS

FAIL_ON = ("info", "warning", "error", "never")


def add_check_options(parser: argparse.ArgumentParser) -> None:
    """Add the options every timeline-checking command takes."""
    group = parser.add_argument_group("checking")
    group.add_argument("--rules", action="append", default=[], metavar="FILE_OR_DIR",
                       help="add a rule file or folder on top of the default pack (repeatable)")
    group.add_argument("--no-default-rules", dest="default_rules", action="store_const", const=False,
                       default=None, help="do not load the default rule pack")
    group.add_argument("--select", action="append", default=None, metavar="RULES",
                       help="run only these rules: ids, or id or category prefixes (genai, likeness, "
                            "genai.video.runway), comma-separated; replaces the configured select")
    group.add_argument("--ignore", action="append", default=None, metavar="RULES",
                       help="do not run these rules (ids or prefixes, comma-separated; the more specific of "
                            "--select and --ignore wins); replaces the configured ignore")
    group.add_argument("--adapter", help="OpenTimelineIO adapter name (default: by file extension)")
    group.add_argument("--rate", type=float, help="frame rate for EDLs (default: the adapter's)")
    group.add_argument("--adapter-arg", action="append", default=[], metavar="KEY=VALUE",
                       help="extra keyword argument for the reading adapter, e.g. ignore_timecode_mismatch=true")
    group.add_argument("--no-probe", dest="probe", action="store_const", const=False, default=None,
                       help="do not read the media files behind clips")
    group.add_argument("--media-root", action="append", default=[], metavar="OLD=NEW",
                       help="remap a media path prefix (repeatable)")
    group.add_argument("--cache-dir", help="media probe cache folder")
    group.add_argument("--evaluate-all", action="store_true",
                       help="evaluate every rule on every clip, without the prefilter (same results, slower; "
                            "for comparison)")
    group.add_argument("--timeout", type=float, metavar="SECONDS",
                       help="stop checking a timeline after this long and report it (default 900)")
    group.add_argument("--memory-limit", metavar="SIZE",
                       help="memory one timeline's check may use, e.g. 8GiB (default: 80%% of the machine's, "
                            "shared by the jobs running at once)")
    group.add_argument("--min-evidence", choices=TIERS, default=None, metavar="TIER",
                       help="report only findings whose evidence is at least TIER: possible (everything, the default), "
                            "named, metadata or declared")
    group.add_argument("--asset-config", metavar="TOML",
                       help="OpenAssetIO manager config (default: $OPENASSETIO_DEFAULT_CONFIG when set)")
    add_consent_options(parser)
    add_post_check_options(parser)


def add_consent_options(parser: argparse.ArgumentParser) -> None:
    """Add --consents, --project and --as-of."""
    group = parser.add_argument_group("consent")
    group.add_argument("--consents", metavar="FILE",
                       help="consent registry (YAML or CSV): likeness findings without valid consent become errors")
    group.add_argument("--project", help="project name matched against consent scopes")
    group.add_argument("--as-of", metavar="YYYY-MM-DD", type=as_of_date,
                       help="date consent must be valid on (default: the check date)")


def add_post_check_options(parser: argparse.ArgumentParser) -> None:
    """Add --approvals, --approvals-from and --require-media."""
    group = parser.add_argument_group("approvals and delivery")
    group.add_argument("--approvals", metavar="FILE",
                       help="approvals ledger (default: approvals in genflag.toml); see docs/approvals.md")
    group.add_argument("--approvals-from", action="append", default=[], metavar="SOURCE",
                       help="also read approvals from a tracker plugin (e.g. kitsu; repeatable)")
    group.add_argument("--require-media", dest="require_media", action="store_const", const=True, default=None,
                       help="unread media (missing, unreadable, remote) is an error finding media.not_read")


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """Add what says where a report's run comes from: timelines to check, or a saved check result."""
    parser.add_argument("timelines", nargs="*", metavar="TIMELINE", help="timeline files, folders or globs")
    parser.add_argument("--from-json", metavar="FILE",
                        help="use a saved `genflag check --format json` result instead of checking timelines")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip matching paths")
    add_check_options(parser)


def as_of_date(text: str) -> date:
    """argparse type for --as-of: a YYYY-MM-DD date, checked whether or not a consent registry is given."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def parse_adapter_args(specs: list[str], option: str = "--adapter-arg") -> dict[str, Any]:
    """Parse KEY=VALUE adapter arguments; values are YAML scalars (true, 25, text)."""
    if not specs:
        return {}
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
