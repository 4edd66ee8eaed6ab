"""`genflag probe MEDIA...`: print every fact each probe finds in media files."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from ..errors import EXIT_OK, EXIT_USAGE, UsageError
from ..media.probe_runner import DEFAULT_JOBS, MediaTarget, ProbeRunner, RunnerOptions
from ..safe_text import json_dumps, terminal
from ..timeline.media_paths import parse_media_root


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the probe subcommand."""
    parser = subparsers.add_parser(
        "probe", help="print the provenance facts found in media files",
        description="Print every fact each media probe (c2pa, xmp, png, exif, exr, dpx, sidecar, comp) finds, "
                    "so you can see what rules can match. MEDIA may be a path, a file:// URL or an "
                    "image-sequence pattern (shot.####.exr, shot.%%04d.exr). A comp script (Nuke .nk, "
                    "ComfyUI workflow .json) is also followed upstream: its ingredients are probed and "
                    "comp.verdict and comp.chain say what was found. Exit codes: 0 every file was read, 2 a "
                    "file is missing, not a regular file or not local (the others are still printed).")
    parser.add_argument("media", nargs="+", metavar="MEDIA", help="media files, file:// URLs or sequence patterns")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--media-root", action="append", default=[], metavar="OLD=NEW",
                        help="remap a path prefix (repeatable; adds to the project's media_roots)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the probe cache")
    parser.add_argument("--cache-dir", metavar="DIR",
                        help="probe cache directory (default: the project's cache_dir, else $XDG_CACHE_HOME/genflag)")
    parser.add_argument("--jobs", "-j", type=int, default=DEFAULT_JOBS, help=f"probe threads (default: {DEFAULT_JOBS})")
    parser.add_argument("--samples", type=int, default=3, help="frames probed per image sequence (default: 3)")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Probe the media and print the facts; return the exit code."""
    options = _options(args)
    targets = [MediaTarget(m) for m in args.media]
    with ProbeRunner(options) as runner:
        results = runner.run(targets)
        _trace_comp_scripts(runner, results, args)
    rows = [(t.url, results[t]) for t in dict.fromkeys(targets)]
    if args.format == "json":
        render_json(rows, runner.warnings, sys.stdout)
    else:
        render_text(rows, runner.warnings, sys.stdout)
    sys.stdout.flush()
    errors = [line for target, facts in rows if (line := not_read(target, facts))]
    for line in errors:
        print(line, file=sys.stderr)
    return EXIT_USAGE if errors else EXIT_OK


def not_read(target: str, facts: dict[str, Any]) -> str | None:
    """An error line when the media could not be read (missing, not a regular file, not local), else None."""
    if facts.get("media.missing"):
        what = "no frame of this sequence exists" if facts.get("media.sequence") else "no such file"
        return f"{target}: error: {what}"
    if facts.get("media.unreadable"):
        return f"{target}: error: {facts['media.unreadable']}"
    return None


def _trace_comp_scripts(runner: ProbeRunner, results: dict[MediaTarget, dict[str, Any]],
                        args: argparse.Namespace) -> None:
    """Comp scripts among the files: follow their ingredients upstream for the verdict and chains."""
    from ..comp.trace_collector import trace_probed_scripts
    from .settings import project_config
    trace_probed_scripts(runner, results, project_config(args).values)


def _options(args: argparse.Namespace) -> RunnerOptions:
    from .settings import effective, project_config

    try:
        roots = [parse_media_root(spec) for spec in args.media_root]
    except ValueError as exc:
        raise UsageError(f"--media-root: {exc}") from None
    roots += list(project_config(args).get("media_roots", {}).items())
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    if args.samples < 1:
        raise UsageError(f"--samples must be at least 1, got {args.samples}")
    return RunnerOptions(media_roots=roots, cache_dir=effective(args, "cache_dir", None)[0], use_cache=not args.no_cache,
                         jobs=args.jobs, samples=args.samples)


def ordered(facts: dict[str, Any]) -> list[tuple[str, Any]]:
    """Return facts with media.* first, then by name."""
    return sorted(facts.items(), key=lambda kv: (not kv[0].startswith("media."), kv[0]))


def render_text(rows: list[tuple[str, dict[str, Any]]], warnings: list[str], out: TextIO) -> None:
    """Print one block per media file: its name, then `fact: value` lines."""
    for index, (target, facts) in enumerate(rows):
        if index:
            out.write("\n")
        out.write(f"{terminal(target, 1000)}\n")
        for key, value in ordered(facts):
            out.write(f"  {terminal(key, 200)}: {_text_value(value)}\n")
    for warning in warnings:
        out.write(f"warning: {terminal(warning, 1000)}\n")


def render_json(rows: list[tuple[str, dict[str, Any]]], warnings: list[str], out: TextIO) -> None:
    """Print {"media": [{"target", "facts"}], "warnings": [...]} as JSON."""
    document = {"media": [{"target": t, "facts": dict(ordered(f))} for t, f in rows], "warnings": warnings}
    out.write(json_dumps(document, indent=2, default=str) + "\n")


def _text_value(value: Any) -> str:
    """A fact's value on one terminal line: text as it is (quoted when padded), the rest as JSON."""
    if isinstance(value, str):
        return terminal(json.dumps(value, ensure_ascii=False) if value != value.strip() else value, 2000)
    return terminal(json_dumps(value, default=str), 2000)
