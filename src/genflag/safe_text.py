"""How untrusted text is shown, per target: the one escaping policy every output calls.

Untrusted text is anything genflag did not write itself: clip, track, marker and timeline names,
reviewer names and notes, media paths and metadata, file names (which may not even be UTF-8),
rule text from rule packs, messages of exceptions raised by adapters and plugins.

The policy (tests/test_safe_text.py pins it as a truth table):

- **Unsafe characters** are the ones that can change how the text around them is shown or parsed:
  C0 controls (tab and line feed included), DEL, C1 controls (U+0080-U+009F, e.g. the one-byte
  CSI U+009B), the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E,
  U+200F, U+202A-U+202E, U+2066-U+2069), the line and paragraph separators (U+2028, U+2029)
  and lone surrogates. Every display target escapes them *visibly*, never silently drops
  them: ``\\u001b``, ``\\u202e``; a byte of a file name that is not UTF-8 (decoded with
  ``surrogateescape``) shows as ``\\xff``. So text is always one line, and what a hostile name
  tried to hide is shown.
- **terminal** (text output, stderr messages, ``rules``, ``probe``, ``diff``, ``plugins``): escaped,
  one line, shortened with an ellipsis.
- **data** (facts, evidence, finding messages, exception descriptions kept in results): white space
  collapsed to one line and shortened, nothing escaped (``collapse_space``, ``describe_exception``):
  each output above escapes the data for its own target when it shows it.
- **github** (workflow commands): the terminal form, then GitHub's own percent-encoding of the
  message (``%``, CR, LF) and of properties (also ``:`` and ``,``).
- **xml** (JUnit): the terminal form of each name; in text genflag joins itself, characters
  XML 1.0 cannot carry are escaped visibly; markup is escaped by the XML writer.
- **csv** (data for spreadsheets): the exact text (a CSV file is data, and the csv module quotes
  line breaks), neutralised against formula injection (OWASP): a cell starting with ``=``,
  ``+``, ``-``, ``@`` (or their full-width forms), with any white space (space, tab, CR, LF...)
  or with any other invisible or control character gets a leading apostrophe. Lone surrogates
  are written as ``?`` (the file is UTF-8).
- **markdown**: escaped, right-to-left runs isolated (U+2068...U+2069), Markdown punctuation
  backslash-escaped and autolinks broken.
- **html**: escaped, right-to-left runs isolated (``<bdi>``), then HTML-escaped (quotes too).
- **json** (json, jsonl, ``--format json`` everywhere): lossless: the unsafe characters JSON allows
  raw (C1, bidi, separators) and lone surrogates are written as ``\\uXXXX`` escapes, so a JSON
  document is safe to print and reads back to the same strings.
"""

from __future__ import annotations

import html as _html
import json
import re
import unicodedata
from typing import Any

ELLIPSIS = "\u2026"
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"
#: Beyond C0 and DEL: C1 controls, bidi marks / embeddings / overrides / isolates, line and
#: paragraph separators, lone surrogates.
_WIDE_UNSAFE = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
#: The characters every display target escapes visibly.
UNSAFE = re.compile(f"[\x00-\x1f{_WIDE_UNSAFE}]")
#: What XML 1.0 cannot carry, or a reader would act on (tab, line feed, carriage return stay).
_XML_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_WIDE_UNSAFE}\ufffe\uffff]")
#: What JSON may carry raw but a terminal or a browser would act on (JSON escapes C0 itself).
_JSON_UNSAFE = re.compile(f"[{_WIDE_UNSAFE}]")
_SPACES = re.compile(r" {2,}")
#: Cell starts that make a spreadsheet evaluate a formula (full-width forms too: some locales
#: convert them); white space and escapes are handled apart.
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
#: Markdown punctuation that can start emphasis, code, links, tables, HTML, entities, strike-through, math,
#: mentions or issue references wherever it stands. Characters that only mean something at the start of a
#: line (+, -, digits) or after one escaped here (! and ( after [) stay as they are; markdown() output never
#: starts a line. An underscore only delimits emphasis next to a non-alphanumeric character, so snake_case
#: stays readable.
_MD_SPECIAL = re.compile(r"([\\`*\[\]#|~<>&@$]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")
_AUTOLINK = re.compile(r"(?i)(://|www\.)")
_RTL_CLASSES = frozenset({"R", "AL"})


def escape_char(char: str) -> str:
    """The visible escape of one unsafe character (``\\u001b``; a non-UTF-8 file-name byte ``\\xff``)."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def escape_visible(value: object) -> str:
    """The text with every unsafe character escaped visibly (no other change)."""
    text = "" if value is None else str(value)
    return UNSAFE.sub(lambda match: escape_char(match.group(0)), text) if UNSAFE.search(text) else text


def shorten(text: str, limit: int | None) -> str:
    """Cut text to ``limit`` characters, the last one an ellipsis (None: no limit)."""
    return text if limit is None or len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def terminal(value: object, limit: int | None = 200) -> str:
    """One line for a terminal or a log: unsafe characters escaped visibly, then shortened."""
    return shorten(escape_visible(value), limit)


def collapse_space(value: object, limit: int | None = None) -> str:
    """Text as one line of data: every run of white space (line breaks included) one space, shortened.
    Nothing is escaped: for values kept as data (facts, evidence, messages), which every output escapes
    for its own target when it shows them."""
    return shorten(" ".join(str(value).split()), limit)


def describe_exception(exc: BaseException, limit: int | None = 300) -> str:
    """An exception as one line of data: ``Type: message``, white space collapsed and shortened (the type
    alone when the message is empty). The one form every error, fact and log line names an exception by."""
    text = collapse_space(exc, limit)
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def terminal_lines(value: object, limit: int | None = 1000) -> list[str]:
    """Multi-line text (a rule's description) as terminal lines: split on line feeds, each escaped."""
    text = "" if value is None else str(value)
    return [terminal(line.rstrip("\r"), limit) for line in text.split("\n")]


def github_data(value: object, limit: int | None = 1000) -> str:
    """A GitHub workflow command's message."""
    return terminal(value, limit).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(value: object, limit: int | None = 300) -> str:
    """A GitHub workflow command's property value (file=, title=)."""
    return github_data(value, limit).replace(":", "%3A").replace(",", "%2C")


def xml_text(value: object) -> str:
    """Text genflag assembled (lines of already-escaped names) for an XML 1.0 document.

    Tab, line feed and carriage return stay; every other unsafe character is escaped visibly,
    and so are U+FFFE and U+FFFF, which XML cannot carry. Markup is the XML writer's job.
    """
    text = "" if value is None else str(value)
    return _XML_UNSAFE.sub(lambda match: escape_char(match.group(0)), text) if _XML_UNSAFE.search(text) else text


def csv_text(value: object) -> str:
    """A text cell for a spreadsheet: the exact text, neutralised against formula injection (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if needs_formula_guard(text) else text


def needs_formula_guard(text: str) -> bool:
    """True when a spreadsheet could read a cell starting like this as a formula, or trim its start."""
    if not text:
        return False
    first = text[0]
    return first in FORMULA_STARTS or first.isspace() or not first.isprintable()


def has_rtl(text: str) -> bool:
    """True when the text holds right-to-left letters (Hebrew, Arabic...)."""
    return not text.isascii() and any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)


def isolate(text: str) -> str:
    """Wrap right-to-left text in Unicode isolates so it cannot reorder the text around it."""
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}" if has_rtl(text) else text


def display(value: object, limit: int | None = None) -> str:
    """One line for a document (report, credits): escaped, spaces collapsed, shortened (no isolates)."""
    text = escape_visible(value)
    if "  " in text or text[:1] == " " or text[-1:] == " ":
        text = _SPACES.sub(" ", text).strip(" ")
    return shorten(text, limit)


def plain(value: object, limit: int | None = None) -> str:
    """A name in plain-text documents (credits, Markdown): display() with right-to-left runs isolated."""
    return isolate(display(value, limit))


def markdown(value: object, limit: int | None = 120) -> str:
    """Text for a Markdown table cell or heading: inert markup, no links, one line."""
    text = _MD_SPECIAL.sub(r"\\\1", plain(value, limit))
    return _AUTOLINK.sub(lambda m: m.group(0).replace(":", "\\:").replace(".", "\\."), text)


def html(value: object, limit: int | None = 120) -> str:
    """Text for HTML (element content or a quoted attribute)."""
    return _html.escape(display(value, limit), quote=True)


def html_isolated(value: object, limit: int | None = 120) -> str:
    """A name for HTML in ``<bdi>`` (the full name as its title when shortened)."""
    full = display(value)
    text = shorten(full, limit)
    title = f' title="{_html.escape(full, quote=True)}"' if full != text else ""
    return f"<bdi{title}>{_html.escape(text, quote=True)}</bdi>"


def json_text(document: str) -> str:
    """Make a JSON text safe to print: the unsafe characters JSON allows raw become ``\\uXXXX``."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", document) if _JSON_UNSAFE.search(document) \
        else document


def json_dumps(data: Any, **kwargs: Any) -> str:
    """json.dumps (non-ASCII kept readable) with the result made safe by json_text()."""
    kwargs.setdefault("ensure_ascii", False)
    return json_text(json.dumps(data, **kwargs))
