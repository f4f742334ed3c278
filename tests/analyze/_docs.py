"""Builders of test documents the analysers read: a county portal page, resident ID numbers, a
hand-written PDF with a CJK (Identity-H + ToUnicode) font, and a minimal OLE2 compound file
holding a Word 97 document."""

from __future__ import annotations

import struct

URL = "http://www.qingshan.gov.cn/zwgk/tzgg/202406/t20240612_1234567.html"


def gov_page(title: str, body: str, *, footer_phone: str = "0731-88123456") -> str:
    """A county portal article page (TRS-like): header, nav, breadcrumb, article, footer with
    the 公网安备 number (14 digits) and 网站标识码 every page carries."""
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}_青山县人民政府</title>
<meta name="ColumnName" content="通知公告"><script>var _hmt=_hmt||[];var siteId="4301210001";</script>
<style>.fl{{float:left}}</style></head>
<body>
<div class="header"><div class="logo"><img src="/images/logo.png" alt="青山县人民政府"></div>
<div class="search"><form action="/search"><input name="q"><button>搜索</button></form></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwgk/tzgg/">通知公告</a></li><li><a href="/zwgk/gsgg/">公示公告</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/tzgg/">通知公告</a></div>
<div class="article"><h1>{title}</h1>
<div class="info">发布时间：2024-06-12 09:30　来源：青山县民政局　浏览次数：<span id="count">128</span></div>
<div class="TRS_Editor" id="zoom">{body}</div></div>
<div class="footer"><p>主办单位：青山县人民政府办公室　联系电话：{footer_phone}</p>
<p>网站标识码：4301210001　<a href="https://beian.miit.gov.cn">湘ICP备05001234号</a>
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=43012102000123">湘公网安备 43012102000123号</a></p></div>
</body></html>"""


_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(region: str = "430104", born: str = "19650312", seq: str = "021") -> str:
    """A resident ID number with a valid GB 11643 check character."""
    body = region + born + seq
    return body + "10X98765432"[sum(int(c) * k for c, k in zip(body, _W)) % 11]


def bad_check(id_number: str) -> str:
    """The same number with a wrong check character."""
    last = id_number[-1]
    return id_number[:-1] + ("0" if last != "0" else "1")


def luhn_complete(prefix: str, length: int) -> str:
    """`prefix` padded with zeros to `length` - 1 digits, plus its Luhn check digit."""
    body = prefix.ljust(length - 1, "0")
    total = 0
    for i, c in enumerate(reversed(body)):
        n = int(c)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return body + str((10 - total % 10) % 10)


def make_pdf(pages: list[list[str]]) -> bytes:
    """A valid PDF whose pages show `pages` (lines of text) in a CID font with a ToUnicode map,
    the way Chinese office software writes government documents."""
    chars = sorted({ord(c) for page in pages for line in page for c in line})
    bfchar = []
    for i in range(0, len(chars), 100):
        chunk = chars[i : i + 100]
        bfchar.append(f"{len(chunk)} beginbfchar\n" + "\n".join(f"<{c:04X}> <{c:04X}>" for c in chunk) + "\nendbfchar")
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(bfchar)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode()
    n_pages = len(pages)
    # objects: 1 catalog, 2 pages, 3 font, 4 cidfont, 5 tounicode, 6 descriptor, then page/content pairs
    objs: dict[int, bytes] = {}
    kids = " ".join(f"{7 + 2 * i} 0 R" for i in range(n_pages))
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode()
    objs[3] = (b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
               b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>")
    objs[4] = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo "
               b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 6 0 R /DW 1000 >>")
    objs[5] = b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"
    objs[6] = (b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -200 1000 900] "
               b"/ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>")
    for i, page in enumerate(pages):
        ops = ["BT", "/F1 10 Tf", "14 TL", "40 800 Td"]
        for line in page:
            ops.append("<" + "".join(f"{ord(c):04X}" for c in line) + "> Tj T*")
        ops.append("ET")
        content = "\n".join(ops).encode()
        objs[7 + 2 * i] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                           f"/Resources << /Font << /F1 3 0 R >> >> /Contents {8 + 2 * i} 0 R >>").encode()
        objs[8 + 2 * i] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


_END, _FREE, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
    raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    return (raw.ljust(64, b"\x00") + struct.pack("<HBB3I", len(raw), kind, 1, left, right, child)
            + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16 + struct.pack("<II", start, size) + b"\x00" * 4)


def make_ole(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file with the given streams (each padded to ≥ 4096 bytes so no
    mini stream is needed). Names are sorted as the format's red-black tree wants them and
    chained as right siblings."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    datas = [streams[n].ljust(max(4096, -(-len(streams[n]) // 512) * 512), b"\x00") for n in names]
    fat = [_FATSECT, _END]  # sector 0: FAT, sector 1: directory
    starts = []
    for d in datas:
        first = len(fat)
        count = len(d) // 512
        starts.append(first)
        fat.extend(first + k + 1 for k in range(count - 1))
        fat.append(_END)
    assert len(fat) <= 128, "one FAT sector only"
    fat_sector = struct.pack("<128I", *(fat + [_FREE] * (128 - len(fat))))
    entries = [_dir_entry("Root Entry", 5, _NOSTREAM, _NOSTREAM, 1, _END, 0)]
    for i, (n, d) in enumerate(zip(names, datas)):
        right = i + 2 if i + 1 < len(names) else _NOSTREAM
        entries.append(_dir_entry(n, 2, _NOSTREAM, right, _NOSTREAM, starts[i], len(d)))
    while len(entries) % 4:
        entries.append(_dir_entry("", 0, _NOSTREAM, _NOSTREAM, _NOSTREAM, 0, 0))
    assert len(entries) == 4, "one directory sector only"
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", 0, *([_FREE] * 108)))
    assert len(header) == 512
    return header + fat_sector + b"".join(entries) + b"".join(datas)


def make_doc(text: str) -> bytes:
    """A Word 97 .doc (WordDocument + 1Table streams) whose piece table holds `text` as one
    uncompressed (UTF-16) piece. \\r ends paragraphs, \\x07 ends table cells and rows."""
    fib = bytearray(1024)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0x00C1)
    struct.pack_into("<H", fib, 0x0A, 0x0200)  # fWhichTblStm: the table stream is 1Table
    struct.pack_into("<H", fib, 32, 14)  # csw
    struct.pack_into("<H", fib, 62, 22)  # cslw
    struct.pack_into("<H", fib, 152, 0x5D)  # cbRgFcLcb
    encoded = text.encode("utf-16-le")
    plc = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, 1024, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    struct.pack_into("<II", fib, 154 + 8 * 33, 0, len(clx))  # fcClx, lcbClx
    word = bytes(fib) + encoded
    return make_ole({"WordDocument": word, "1Table": clx})
