"""Write ``<media>.genflag.json`` sidecars that record what a check found (schemas/sidecar.schema.json).

The sidecar probe (probes/sidecar.py) reads every key of such a file, so a later check of the
same media (or of a copy that lost its embedded metadata in a transcode) sees the generator
(``sidecar.generator``) and the IPTC digital source type (``sidecar.digital_source_type`` feeds
``iptc.*``) without the original provenance. A sidecar that genflag did not write is never replaced.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable

from ..findings import SEVERITY_RANK, Finding

SIDECAR_SCHEMA = "genflag.sidecar"
SIDECAR_SCHEMA_VERSION = 1
SIDECAR_SUFFIX = ".genflag.json"
#: IPTC digital source type recorded per finding category (the first matching prefix wins).
SOURCE_TYPES = (("generative.edit", "compositeWithTrainedAlgorithmicMedia"),
                ("likeness.", "compositeWithTrainedAlgorithmicMedia"),
                ("generative.", "trainedAlgorithmicMedia"))


class SidecarRefused(Exception):
    """A sidecar that exists and was not written by genflag: left as it is."""


def sidecar_document(findings: Iterable[Finding], checked_at: str, rule_pack: str, writer: str) -> dict[str, Any]:
    """The sidecar for one media file from the findings genflag made on it (none: a clean record)."""
    found = list(findings)
    generative = [f for f in found if source_type(f.category)]
    worst = max((f.severity for f in found), key=SEVERITY_RANK.__getitem__, default=None)
    document: dict[str, Any] = {
        "schema": SIDECAR_SCHEMA, "schema_version": SIDECAR_SCHEMA_VERSION, "written_by": writer,
        "genflag": {"status": _status(found), "checked_at": checked_at, "rule_pack": rule_pack,
                    "rules": _unique(f.rule for f in found), "severity": worst,
                    "categories": _unique(f.category for f in found),
                    "requires": _unique(r for f in found if f.status == "open" for r in f.requires)}}
    if generative:
        document["generator"] = "; ".join(_unique(f.tool for f in generative if f.tool)) or None
        document["vendor"] = "; ".join(_unique(f.vendor for f in generative if f.vendor)) or None
        document["digital_source_type"] = _strongest_source_type(generative)
    return {k: v for k, v in document.items() if v is not None}


def source_type(category: str) -> str | None:
    """The IPTC digital source type a finding's category stands for (None: not generative)."""
    return next((term for prefix, term in SOURCE_TYPES if category.startswith(prefix)), None)


def _strongest_source_type(findings: list[Finding]) -> str:
    terms = {source_type(f.category) for f in findings}
    return "trainedAlgorithmicMedia" if "trainedAlgorithmicMedia" in terms else "compositeWithTrainedAlgorithmicMedia"


def _status(findings: list[Finding]) -> str:
    if not findings:
        return "clean"
    return "flagged" if any(f.status == "open" for f in findings) else "cleared"


def _unique(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(v for v in values if v is not None))


def write_sidecar(media_path: str, document: dict[str, Any]) -> str:
    """Write the sidecar next to ``media_path`` atomically; refuse to replace one genflag did not write."""
    from ..files.atomic_write import write_atomic
    path = os.fspath(media_path) + SIDECAR_SUFFIX
    if os.path.lexists(path) and not _written_by_genflag(path):
        raise SidecarRefused(f"{path}: a sidecar genflag did not write is there; left unchanged")
    write_atomic(path, json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return path


def _written_by_genflag(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("schema") == SIDECAR_SCHEMA
