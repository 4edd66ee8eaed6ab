"""Command-line entry point: argument parsing and the only place that exits.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage / rule-file / unreadable-timeline
error, 3 internal error (traceback written to a log file whose path is printed).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from . import __version__
from .errors import EXIT_INTERNAL, EXIT_USAGE, GenflagError, ProblemsError, UsageError, program_error
from .safe_text import terminal

#: The subcommands each module registers: a run imports only its own command's module (a test
#: keeps this table equal to what the modules register).
COMMANDS = {
    "check": "genflag.commands.check", "rules": "genflag.commands.rules_cmd", "probe": "genflag.commands.probe",
    "annotate": "genflag.commands.annotate", "strip": "genflag.commands.annotate", "diff": "genflag.commands.diff",
    "report": "genflag.commands.report", "credits": "genflag.commands.credits",
    "publish": "genflag.commands.publish", "merge": "genflag.commands.merge",
    "config": "genflag.commands.config_cmd", "plugins": "genflag.commands.plugins_cmd",
    "approve": "genflag.commands.approve", "approvals": "genflag.commands.approvals_cmd",
    "deliver": "genflag.commands.deliver",
    "markers": "genflag.commands.markers",
}
#: Subcommand modules, each with add_parser(subparsers), in the order help lists them.
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors on one line (``genflag: error: ...``) with exit code 2."""

    def error(self, message: str) -> "NoReturn":  # type: ignore[name-defined]  # noqa: F821
        from .commands.cli_suggest import with_choice_hint
        see = f" (see '{self.prog} --help')" if self.prog != "genflag" else ""
        self.exit(EXIT_USAGE, program_error(terminal(with_choice_hint(message) + see, 1000)) + "\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Build the parser with every available subcommand, or only ``command``'s module's ones."""
    parser = _Parser(prog="genflag", description="Find generative-AI clips in editorial timelines.")
    parser.add_argument("--version", action="version", version=f"genflag {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for module_name in [COMMANDS[command]] if command in COMMANDS else COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:  # an optional command whose dependency is missing
            print(f"genflag: warning: command module {module_name} unavailable: {exc}", file=sys.stderr)
            continue
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run genflag; return the exit code (the console script exits with it)."""
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        return int(_run(argv))
    except GenflagError as exc:
        print(error_text(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("genflag: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_broken_pipe()
        return 0
    except Exception as exc:
        return _internal_error(exc)


def error_text(exc: GenflagError) -> str:
    """The error for stderr: one line per problem, every name in it escaped (a file name with a line
    break cannot add a line)."""
    if isinstance(exc, ProblemsError):
        return "\n".join(terminal(problem, 2000) for problem in exc.problems)
    return terminal(exc, 2000)


def _run(argv: list[str]) -> int:
    """Parse (with did-you-mean for a mistyped command or option) and run the command."""
    from .commands.cli_suggest import chosen_parser, unknown_command, unrecognized
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        raise UsageError(unknown_command(argv[0], list(COMMANDS)))
    parser = build_parser(argv[0] if argv else None)
    args, extras = parser.parse_known_args(argv)
    if extras:
        chosen = chosen_parser(parser, args)
        chosen.error(unrecognized(extras, chosen))
    return int(args.run(args))


def _silence_broken_pipe() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


def _internal_error(exc: BaseException) -> int:
    from .check.crash_log import write_crash_log
    log_path = write_crash_log(exc)
    where = f"traceback written to {log_path}" if log_path else "and the traceback could not be written"
    print(f"genflag: internal error: {type(exc).__name__}: {terminal(exc, 500)}; {terminal(where, 500)}; "
          "please report it", file=sys.stderr)
    return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
