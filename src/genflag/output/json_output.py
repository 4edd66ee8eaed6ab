"""JSON output: one document described by schemas/findings.schema.json."""

from __future__ import annotations

import json
from typing import IO

from ..findings import RunResult
from ..plugins import OutputFormat


class JsonOutput(OutputFormat):
    """The whole run as one JSON document."""

    name = "json"
    description = "one JSON document (schemas/findings.schema.json)"

    def render(self, run: RunResult, stream: IO[str]) -> None:
        """Write the run as indented JSON."""
        json.dump(run.to_dict(), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
