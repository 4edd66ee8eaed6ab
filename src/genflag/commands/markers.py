"""`genflag markers CUT --for avid|resolve|premiere [-o FILE]`: a marker list an editor imports.

One marker per finding at the clip's record timecode, coloured by severity (cleared and approved
findings green), with the rule and message in its comment and a stable key. Import steps per NLE
are in README.md ("For editors") and docs/markers.md.

Exit codes: 0 written or printed, 1 only with --fail-on LEVEL (open findings at or above it),
2 the cut could not be read or the output exists (without --force), 3 internal error.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..check.batch import limits_for
from ..check.checker import Checker
from ..markerlists.export import (
    FORMATS,
    MarkerRequest,
    add_marker_options,
    check_output,
    marker_list_for,
    render,
    write_marker_file,
)
from ..timeline.read import read_timeline
from .isolated_command import isolated
from .options import FAIL_ON, add_check_options
from .outcome import exit_code
from .settings import check_options, post_check


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the markers subcommand."""
    parser = subparsers.add_parser("markers", help="write a marker list for Avid, Resolve or Premiere",
                                   description=__doc__)
    parser.add_argument("input", metavar="CUT", help="the cut (any timeline format genflag reads)")
    parser.add_argument("--for", dest="nle", required=True, choices=sorted(FORMATS),
                        help="avid (marker list .txt), resolve (marker EDL), premiere (FCP 7 XML)")
    parser.add_argument("-o", "--output", metavar="FILE", help="marker file to write (default: print it)")
    parser.add_argument("--force", action="store_true", help="replace FILE when it exists")
    parser.add_argument("--fail-on", choices=FAIL_ON, default="never",
                        help="exit 1 when findings at or above this severity remain (default: never)")
    add_marker_options(parser)
    add_check_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the cut, then print or write its marker list; say what was assumed on stderr."""
    request = MarkerRequest(args.nle, args.output, args.start, args.timecode, args.force)
    if args.output:
        check_output(args.output, args.input, args.force)  # before the check, which may be slow
    checker = Checker(check_options(args))
    return isolated(args.input, lambda: _markers(args, request, checker), limits_for(checker.options, 1))


def _markers(args: argparse.Namespace, request: MarkerRequest, checker: Checker) -> int:
    """Read and check the cut, then print or write its marker list (in the child process)."""
    options = checker.options
    obj = read_timeline(args.input, options.adapter, options.rate, adapter_args=options.adapter_args)
    result = checker.check_object(obj, args.input)
    run_result = _as_run(result)
    post_check(args).apply_consents(run_result)
    marker_list = marker_list_for(obj, args.input, result.findings, request)
    for note in [*result.warnings, *marker_list.notes]:
        print(f"{args.input}: warning: {note}", file=sys.stderr)
    if args.output:
        write_marker_file(marker_list, request, args.input)
        print(f"{args.output}: {len(marker_list.markers)} marker(s) for {args.nle}")
    else:
        sys.stdout.write(render(marker_list, args.nle))
    return exit_code(run_result, args.fail_on)


def _as_run(result: Any) -> Any:
    from ..findings import RunResult
    return RunResult([result])
