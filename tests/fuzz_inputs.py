"""Hypothesis strategies for hostile inputs: timeline JSON, EDL, FCP 7 XML, media headers, sidecars.

Each strategy mixes well-formed structure (so the input gets deep into genflag) with hostile values:
control and bidi characters, lone surrogates, URL escapes (``%00``), odd numbers (NaN, infinities,
zero and negative rates), wrong types and unknown schemas, truncation and byte flips.

Bounds the lead's resource limits (issue 13, items 5-7) will enforce are kept out of these
strategies until they land, because the run itself would not survive them: nesting stays shallow
(deep JSON segfaults OpenTimelineIO's reader), image sequences stay short (a 10^9-frame sequence
exhausts memory) and media paths stay inside the sandbox (no FIFOs or devices). docs/security.md
lists them.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from hypothesis import strategies as st

NASTY = ["\x1b[2J", "\x1b]0;t\x07", "\x9b31m", "\u202e", "\u200f", "\u2066", "\u2028", "\x00", "\r\n", "\t",
         "%00", "%", "../", "..\\", "file://", "file:///", "bal:///", "http://x", "\\", "\"", "'", "<", "&",
         "\ud800", "\udcff", "\ufffe", "magicgen", "runway", "sora", "midjourney", "genflag: cleared", "=cmd|",
         "{clip.name}", "{0}", "%s", "\u0130", "\u212a", "é", "\u05e9"]

#: Short text with hostile pieces mixed in.
texts = st.one_of(
    st.text(max_size=12),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=4)), max_size=5).map("".join),
)
#: Numbers a format field may hold, sane or not.
numbers = st.one_of(st.integers(-3, 100_000), st.sampled_from([0, -1, 2**31, 2**53, -2**63]),
                    st.floats(allow_nan=True, allow_infinity=True), st.floats(-1e6, 1e6))
rates = st.one_of(st.sampled_from([24.0, 25.0, 23.976, 30.0, 29.97, 48.0, 60.0]), numbers)
#: Any JSON value, a little nested.
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, texts),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(texts, children, max_size=3)),
    max_leaves=5)


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any], one_in: int = 12) -> st.SearchStrategy[Any]:
    """``good``, except about one draw in ``one_in``: ``bad`` (so most inputs get deep, some break)."""
    return st.integers(1, one_in).flatmap(lambda roll: bad if roll == 1 else good)


def sometimes(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the right thing, sometimes any JSON value (a wrong type, null, a string...)."""
    return mostly(strategy, json_values, 25)


def rational_time(rate: st.SearchStrategy[Any] = rates,
                  value: st.SearchStrategy[Any] = numbers) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"OTIO_SCHEMA": st.just("RationalTime.1"), "rate": rate, "value": value})


def time_range(rate: st.SearchStrategy[Any] = rates, value: st.SearchStrategy[Any] = numbers,
               ) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"OTIO_SCHEMA": st.just("TimeRange.1"), "start_time": rational_time(rate, value),
                                  "duration": rational_time(rate, value)})


#: Media paths: names in the sandbox (relative to the timeline) or hostile text that names no device.
media_urls = st.one_of(
    st.sampled_from(["media/a.png", "media/b.jpg", "media/c.exr", "media/missing.mov", "file://media/a.png",
                     "media/a.png%00", "media%2Fa.png", "bal:///sh010", "http://example.invalid/a.mov", ""]),
    texts.filter(lambda s: not s.lstrip().startswith(("/", "file:/", "\\"))),
)
genflag_metadata = st.one_of(
    st.fixed_dictionaries({"review": st.one_of(
        st.fixed_dictionaries({"status": st.sampled_from(["cleared", "reviewed", "CLEARED", "", "x"]),
                               "by": sometimes(texts), "note": sometimes(texts),
                               "rules": sometimes(st.lists(texts, max_size=2))}),
        json_values)}),
    st.fixed_dictionaries({"findings": json_values}), json_values)
metadata = st.one_of(st.just({}), st.dictionaries(texts, json_values, max_size=3),
                     st.fixed_dictionaries({"genflag": genflag_metadata}))

external_reference = st.fixed_dictionaries({
    "OTIO_SCHEMA": st.just("ExternalReference.1"), "target_url": sometimes(media_urls),
    "available_range": st.one_of(st.none(), time_range()), "metadata": metadata})
#: Short sequences only: a huge frame range is a memory bound of the lead's (kept out, see above).
image_sequence = st.fixed_dictionaries({
    "OTIO_SCHEMA": st.just("ImageSequenceReference.1"), "target_url_base": st.sampled_from(["media/", "", "seq/"]),
    "name_prefix": texts, "name_suffix": st.sampled_from([".exr", ".png", ".dpx", ""]),
    "start_frame": st.integers(-5, 1000), "frame_step": st.integers(0, 3), "rate": st.sampled_from([24.0, 25.0]),
    "frame_zero_padding": st.integers(0, 8), "missing_frame_policy": st.sampled_from(["error", "hold", "black"]),
    "available_range": st.one_of(st.none(), time_range(st.sampled_from([24.0, 25.0]), st.integers(0, 50)))})
media_reference = st.one_of(
    external_reference, image_sequence,
    st.fixed_dictionaries({"OTIO_SCHEMA": st.just("MissingReference.1"), "name": texts, "metadata": metadata}),
    st.fixed_dictionaries({"OTIO_SCHEMA": st.just("GeneratorReference.1"), "generator_kind": texts,
                           "parameters": st.dictionaries(texts, json_values, max_size=2)}),
    st.fixed_dictionaries({"OTIO_SCHEMA": st.sampled_from(["Bogus.1", "ExternalReference.99", "Clip.2"])}),
    json_values)
marker = st.fixed_dictionaries({
    "OTIO_SCHEMA": st.sampled_from(["Marker.2", "Marker.1"]), "name": sometimes(texts), "comment": sometimes(texts),
    "color": sometimes(st.sampled_from(["RED", "GREEN", "ORANGE", "x"])), "marked_range": sometimes(time_range()),
    "metadata": metadata})
effect = st.fixed_dictionaries({"OTIO_SCHEMA": st.sampled_from(["Effect.1", "LinearTimeWarp.1", "FreezeFrame.1"]),
                                "name": texts, "effect_name": texts, "time_scalar": numbers, "metadata": metadata})
clip = st.one_of(
    st.fixed_dictionaries({
        "OTIO_SCHEMA": st.just("Clip.2"), "name": sometimes(texts), "source_range": st.one_of(st.none(), time_range()),
        "media_references": sometimes(st.fixed_dictionaries({"DEFAULT_MEDIA": media_reference})),
        "active_media_reference_key": st.sampled_from(["DEFAULT_MEDIA", "OTHER", ""]),
        "metadata": metadata, "markers": sometimes(st.lists(marker, max_size=2)),
        "effects": sometimes(st.lists(effect, max_size=2)), "enabled": sometimes(st.booleans())}),
    st.fixed_dictionaries({"OTIO_SCHEMA": st.just("Clip.1"), "name": texts, "media_reference": media_reference,
                           "source_range": st.one_of(st.none(), time_range()), "metadata": metadata}))
gap = st.fixed_dictionaries({"OTIO_SCHEMA": st.just("Gap.1"), "name": texts, "source_range": sometimes(time_range())})
transition = st.fixed_dictionaries({"OTIO_SCHEMA": st.just("Transition.1"), "name": texts,
                                    "transition_type": texts, "in_offset": rational_time(), "out_offset": rational_time()})


def _track(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"OTIO_SCHEMA": st.just("Track.1"), "name": sometimes(texts),
                                  "kind": sometimes(st.sampled_from(["Video", "Audio", "Other"])),
                                  "children": sometimes(st.lists(children, max_size=5)), "metadata": metadata,
                                  "source_range": st.one_of(st.none(), time_range())})


def _stack(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"OTIO_SCHEMA": st.just("Stack.1"), "name": texts,
                                  "children": sometimes(st.lists(children, max_size=3)), "metadata": metadata})


#: Items nest (tracks in stacks in tracks) a few levels: deep nesting is a bound of the lead's.
items = st.recursive(st.one_of(clip, clip, gap, transition),
                     lambda inner: st.one_of(_stack(_track(inner)), _track(inner)), max_leaves=6)
timeline = st.fixed_dictionaries({
    "OTIO_SCHEMA": sometimes(st.sampled_from(["Timeline.1", "Timeline.1", "SerializableCollection.1", "Bogus.1"])),
    "name": sometimes(texts), "metadata": metadata,
    "global_start_time": st.one_of(st.none(), rational_time()),
    "tracks": sometimes(_stack(_track(items))),
    "children": st.lists(st.fixed_dictionaries({"OTIO_SCHEMA": st.just("Timeline.1"),
                                                 "tracks": _stack(_track(items))}), max_size=1)})


def timeline_json(document: Any) -> str:
    """The JSON text of a generated timeline (lone surrogates written as JSON escapes)."""
    return json.dumps(document, allow_nan=True)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes flipped, inserted or removed, or cut short."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
        if action == "flip":
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del out[at:at + draw(st.integers(1, 16))]
        else:
            del out[at:]
    return bytes(out)


# ---- EDL -------------------------------------------------------------------------------------------

_LINE_BREAKS = dict.fromkeys(map(ord, "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), " ")
#: Text for one line of an EDL: mostly without the characters Python's splitlines breaks on.
line_texts = mostly(texts.map(lambda t: t.translate(_LINE_BREAKS)), texts, 10)
timecodes = mostly(
    st.builds(lambda h, m, s, f: f"{h:02d}:{m:02d}:{s:02d}:{f:02d}", st.integers(0, 23), st.integers(0, 59),
              st.integers(0, 59), st.integers(0, 23)),
    st.one_of(st.builds(lambda h, m, s, f, sep: f"{h:02d}:{m:02d}:{s:02d}{sep}{f:02d}", st.integers(0, 99),
                        st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), st.sampled_from([":", ";", "."])),
              st.sampled_from(["99:99:99:99", "-1:00:00:00", "1:2:3:4", "xx:yy:zz:ww", ""])), 20)
def _tc(frames: int, rate: int = 24) -> str:
    seconds, frame = divmod(frames, rate)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours % 24:02d}:{minute:02d}:{second:02d}:{frame:02d}"


#: Source and record times that agree (mostly), at 24 frames a second.
consistent_times = st.builds(lambda src, rec, length: [_tc(src), _tc(src + length), _tc(rec), _tc(rec + length)],
                             st.integers(0, 24 * 3600 * 2), st.integers(86400, 86400 + 24 * 600), st.integers(1, 500))
edl_event = st.builds(
    lambda n, reel, track, trans, times: f"{n:03d}  {reel} {track} {trans} {' '.join(times)}",
    st.integers(0, 1200), mostly(st.sampled_from(["AX", "BL", "REEL01", "001"]), line_texts.map(lambda t: t.strip() or "AX")),
    mostly(st.sampled_from(["V", "A", "A2", "AA", "B"]), st.sampled_from(["AA/V", "V2", "X", ""])),
    mostly(st.just("C"), st.sampled_from(["D 024", "D    000", "W001 010", "K B", "C   ", "D"]), 4),
    mostly(consistent_times, st.lists(timecodes, min_size=4, max_size=4), 6))
edl_comment = st.one_of(
    line_texts.map(lambda t: "* FROM CLIP NAME: " + t),
    line_texts.map(lambda t: "* TO CLIP NAME: " + t),
    st.builds(lambda tc, colour, t: f"* LOC: {tc} {colour} {t}", timecodes,
              st.sampled_from(["RED", "GREEN", "ORANGE", "YELLOW", "x"]), line_texts),
    line_texts.map(lambda t: "* SOURCE FILE: " + t),
    st.builds(lambda reel, speed, tc: f"M2   {reel}       {speed} {tc}", st.sampled_from(["AX", "B"]),
              st.sampled_from(["048.0", "-025.0", "000.0", "x"]), timecodes),
    st.just("* ASC_SOP (1 1 1)(0 0 0)(1 1 1)"), st.just("* ASC_SAT 1"), line_texts.map(lambda t: "* " + t))
edl_text = st.builds(
    lambda title, fcm, lines, newline: newline.join([f"TITLE: {title}", fcm, *lines]) + newline,
    line_texts, st.sampled_from(["FCM: NON-DROP FRAME", "FCM: DROP FRAME", "FCM: x", ""]),
    mostly(st.lists(st.tuples(edl_event, st.lists(edl_comment, max_size=3)), max_size=6).map(
        lambda groups: [line for event, comments in groups for line in (event, *comments)]),
        st.lists(st.one_of(edl_event, edl_comment), max_size=12), 6),
    st.sampled_from(["\n", "\r\n", "\r"]))


# ---- FCP 7 XML --------------------------------------------------------------------------------------

def _x(text: str) -> str:
    return xml_escape(text, {'"': "&quot;"})


fcp_clipitem = st.builds(
    lambda name, start, end, i, o, url, marker: (
        f"<clipitem id=\"{_x(name)}\"><name>{_x(name)}</name><duration>{abs(end - start)}</duration>"
        f"<rate><timebase>24</timebase><ntsc>FALSE</ntsc></rate><start>{start}</start><end>{end}</end>"
        f"<in>{i}</in><out>{o}</out><file id=\"f-{_x(name)}\"><name>{_x(name)}</name><pathurl>{_x(url)}</pathurl>"
        f"<rate><timebase>24</timebase></rate><duration>100</duration></file>"
        f"<marker><name>{_x(marker)}</name><comment>{_x(marker)}</comment><in>0</in><out>-1</out></marker>"
        "</clipitem>"),
    texts, st.integers(-10, 500), st.integers(-10, 500), st.integers(-10, 200), st.integers(-10, 200), media_urls, texts)
fcp_xml = st.builds(
    lambda name, timebase, ntsc, clips, doctype: (
        f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{doctype}<xmeml version=\"4\"><sequence id=\"s\">"
        f"<name>{_x(name)}</name><duration>500</duration><rate><timebase>{timebase}</timebase><ntsc>{ntsc}</ntsc>"
        "</rate><media><video><track>" + "".join(clips) + "</track></video><audio><track/></audio></media>"
        "</sequence></xmeml>\n"),
    texts, st.one_of(st.sampled_from([24, 25, 30]), st.integers(-5, 1000)), st.sampled_from(["TRUE", "FALSE", "x"]),
    st.lists(fcp_clipitem, max_size=5),
    st.sampled_from(["", "<!DOCTYPE xmeml>\n",
                     "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                     "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\n",
                     "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"])).map(str)


# ---- media headers ----------------------------------------------------------------------------------

def png_chunk(kind: bytes, data: bytes, good_crc: bool = True) -> bytes:
    crc = zlib.crc32(kind + data) if good_crc else 0xDEADBEEF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc & 0xFFFFFFFF)


_PNG_IHDR = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
_text_bytes = st.one_of(st.binary(max_size=40), texts.map(lambda t: t.encode("utf-8", "surrogatepass")))
png_text_payload = st.one_of(
    st.builds(lambda k, v: k + b"\0" + v, st.sampled_from([b"parameters", b"prompt", b"workflow", b"Software",
                                                           b"Comment", b"XML:com.adobe.xmp", b""]), _text_bytes),
    st.binary(max_size=60))
png_file = st.builds(
    lambda chunks: b"\x89PNG\r\n\x1a\n" + _PNG_IHDR + b"".join(chunks) + png_chunk(b"IEND", b""),
    st.lists(st.builds(png_chunk, st.sampled_from([b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"caBX", b"IDAT", b"abcd"]),
                       png_text_payload, st.booleans()), max_size=5))


def _ifd(entries: list[tuple[int, int, int, bytes]]) -> bytes:
    body = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        body += struct.pack("<HHI", tag, kind, count) + value[:4].ljust(4, b"\0")
    return body + b"\0\0\0\0"


tiff_bytes = st.builds(
    lambda entries, tail: b"II*\0" + struct.pack("<I", 8) + _ifd(entries) + tail,
    st.lists(st.tuples(st.sampled_from([0x010E, 0x0131, 0x9286, 0x8769, 0xA430, 0x927C, 0x0000, 0xFFFF]),
                       st.integers(0, 13), st.integers(0, 2**32 - 1), st.binary(min_size=4, max_size=4)), max_size=6),
    st.binary(max_size=40))
_XMP = ("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
        "<rdf:Description xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\" "
        "Iptc4xmpExt:DigitalSourceType=\"{}\"/></rdf:RDF></x:xmpmeta>")
xmp_packet = st.one_of(texts.map(lambda t: _XMP.format(_x(t)).encode("utf-8", "surrogatepass")), st.binary(max_size=80))


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, min(len(payload) + 2, 0xFFFF)) + payload


jpeg_file = st.builds(
    lambda segments: b"\xff\xd8" + b"".join(segments) + b"\xff\xd9",
    st.lists(st.one_of(
        tiff_bytes.map(lambda t: jpeg_segment(0xE1, b"Exif\0\0" + t)),
        xmp_packet.map(lambda x: jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + x)),
        st.binary(max_size=60).map(lambda b: jpeg_segment(0xEB, b"JP" + b)),
        st.builds(jpeg_segment, st.integers(0xE0, 0xFE), st.binary(max_size=40))), max_size=4))


def exr_attribute(name: bytes, kind: bytes, value: bytes, size: int | None) -> bytes:
    return name + b"\0" + kind + b"\0" + struct.pack("<i", len(value) if size is None else size) + value


exr_file = st.builds(
    lambda attrs, tail: b"\x76\x2f\x31\x01" + struct.pack("<I", 2) + b"".join(attrs) + b"\0" + tail,
    st.lists(st.builds(exr_attribute,
                       st.sampled_from([b"comments", b"owner", b"software", b"generator", b"capDate", b"x" * 40, b""]),
                       st.sampled_from([b"string", b"int", b"float", b"v2f", b"stringvector", b"bogus"]),
                       _text_bytes, st.one_of(st.none(), st.integers(-2**31, 2**31 - 1))), max_size=5),
    st.binary(max_size=16))
dpx_file = st.builds(
    lambda magic, creator, project, copyright_, noise: (
        magic + struct.pack(">I", 2048) + b"V2.0\0\0\0\0" + noise[:8].ljust(8, b"\0") + b"\0" * 136
        + creator[:100].ljust(100, b"\0") + project[:200].ljust(200, b"\0") + copyright_[:200].ljust(200, b"\0")
        + noise.ljust(1392, b"\0")[:1392]),
    st.sampled_from([b"SDPX", b"XPDS", b"SDPY"]), _text_bytes, _text_bytes, _text_bytes, st.binary(max_size=64))


def mp4_box(kind: bytes, payload: bytes, size: int | None) -> bytes:
    return struct.pack(">I", len(payload) + 8 if size is None else size) + kind + payload


#: Few boxes: an MP4 of many tiny boxes makes the C2PA reader quadratic (a time bound of the lead's).
mp4_file = st.builds(
    lambda boxes: mp4_box(b"ftyp", b"isom\0\0\0\0isom", None) + b"".join(boxes),
    st.lists(st.builds(mp4_box, st.sampled_from([b"moov", b"udta", b"meta", b"uuid", b"mdat", b"free", b"XMP_"]),
                       st.binary(max_size=48), st.one_of(st.none(), st.sampled_from([0, 1, 7, 2**32 - 1]))),
             max_size=6))
media_files = st.one_of(
    png_file.map(lambda b: ("a.png", b)), jpeg_file.map(lambda b: ("a.jpg", b)), exr_file.map(lambda b: ("a.exr", b)),
    dpx_file.map(lambda b: ("a.dpx", b)), mp4_file.map(lambda b: ("a.mp4", b)),
    st.binary(max_size=64).map(lambda b: ("a.bin", b)))


# ---- sidecars ---------------------------------------------------------------------------------------

sidecar_mapping = st.dictionaries(texts, json_values, max_size=5)
sidecar_json = st.one_of(
    sidecar_mapping.map(lambda d: json.dumps(d, allow_nan=True)),
    sidecar_mapping.map(lambda d: json.dumps(d, ensure_ascii=False, allow_nan=True)),
    st.sampled_from(['{"ai": "\\ud800"}', '{"a": {"b": {"c": [1, "\\udfff", null]}}}', "[]", "null", "{", "",
                     '{"a": 1e999}', '{"\\u0000": "\\u001b[2J"}', '{"generator": "Sora", "tool": ["Runway", 1]}']))
sidecar_yaml = st.one_of(
    st.sampled_from(["a: &x [1, 2]\nb: *x\n", "!!python/object/apply:os.system ['true']\n", "a: !!binary AAAA\n",
                     "- 1\n- 2\n", "a: b: c\n", "? [1]\n: x\n", "generator: Midjourney\nnested: {x: {y: z}}\n",
                     "a: 2001-12-14t21:59:43.10-05:00\n", "a: \"\\ud800\"\n", "%YAML 1.1\n---\na: 1\n", ":\n"]),
    sidecar_mapping.map(lambda d: json.dumps(d)))
