"""Did-you-mean for the command line: mistyped subcommands, options and option values."""

from __future__ import annotations

import argparse
import re
from difflib import get_close_matches
from typing import Sequence

from ..errors import did_you_mean

_INVALID_CHOICE = re.compile(r"invalid choice: '(?P<value>.*?)' \(choose from (?P<choices>.*)\)$")


def unknown_command(name: str, commands: Sequence[str]) -> str:
    """The message for a subcommand that does not exist."""
    return f"unknown command {name!r}{did_you_mean(name, commands)} (commands: {', '.join(commands)})"


def with_choice_hint(message: str) -> str:
    """Add a did-you-mean to argparse's "invalid choice: 'x' (choose from 'a', 'b')" message."""
    found = _INVALID_CHOICE.search(message)
    if not found:
        return message
    choices = re.findall(r"'([^']*)'", found.group("choices"))
    return message + did_you_mean(found.group("value"), choices)


def unrecognized(extras: Sequence[str], parser: argparse.ArgumentParser) -> str:
    """The message for arguments no parser took, with the closest option of the command for each."""
    options = option_strings(parser)
    parts = []
    for extra in extras:
        word = extra.split("=", 1)[0]
        close = get_close_matches(word, options, n=1, cutoff=0.6) if word.startswith("-") else []
        parts.append(f"{extra} (did you mean {close[0]}?)" if close else extra)
    return "unrecognized arguments: " + " ".join(parts)


def option_strings(parser: argparse.ArgumentParser) -> list[str]:
    """Every long option a parser accepts."""
    return [opt for action in parser._actions for opt in action.option_strings  # noqa: SLF001
            if opt.startswith("--")]


def chosen_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The innermost subcommand parser the parsed arguments selected (the root parser when none)."""
    while True:
        action = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)  # noqa: SLF001
        name = getattr(args, action.dest, None) if action else None
        if action is None or name not in action.choices:
            return parser
        parser = action.choices[name]
