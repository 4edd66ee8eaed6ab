"""Audio probe: text tags of WAV, MP3 and FLAC files (title, artist, comment, software, URLs, bext, iXML, AIGC).

Music and voice generators leave their names in tags: Suno writes an ID3 comment "made with suno;
created=...; id=..." and a ``WOAS`` URL ``https://suno.com/song/<id>``; exports carry ``TSSE`` /
``ISFT`` software strings and Broadcast Wave ``bext`` originators. China's AIGC label is an
``AIGC`` RIFF chunk, an ID3 ``TXXX:AIGC`` frame or a Vorbis ``AIGC`` comment. M4A files are read
by the mp4 probe.
"""

from __future__ import annotations

import os
from typing import Any

from ...plugins import MediaProbe
from . import aigc
from .audio_meta import read_flac, read_id3_file, read_riff
from .generators import clip
from .sniff import sniff

NAMED = ("title", "artist", "comment", "software", "encoded_by", "url", "description", "originator",
         "originator_reference", "coding_history", "ixml", "album", "genre", "copyright", "publisher", "composer",
         "engineer", "subject", "product", "vendor", "lyrics")
MAX_TAG_FACTS = 200
_FORMATS = ("wav", "mp3", "flac")


class AudioTagProbe(MediaProbe):
    """Read WAV / MP3 / FLAC text tags without decoding audio."""

    name = "audio"
    version = "1"
    description = "WAV LIST/INFO, bext, iXML, AIGC; MP3 ID3v2 frames; FLAC Vorbis comments"

    def accepts(self, path: str, head: bytes) -> bool:
        """Accept WAV, MP3 (ID3v2) and FLAC files."""
        return sniff(head) in _FORMATS

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        """Return audio.* facts."""
        fmt = sniff(head)
        with open(path, "rb") as fp:
            if fmt == "wav":
                tags = read_riff(fp, os.fstat(fp.fileno()).st_size)
            elif fmt == "mp3":
                tags = read_id3_file(fp)
            else:
                tags = read_flac(fp)
        return tag_facts(tags)


def tag_facts(tags: list[tuple[str, str]]) -> dict[str, Any]:
    """Facts of (name, text) tags: audio.tags, audio.<well-known name>, audio.aigc.*."""
    named: dict[str, list[str]] = {}
    facts: dict[str, Any] = {}
    for name, value in tags:
        lowered = name.lower()
        if lowered in NAMED:
            named.setdefault(lowered, []).append(clip(value, 2000 if lowered in ("ixml", "lyrics") else 500))
        if lowered == "aigc" or value.lstrip().startswith("{"):
            facts.update(aigc.facts_from_text(value, "audio"))
    facts.update({f"audio.{k}": _one_or_list(v) for k, v in named.items()})
    listed = [f"{clip(name, 100)}: {clip(value, 500)}" for name, value in tags]
    if listed:
        facts["audio.tags"] = list(dict.fromkeys(listed))[:MAX_TAG_FACTS]
    return facts


def _one_or_list(values: list[str]) -> str | list[str]:
    unique = list(dict.fromkeys(values))
    return unique[0] if len(unique) == 1 else unique
