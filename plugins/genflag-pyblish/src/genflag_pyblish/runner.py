"""Run genflag once per instance and keep the result in the instance (validators, extractor and
integrator share it)."""

from __future__ import annotations

from typing import Any

from genflag import api
from genflag.plugins import RunResult

from .inputs import Inputs
from .settings import check_settings

INPUTS_KEY = "genflag"
RUN_KEY = "genflagRun"


def inputs_of(instance: Any) -> Inputs:
    """The instance's genflag inputs (set by CollectGenflagInputs; empty when it did not run)."""
    found = instance.data.get(INPUTS_KEY)
    return found if isinstance(found, Inputs) else Inputs()


def run_for(instance: Any) -> RunResult:
    """The instance's check result: made on first use, then reused."""
    cached = instance.data.get(RUN_KEY)
    if isinstance(cached, RunResult):
        return cached
    inputs = inputs_of(instance)
    settings = check_settings(instance.context.data)
    run = RunResult()
    if inputs.timelines:
        run = api.check_timelines(inputs.timelines, settings)
    if inputs.media:
        media = api.check_media(inputs.media, settings)
        run.results.extend(media.results)
        run.rule_pack = run.rule_pack or media.rule_pack
        run.checked_at = run.checked_at or media.checked_at
    instance.data[RUN_KEY] = run
    return run


def unreadable(run: RunResult) -> list[str]:
    """Every file-level error of the run (missing, unreadable, not a timeline...)."""
    return list(run.errors)
