"""Reading a document's bytes as text when its charset is named wrongly, or nowhere.

Vendors' pages and feeds come with a Content-Type charset, a charset of their own (`<meta>`, an
XML declaration), both, or neither, and the labels are often stale: a page converted to UTF-8
keeps its GBK `<meta>`, a server's default ISO-8859-1 covers a GBK page, a Chinese or Japanese
page names nothing. `decode_page` lets the bytes decide among the labels, and asks
charset-normalizer when none holds.
"""

from __future__ import annotations

import codecs
import re


def charset_of(content_type: str) -> str | None:
    """The `charset` parameter of a Content-Type header, lower-case; None without one."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"').lower()
    return None


# A charset the document names itself: an HTML `<meta charset>` / `http-equiv` or an XML declaration.
CHARSET_IN_MARKUP = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""",
    re.IGNORECASE,
)


# Labels widened to the superset Python reads each with (a page labelled GB 2312 or Big5 often holds
# characters only the superset has; an ISO-8859-1 label is the web's Windows-1252).
SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950", "shift_jis": "cp932", "euc_kr": "cp949",
    "iso8859-1": "cp1252", "ascii": "cp1252",
}  # fmt: skip
SINGLE_BYTE = re.compile(r"^(?:cp12\d\d|iso8859-\d+|latin_1|koi8_\w|mac_\w+|ascii|cp(?:437|85\d|86\d|874)|tis_620)$")


def decode_page(content: bytes, declared: str | None = None) -> str:
    """A page's bytes → text, by what the bytes bear out rather than what a label says.

    A byte-order mark says UTF-8 or UTF-16; bytes that are valid UTF-8 are UTF-8 whatever the
    header or `<meta>` says (a page converted to UTF-8 keeps its old label more often than not); else the
    first multi-byte charset named (the header's `declared`, then a `<meta>` charset) that
    decodes the bytes with hardly an error; else the charset charset-normalizer finds the bytes
    read most coherently in (`detected`), when it is a multi-byte one or no charset is named
    (a server's default ISO-8859-1 over a GBK page); else the single-byte charset named, else
    Windows-1252, which decodes anything. GB 2312 and GBK are read as GB 18030, Big5 as CP950,
    Shift_JIS as CP932 and EUC-KR as CP949, the supersets pages in them use.
    """
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", "replace")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", "replace")  # the mark says which byte order
    named = [charset for charset in (_charset_name(declared or ""), _meta_charset(content)) if charset]
    wide = [c for c in named if c.startswith(("utf-16", "utf-32"))]
    if wide:
        return content.decode(wide[0], "replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for charset in (c for c in named if not SINGLE_BYTE.match(c)):
        text = content.decode(charset, "replace")
        if text.count("\ufffd") <= 2 + len(text) // 10_000:
            return text
    single = next((c for c in named if SINGLE_BYTE.match(c)), None)
    found = detected(content)
    if found is not None and (single is None or not SINGLE_BYTE.match(found)):
        return content.decode(found, "replace")
    return content.decode(single or "cp1252", "replace")


def detected(content: bytes) -> str | None:
    """The charset (Python's codec name, widened as `SUPERSETS` says) that charset-normalizer finds
    `content` reads most coherently in; None when it finds none. charset-normalizer scores each
    candidate by the mess its decoding makes and by how far its letters follow a language's."""
    from charset_normalizer import from_bytes  # a page in an unnamed legacy charset is rare: load it then

    best = from_bytes(content).best()
    return _charset_name(best.encoding) if best is not None else None


def _meta_charset(content: bytes) -> str | None:
    match = CHARSET_IN_MARKUP.search(content[:4096])
    return _charset_name((match[1] or match[2]).decode("ascii")) if match else None


def _charset_name(label: str) -> str | None:
    """Python's codec name for a charset label, widened to its superset (`SUPERSETS`); None if unknown."""
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):  # an unknown label, or one holding a NUL
        return None
    return SUPERSETS.get(name, name)
