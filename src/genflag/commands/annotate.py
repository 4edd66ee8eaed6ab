"""`genflag annotate` and `genflag strip`: write flags into a timeline, or remove them, safely."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..errors import EXIT_OK, UsageError
from ..pipeline import Checker, no_cyclic_gc
from ..source_file import SourceFile
from ..timeline_io import adapter_for, read_timeline, write_timeline
from ..walk import select_clip_places
from ..writeback.annotate import annotate_object, strip_object
from ..writeback.carriers import prepare_for_format
from ..writeback.splice import splice_writer
from .common import (
    FAIL_ON,
    add_check_options,
    check_options,
    exit_code,
    jobs_option,
    parse_adapter_args,
)


def writer_args(args: argparse.Namespace) -> dict[str, object]:
    """Writer keyword arguments from --writer-arg KEY=VALUE."""
    return parse_adapter_args(args.writer_arg, option="--writer-arg")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register annotate and strip."""
    annotate = subparsers.add_parser("annotate", help="write flags into a timeline as metadata and markers",
                                     description="Check a timeline and write each finding onto its clip. "
                                     "The output format follows OUT's extension. Exit codes: 0 written (or "
                                     "--dry-run), 1 with --fail-on LEVEL: open findings at or above it remain, "
                                     "2 usage error or the timeline could not be read or written.")
    _io_options(annotate)
    add_check_options(annotate)
    annotate.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    annotate.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                          help="2 or more (default: one per CPU): an .otio file's text is scanned by a second "
                               "process while OpenTimelineIO reads it; 1 keeps to one process")
    annotate.add_argument("--fail-on", choices=FAIL_ON, default="never",
                          help="exit 1 when findings at or above this severity remain (default: never)")
    annotate.set_defaults(run=run_annotate)
    strip = subparsers.add_parser("strip", help="remove everything genflag wrote into a timeline",
                                  description="Remove genflag's metadata, markers and comments from a timeline. "
                                  "Exit codes: 0 done (or nothing to remove), 2 usage error or the timeline could "
                                  "not be read or written.")
    _io_options(strip)
    strip.add_argument("--adapter", help="OpenTimelineIO adapter for reading (default: by extension)")
    strip.add_argument("--keep-review", action="store_true", help="keep editors' review marks (genflag.review)")
    strip.add_argument("--dry-run", action="store_true", help="print how many clips would change; write nothing")
    strip.set_defaults(run=run_strip)


def _io_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="IN")
    parser.add_argument("-o", "--output", metavar="OUT", help="output timeline (format by extension)")
    parser.add_argument("--in-place", action="store_true", help="overwrite IN (atomically)")
    parser.add_argument("--backup", action="store_true", help="with --in-place: keep the previous file as IN.bak")
    parser.add_argument("--writer-arg", action="append", default=[], metavar="KEY=VALUE",
                        help="extra keyword argument for the writing adapter, e.g. use_empty_mob_ids=true (AAF) "
                             "or media_policy=MissingIfNotFile (otioz/otiod)")
    parser.add_argument("--full-write", action="store_true",
                        help=".otio to .otio: write the whole timeline with OpenTimelineIO's writer, instead of "
                             "replacing only the changed clips in the input's text")


def _output_path(args: argparse.Namespace) -> str | None:
    if args.in_place and args.output:
        raise UsageError("give either -o OUT or --in-place, not both")
    if args.backup and not args.in_place:
        raise UsageError("--backup only applies with --in-place")
    if args.in_place:
        return args.input
    if not args.output:
        if args.dry_run:
            return None
        raise UsageError("give -o OUT (or --in-place to overwrite the input)")
    if os.path.exists(args.output) and os.path.exists(args.input) and os.path.samefile(args.output, args.input):
        raise UsageError(f"refusing to overwrite the input {args.input}; use --in-place")
    adapter_for(args.output, None, write=True)  # fail early on an extension with no writer
    return args.output


def run_annotate(args: argparse.Namespace) -> int:
    """Annotate IN and write OUT (or print the changes with --dry-run)."""
    out = _output_path(args)
    jobs = jobs_option(args)
    checker = Checker(check_options(args, scan_beside_read=jobs > 1))
    with no_cyclic_gc():  # one timeline, read, annotated and written: nothing to collect before the end
        return _annotate(args, out, checker)


def _annotate(args: argparse.Namespace, out: str | None, checker: Checker) -> int:
    options = checker.options
    scan = checker.quiet_scan(args.input)  # stamps the file before it is read
    source = _splice_source(args, out, options.adapter, scan.source if scan else None)
    obj = read_timeline(args.input, options.adapter, options.rate, adapter_args=options.adapter_args)
    outcome = annotate_object(obj, args.input, checker, scan)
    for warning in outcome.result.warnings:
        print(f"{args.input}: warning: {warning}", file=sys.stderr)
    if args.dry_run:
        for line in outcome.changes:
            print(f"would change {line}")
        print(f"{outcome.changed_clips} clip(s) would change; {len(outcome.result.findings)} finding(s)")
        return EXIT_OK
    if args.in_place and outcome.changed_clips == 0:
        print(f"{out}: {len(outcome.result.findings)} finding(s); unchanged (flags already up to date)")
        return _exit(outcome, args)
    prepare_for_format(obj, out)
    written = write_timeline(obj, out, backup=args.backup, skip_if_same=args.in_place, writer_args=writer_args(args),
                             writer=splice_writer(source, obj, outcome.changed, outcome.result.clips))
    state = f"{outcome.changed_clips} clip(s) changed" if written else "unchanged"
    print(f"{out}: {len(outcome.result.findings)} finding(s) on "
          f"{len({f.clip_index for f in outcome.result.findings})} clip(s); {state}")
    return _exit(outcome, args)


def _splice_source(args: argparse.Namespace, out: str | None, adapter: str | None,
                   stamped: SourceFile | None = None) -> SourceFile | None:
    """The input, stamped before it is read (``stamped``: already), when OUT may be written by
    splicing (writeback/splice.py)."""
    if out is None or args.full_write or args.writer_arg:
        return None
    if adapter_for(args.input, adapter) != "otio_json" or adapter_for(out, None, write=True) != "otio_json":
        return None
    return stamped or SourceFile.before_read(args.input)


def _exit(outcome: "object", args: argparse.Namespace) -> int:
    from ..findings import RunResult
    return exit_code(RunResult([outcome.result]), args.fail_on)  # type: ignore[attr-defined]


def _clip_count(obj: Any) -> int:
    return select_clip_places(obj, ())[1] if hasattr(obj, "tracks") else 0


def run_strip(args: argparse.Namespace) -> int:
    """Remove genflag's metadata and markers from IN, writing OUT."""
    out = _output_path(args)
    source = _splice_source(args, out, args.adapter)
    obj = read_timeline(args.input, args.adapter)
    clips: dict[int, Any] = {}
    changed = strip_object(obj, keep_review=args.keep_review, changed=clips)
    if args.dry_run or out is None:
        print(f"{changed} clip(s) would change")
        return EXIT_OK
    writer = splice_writer(source, obj, clips, _clip_count(obj)) if source else None
    if not write_timeline(obj, out, backup=args.backup, skip_if_same=args.in_place, writer_args=writer_args(args),
                          writer=writer):
        print(f"{args.input}: unchanged (nothing from genflag found)")
        return EXIT_OK
    print(f"{out}: removed genflag marks from {changed} clip(s)")
    return EXIT_OK
