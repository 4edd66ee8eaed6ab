"""Parse a rule's condition string (`a and (b or not c)`, `1 of by_*`) into a small tree."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Sequence, Union

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([A-Za-z0-9_*]+))")


class ConditionError(ValueError):
    """A condition that does not parse or names an unknown selection."""


@dataclass(frozen=True)
class Sel:
    """A reference to a named selection."""

    name: str


@dataclass(frozen=True)
class Not:
    """Negation."""

    item: "Node"


@dataclass(frozen=True)
class All:
    """Conjunction."""

    items: tuple["Node", ...]


@dataclass(frozen=True)
class Any_:
    """Disjunction."""

    items: tuple["Node", ...]


Node = Union[Sel, Not, All, Any_]


def default_condition(names: Sequence[str]) -> Node:
    """The condition used when a rule gives none: any selection matches."""
    return Any_(tuple(Sel(n) for n in names))


def parse_condition(text: str, names: Sequence[str]) -> Node:
    """Parse a condition over the given selection names."""
    tokens = _tokenize(text)
    parser = _Parser(tokens, list(names), text)
    node = parser.expression()
    if parser.pos < len(tokens):
        raise ConditionError(f"unexpected {tokens[parser.pos]!r} in condition {text!r}")
    return node


def _tokenize(text: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        found = _TOKEN.match(text, pos)
        if not found:
            raise ConditionError(f"unexpected character {text[pos:].lstrip()[:1]!r} in condition {text!r}")
        tokens.append(next(g for g in found.groups() if g))
        pos = found.end()
    if not tokens:
        raise ConditionError("empty condition")
    return tokens


class _Parser:
    def __init__(self, tokens: list[str], names: list[str], text: str) -> None:
        self.tokens, self.names, self.text, self.pos = tokens, names, text, 0

    def peek(self) -> str | None:
        return self.tokens[self.pos].lower() if self.pos < len(self.tokens) else None

    def take(self) -> str:
        if self.pos >= len(self.tokens):
            raise ConditionError(f"condition {self.text!r} ends too early")
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expression(self) -> Node:
        items = [self.conjunction()]
        while self.peek() == "or":
            self.take()
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Any_(tuple(items))

    def conjunction(self) -> Node:
        items = [self.negation()]
        while self.peek() == "and":
            self.take()
            items.append(self.negation())
        return items[0] if len(items) == 1 else All(tuple(items))

    def negation(self) -> Node:
        if self.peek() == "not":
            self.take()
            return Not(self.negation())
        return self.atom()

    def atom(self) -> Node:
        token = self.take()
        if token == "(":
            node = self.expression()
            if self.take() != ")":
                raise ConditionError(f"missing ')' in condition {self.text!r}")
            return node
        if token.lower() in ("1", "any", "all") and self.peek() == "of":
            self.take()
            return self.quantified(token.lower(), self.take())
        if token in (")",) or token.lower() in ("and", "or", "of"):
            raise ConditionError(f"unexpected {token!r} in condition {self.text!r}")
        return self.selection(token)

    def quantified(self, quantifier: str, pattern: str) -> Node:
        chosen = self.names if pattern == "them" else [n for n in self.names if fnmatch.fnmatchcase(n, pattern)]
        if not chosen:
            raise ConditionError(f"'{quantifier} of {pattern}' matches no selection "
                                 f"(selections: {', '.join(self.names)})")
        sels = tuple(Sel(n) for n in chosen)
        return All(sels) if quantifier == "all" else Any_(sels)

    def selection(self, name: str) -> Node:
        if name not in self.names:
            from difflib import get_close_matches
            close = get_close_matches(name, self.names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConditionError(f"condition names unknown selection {name!r}{hint}")
        return Sel(name)


def selections_used(node: Node) -> set[str]:
    """Return the selection names a condition refers to."""
    if isinstance(node, Sel):
        return {node.name}
    if isinstance(node, Not):
        return selections_used(node.item)
    return set().union(*(selections_used(i) for i in node.items))
