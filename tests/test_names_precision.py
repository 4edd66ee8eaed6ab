"""Bare tool names in clip names and media paths: a labelled precision / recall test of the default pack.

positive.tsv: a bare, ambiguous tool token or a common short form, in the context where the tool is
used (a VFX shot for a video model, a music cue on a music track for a music generator, a still or a
texture for an image model): each must give a `possible` finding (at most a warning) from the
expected rule. traps.tsv: the word inside another word, a person's or place's name, a brand, a
fictional name, an ordinary word: no finding from any rule.

Measured: before issue 17 the pack found none of the 27 positives with the right rule (it said nothing
without the tool-specific spelling; one was flagged by an unrelated rule) and nothing on the traps;
now 27 of 27 as `possible`, still nothing on the 52 traps.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from genflag.check.engine import Engine
from genflag.facts.view import Facts
from genflag.rules.pack import load_pack
from genflag.rules.strength import severity_of, strength_of

NAMES = Path(__file__).resolve().parent / "data" / "names"
RECALL_FLOOR = 27 / 27


def cases(name: str) -> list[dict[str, str]]:
    with open(NAMES / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def facts_of(row: dict[str, str]) -> dict[str, str]:
    facts = {"clip.name": row["clip_name"], "track.name": row["track_name"], "track.kind": row["track_kind"]}
    if row["media_target"]:
        facts["media.target"] = row["media_target"]
    return facts


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_pack())


def test_bare_tool_names_in_context_give_possible_findings(engine: Engine) -> None:
    positives = cases("positive.tsv")
    missed = []
    for row in positives:
        view = Facts(None, facts_of(row))
        match = next((m for m in engine.evaluate(view) if m.rule.id == row["rule"]), None)
        if match is None or strength_of(match.rule, match, view) != row["strength"]:
            missed.append(row["clip_name"] or row["media_target"])
    recall = (len(positives) - len(missed)) / len(positives)
    print(f"\nnames recall: {len(positives) - len(missed)}/{len(positives)} = {recall:.0%}")
    assert recall >= RECALL_FLOOR, missed


def test_a_possible_finding_is_at_most_a_warning_and_says_what_the_name_says(engine: Engine) -> None:
    row = cases("positive.tsv")[0]
    match = next(m for m in engine.evaluate(Facts(None, facts_of(row))) if m.rule.id == row["rule"])
    from genflag.rules.strength import message_for
    assert match.rule.severity == "error" and severity_of(match.rule, match) == "warning"
    assert message_for(match.rule, match) == "possibly {tool} (the name says 'sora'; no other evidence)"


def test_traps_get_no_finding_from_any_rule(engine: Engine) -> None:
    traps = cases("traps.tsv")
    flagged = [(row["clip_name"], [m.rule.id for m in engine.evaluate(Facts(None, facts_of(row)))]) for row in traps]
    flagged = [item for item in flagged if item[1]]
    print(f"\nnames precision traps: {len(traps) - len(flagged)}/{len(traps)} clean")
    assert flagged == []
