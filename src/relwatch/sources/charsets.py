"""Reading a document's bytes as text when its charset is named wrongly, or nowhere.

Vendors' pages and feeds come with a Content-Type charset, a charset of their own (`<meta>`, an
XML declaration), both, or neither, and the labels are often stale: a page converted to UTF-8
keeps its GBK `<meta>`, a server's default ISO-8859-1 covers a GBK page, a Chinese or Japanese
page names nothing. `decode_page` lets the bytes decide among the labels, and sniffs the legacy
CJK charsets when none holds.
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


# Legacy multi-byte charsets a page may be in without saying so, by the superset Python reads
# each with (a page labelled GB 2312 or Big5 often holds characters only the superset has).
SNIFFED = ("gb18030", "cp950", "cp932", "euc_jp", "cp949")
SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950", "shift_jis": "cp932", "euc_kr": "cp949",
    "iso8859-1": "cp1252", "ascii": "cp1252",
}  # fmt: skip
SINGLE_BYTE = re.compile(r"^(?:cp12\d\d|iso8859-\d+|latin_1|koi8_\w|mac_\w+|ascii)$")
SNIFF_SAMPLE = 4000  # non-ASCII characters scored per candidate charset
SURE = 0.9  # the share of typical characters that overrides a declared single-byte charset
LIKELY = 0.6  # the share a sniffed charset needs at all


def decode_page(content: bytes, declared: str | None = None) -> str:
    """A page's bytes → text, by what the bytes bear out rather than what a label says.

    A byte-order mark says UTF-8 or UTF-16; bytes that are valid UTF-8 are UTF-8 whatever the
    header or `<meta>` says (a page converted to UTF-8 keeps its old label more often than not); else the
    first multi-byte charset named (the header's `declared`, then a `<meta>` charset) that
    decodes the bytes with hardly an error; else, when a single-byte charset is named (a
    server's default ISO-8859-1), that one unless a legacy CJK charset reads the bytes far
    better; else the legacy CJK charset (GB 18030, Big5, Shift_JIS, EUC-JP, EUC-KR) under which
    the text reads most like its language (`sniff_cjk`); else Windows-1252, which decodes
    anything. GB 2312 and GBK are read as GB 18030, Big5 as CP950, Shift_JIS as CP932 and EUC-KR
    as CP949, the supersets pages in them use.
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
    sniffed = sniff_cjk(content)
    single = next((c for c in named if SINGLE_BYTE.match(c)), None)
    if sniffed is not None and sniffed[1] >= (SURE if single else LIKELY):
        return sniffed[0]
    return content.decode(single or "cp1252", "replace")


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


# Two non-ASCII characters with a space between: Korean writes words apart, Chinese and Japanese do not.
SPACED = re.compile(r"[^\x00-\x7f] [^\x00-\x7f]")


def sniff_cjk(content: bytes) -> tuple[str, float] | None:
    """The text of `content` under the legacy CJK charset it reads best in, and the share of its
    non-ASCII characters that are typical of that charset's language (`_typical`); None if no
    candidate decodes it with hardly an error.

    EUC-KR's hangul and GB 2312's common hanzi sit at the same bytes, so a Korean page reads as
    typical Chinese too: the spaces Korean puts between words tip the choice (a tenth either way,
    for EUC-KR only). Other ties go to the earlier of `SNIFFED`.
    """
    best: tuple[str, float, float] | None = None
    for charset in SNIFFED:
        text = content.decode(charset, "replace")
        if text.count("\ufffd") > 2 + len(text) // 10_000:
            continue
        sample = [ch for ch in text if ord(ch) > 0x7F and ch != "\ufffd"][:SNIFF_SAMPLE]
        share = sum(_typical(ch, charset) for ch in sample) / len(sample) if sample else 0.0
        score = share
        if charset == "cp949" and sample:
            score += 0.1 if len(SPACED.findall(text[: len(text) // 2 + 20_000])) >= 0.05 * len(sample) else -0.1
        if best is None or score > best[2]:
            best = (text, share, score)
    return (best[0], best[1]) if best else None


def _typical(ch: str, charset: str) -> bool:
    """Whether `ch` is common in text of `charset`'s language: its punctuation, and GB 2312's first
    level of hanzi (GB 18030), Big5's frequent hanzi (CP950), kana and JIS X 0208's first level of
    kanji (CP932, EUC-JP), hangul syllables (CP949). Mojibake lands mostly outside those."""
    code = ord(ch)
    if charset in ("cp932", "euc_jp") and 0x3040 <= code <= 0x30FF:
        return True
    if charset == "cp949" and 0xAC00 <= code <= 0xD7A3:
        return True
    legacy = {"gb18030": "gb2312", "cp950": "big5", "cp949": "euc_kr"}.get(charset, "euc_jp")
    try:
        lead, trail = ch.encode(legacy)
    except (UnicodeEncodeError, ValueError):
        return False
    if legacy == "gb2312":
        return 0xA1 <= lead <= 0xA3 or 0xB0 <= lead <= 0xD7
    if legacy == "big5":
        return 0xA1 <= lead <= 0xA3 or (0xA4 <= lead <= 0xC6 and not (lead == 0xC6 and trail > 0x7E))
    if legacy == "euc_jp":
        return lead == 0xA1 or 0xB0 <= lead <= 0xCF
    return lead == 0xA1
