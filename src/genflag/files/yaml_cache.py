"""Parses of YAML texts kept in the user cache by hash: rule files are parsed on every run, and the same
text always parses the same. The parser (yaml_parse.py, which imports PyYAML) is loaded only when a
text is not in the cache, so most runs never import PyYAML.
"""

from __future__ import annotations

import hashlib
import marshal
import os

from ..errors import GenflagError
from .atomic_write import write_atomic
from .user_cache import user_cache_dir
from .yaml_positions import LocatedYaml

#: Bump when what parse_located returns changes shape.
MARSHAL_VERSION = 1


def load_located_cached(text: str, source: str) -> LocatedYaml:
    """yaml_parse.parse_located, with each parse kept in the user cache under the text's hash.

    The parse is kept with ``marshal`` (plain data only: a document with other types, such as dates,
    is not kept); the cache is the user's own folder, trusted like the validation stamps beside it.
    """
    digest = hashlib.sha256(f"{MARSHAL_VERSION}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
    path = user_cache_dir("yaml", digest)
    try:
        with open(path, "rb") as handle:
            data, positions = marshal.loads(handle.read())
        if isinstance(positions, dict):
            return LocatedYaml(source, data, positions)
    except (OSError, ValueError, EOFError, TypeError):
        pass  # missing, from another Python, or damaged: parse again
    from .yaml_parse import parse_located  # PyYAML only on a cache miss
    doc = parse_located(text, source)
    try:
        blob = marshal.dumps((doc.data, doc.positions))
    except ValueError:
        return doc
    _keep(path, blob)
    return doc


def _keep(path: str, blob: bytes) -> None:
    """Write a cache entry atomically; a read-only cache only costs the time saved."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, blob)
    except (OSError, GenflagError):
        pass
