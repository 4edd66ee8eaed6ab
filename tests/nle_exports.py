"""Build editorial exports that carry an effect: Resolve OTIO, Premiere FCP 7 XML, Avid AAF, OTIO.

Resolve and Premiere exports start from real files (tests/data/corpus/timelines-nle, see SOURCES.md):
the effect is added in the shape the tool itself writes (a copy of a real Resolve effect with its
name changed; a Premiere <filter> element). AAF files are written by OpenTimelineIO's AAF adapter
and given an OperationGroup with pyaaf2, the library that adapter reads AAF with.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from pathlib import Path
from xml.sax.saxutils import escape

import opentimelineio as otio

from tests.helpers import make_clip, make_timeline

NLE_DATA = Path(__file__).resolve().parent / "data" / "corpus" / "timelines-nle"
RESOLVE_OTIO = NLE_DATA / "resolve_effects_trimmed.otio"
PREMIERE_XML = NLE_DATA / "premiere_example.xml"


def resolve_otio(folder: Path, effect_name: str) -> tuple[str, str]:
    """Resolve's own export with one clip given a Resolve effect named ``effect_name``; (path, clip name)."""
    data = json.loads(RESOLVE_OTIO.read_text(encoding="utf-8"))
    clips = [c for t in data["tracks"]["children"] for c in t["children"] if c["OTIO_SCHEMA"].startswith("Clip")]
    template = next(e for c in clips for e in c.get("effects", []) if e["metadata"]["Resolve_OTIO"]["Name"] == "Transform")
    effect = copy.deepcopy(template)
    effect["metadata"]["Resolve_OTIO"].update({"Effect Name": effect_name, "Name": effect_name, "Parameters": []})
    target = clips[0]
    target.setdefault("effects", []).append(effect)
    path = folder / "resolve.otio"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path), target["name"]


def premiere_xml(folder: Path, name: str, effectid: str | None = None) -> tuple[str, str]:
    """Premiere's own FCP 7 XML export with a <filter> on its first clip item; (path, clip name)."""
    text = PREMIERE_XML.read_text(encoding="utf-8")
    effect = (f"<filter><effect><name>{escape(name)}</name><effectid>{escape(effectid or name)}</effectid>"
              "<effectcategory>Video</effectcategory><effecttype>filter</effecttype>"
              "<mediatype>video</mediatype></effect></filter>")
    text = text.replace("</labels>\n\t\t\t\t\t</clipitem>", f"</labels>\n{effect}\n\t\t\t\t\t</clipitem>", 1)
    clip_name = re.search(r"<clipitem id=\"clipitem-1\"[^>]*>\s*<masterclipid>[^<]*</masterclipid>\s*<name>([^<]+)",
                          text).group(1)  # type: ignore[union-attr]
    path = folder / "premiere.xml"
    path.write_text(text, encoding="utf-8")
    return str(path), clip_name


def avid_aaf(folder: Path, name: str) -> tuple[str, str]:
    """An AAF whose first clip sits in an OperationGroup named ``name`` (how AVX effects travel); (path, clip)."""
    import aaf2
    timeline = make_timeline(("V1", [make_clip("ARCH_NEWS_1987", "/media/arch_news_1987.mov"),
                                     make_clip("RED_CARPET_02", "/media/red_carpet_02.mov")]))
    path = folder / "avid.aaf"
    otio.adapters.write_to_file(timeline, str(path), use_empty_mob_ids=True)
    with aaf2.open(str(path), "rw") as aaf:
        sequence = next(aaf.content.toplevel()).slots[0].segment
        clip = sequence.components.pop(0)
        definition = aaf.create.OperationDef(str(uuid.uuid4()), name)
        aaf.dictionary.register_def(definition)
        picture = aaf.dictionary.lookup_datadef("picture")
        for key, value in (("IsTimeWarp", False), ("Bypass", 0), ("NumberInputs", 1),
                           ("OperationCategory", "OperationCategory_Effect"), ("DataDefinition", picture)):
            definition[key].value = value
        group = aaf.create.OperationGroup(definition, clip.length)
        group["DataDefinition"].value = picture
        group.segments.append(clip)
        sequence.components.insert(0, group)
    return str(path), "ARCH_NEWS_1987"


def plain_otio(folder: Path, name: str) -> tuple[str, str]:
    """An OTIO file (as converters and pipeline tools write) with an Effect named ``name``; (path, clip)."""
    clip = make_clip("SH100_v003", "/media/sh100_v003.mov")
    clip.effects.append(otio.schema.Effect(name=name, effect_name=name))
    path = folder / "plain.otio"
    otio.adapters.write_to_file(make_timeline(("V1", [clip])), str(path))
    return str(path), "SH100_v003"


BUILDERS = {"resolve_otio": resolve_otio, "fcp7_xml": premiere_xml, "aaf": avid_aaf, "otio": plain_otio}


FCPX_PROJECT = NLE_DATA / "fcpx_project.fcpxml"
_FCPX_TARGET = ('<asset-clip name="IMG_0268" offset="130s" ref="r7" duration="10s" start="23200/3000s" '
                'audioRole="dialogue" tcFormat="NDF"/>')


def final_cut_xml(folder: Path, name: str) -> tuple[str, str]:
    """Final Cut Pro X's own export with an effect (a resource and a filter) on one asset clip; (path, clip)."""
    text = FCPX_PROJECT.read_text(encoding="utf-8")
    assert _FCPX_TARGET in text
    kind = "filter-audio" if "voice" in name.lower() else "filter-video"
    resource = f'<effect id="r90" name="{escape(name)}" uid=".../Effects.localized/{escape(name)}.moef"/>'
    text = text.replace("</resources>", resource + "</resources>", 1)
    text = text.replace(_FCPX_TARGET, _FCPX_TARGET[:-2] + f'><{kind} ref="r90" name="{escape(name)}"/></asset-clip>', 1)
    path = folder / "final_cut.fcpxml"
    path.write_text(text, encoding="utf-8")
    return str(path), "IMG_0268"


BUILDERS["fcpx"] = final_cut_xml
