"""JSON output: one document described by schemas/findings.schema.json (escaped as output/safe_text.py says)."""

from __future__ import annotations

from typing import IO

from ..findings import RunResult
from ..plugins import OutputFormat
from ..safe_text import json_dumps


class JsonOutput(OutputFormat):
    """The whole run as one JSON document."""

    name = "json"
    description = "one JSON document (schemas/findings.schema.json)"

    def render(self, run: RunResult, stream: IO[str]) -> None:
        """Write the run as indented JSON."""
        stream.write(json_dumps(run.to_dict(), indent=2) + "\n")
