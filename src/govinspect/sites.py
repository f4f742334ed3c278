"""Reading ``--sites FILE``: a registry of sites as CSV or XLSX with a header row.

Registries come out of Excel and the national 政府网站信息报送系统, so this reader is lenient
about form and strict about meaning:

* CSV in UTF-8 (with or without BOM), UTF-16 (Excel "Unicode text"), or GB18030/GBK (what Excel
  in China saves as "CSV"); comma, tab or semicolon separated. XLSX: the first sheet.
* Headers in Chinese or English, case/space-insensitive, with or without notes such as
  "网站标识码（必填）"; a title row above the header row is skipped.
* A row whose URL is unusable is still returned, with ``input_error`` set, so that site is
  reported as an error while the other sites run. Only a file that cannot be read at all raises
  ``SitesFileError`` (the CLI exits 2 with its one-line message).
"""

from __future__ import annotations

import csv
import io
import ipaddress
import re
import warnings
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from govinspect.models import SiteSpec

__all__ = ["HEADER_ALIASES", "SitesFileError", "normalise_site_url", "read_sites"]


class SitesFileError(Exception):
    """The sites file cannot be used at all; ``str(err)`` is a one-line reason."""


# Field → accepted header spellings (already normalised: lower case, no spaces/punctuation).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "site_code": ("网站标识码", "标识码", "网站代码", "sitecode", "code", "siteid"),
    "name": ("网站名称", "名称", "网站名", "站点名称", "name", "sitename"),
    "url": ("首页地址", "网址", "网站地址", "域名", "首页网址", "网站网址", "网站域名", "首页url",
            "网站首页", "url", "homepage", "website", "siteurl", "link", "domain"),
    "organiser": ("主办单位", "主办单位名称", "单位名称", "主管单位", "organiser", "organizer",
                  "owner", "sponsor"),
    "region": ("地区", "所属地区", "行政区划", "所在地区", "区域", "地市", "region", "area",
               "district"),
    "portal": ("是否门户", "是否门户网站", "是否为门户网", "是否为门户网站", "门户", "门户网站",
               "portal", "isportal"),
    "services": ("是否有办事服务", "有无办事服务", "有办事服务", "是否提供办事服务", "办事服务", "services",
                 "hasservices"),
    "aliases": ("别名", "其他域名", "备用域名", "别名域名", "aliases", "alias", "otherhosts"),
    "column_categories": ("栏目分类", "栏目类别", "栏目类型", "栏目分类调整", "columncategories", "columncategory"),
}
_HEADER_LOOKUP = {alias: field for field, aliases in HEADER_ALIASES.items() for alias in aliases}

_TRUE = {"是", "yes", "y", "true", "t", "1", "门户", "√", "✓", "1.0", "有"}
_FALSE = {"否", "no", "n", "false", "f", "0", "非门户", "×", "0.0", "无", "没有"}

# Spaces Excel users paste in: NBSP, ideographic space, zero-width characters.
_INVISIBLE = re.compile(r"[\u00a0\u3000\u200b-\u200d\ufeff]")
_NOTE = re.compile(r"[（(【\[].*?[）)】\]]")  # "网站标识码（必填）" → "网站标识码"
_HEADER_NOISE = re.compile(r"[\s_\-*:：./]")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_ALIAS_SPLIT = re.compile(r"[;；,，、\s]+")
# How far down a sheet the header row may be (title rows above it are common).
_MAX_HEADER_SEARCH = 10


def _norm_header(value: Any) -> str:
    text = _INVISIBLE.sub("", str(value or "")).strip().lower()
    text = _NOTE.sub("", text)
    return _HEADER_NOISE.sub("", text)


def _cell_text(value: Any) -> str:
    """A cell as text; Excel numbers that are whole (3301000001.0) lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return _INVISIBLE.sub(" ", str(value)).strip()


def _site_code(text: str) -> str | None:
    """Site code as a string; "3301000001.0" and "3.301000001E+09" become "3301000001"."""
    text = text.strip().lstrip("'")  # a leading ' is Excel's "keep as text" marker
    if not text:
        return None
    if re.fullmatch(r"\d+\.0+", text):
        return text.split(".", 1)[0]
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):
        try:
            number = Decimal(text)
        except InvalidOperation:
            return text
        if number == number.to_integral_value():
            return str(int(number))
    return text


def _portal(text: str) -> bool | None:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None  # unknown wording: not guessed


def _host_error(host: str) -> str | None:
    """Why a host is unusable, or None."""
    if not host:
        return "首页地址缺少域名 (no host in URL)"
    if re.search(r"\s", host):
        return "首页地址的域名中含有空格 (space in host)"
    try:
        ipaddress.ip_address(host.strip("[]"))
        return None
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return f"首页地址的域名无效 (invalid host: {host})"
    labels = ascii_host.rstrip(".").split(".")
    if not all(_LABEL.match(label) for label in labels):
        return f"首页地址的域名无效 (invalid host: {host})"
    if len(labels) < 2 and ascii_host != "localhost":
        return f"首页地址的域名不完整 (incomplete host: {host})"
    return None


def normalise_site_url(raw: str) -> tuple[str, str | None]:
    """(url, error): the URL as it will be fetched, or the given text and a one-line reason.

    A bare host (``www.x.gov.cn``) gets ``http://`` (what a browser would try first), and an
    empty path becomes ``/``.
    """
    text = _INVISIBLE.sub(" ", raw or "").strip()
    if not text:
        return raw or "", "首页地址为空 (empty URL)"
    url = text
    if "://" not in url:
        if url.startswith("//"):
            url = "http:" + url
        elif re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)", url):
            # mailto:, javascript:, ftp:… without slashes (but not host:port).
            scheme = url.split(":", 1)[0].lower()
            return text, f"首页地址协议不受支持 (unsupported scheme: {scheme})"
        else:
            url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError as err:
        return text, f"首页地址无法解析 (unparseable URL: {err})"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return text, f"首页地址协议不受支持 (unsupported scheme: {scheme or '?'})"
    netloc = parts.netloc
    if re.search(r"\s", netloc):
        return text, "首页地址的域名中含有空格 (space in host)"
    host = parts.hostname or ""
    error = _host_error(host)
    if error:
        return text, error
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return text, "首页地址端口无效 (invalid port)"
    if re.search(r"\s", parts.path + parts.query):
        return text, "首页地址中含有空格 (space in URL)"
    path = parts.path or "/"
    rebuilt = f"{scheme}://{netloc}{path}"
    if parts.query:
        rebuilt += "?" + parts.query
    return rebuilt, None


def _aliases(text: str) -> tuple[str, ...]:
    """Other hosts of the site; URLs given there are reduced to their host."""
    out: list[str] = []
    for item in _ALIAS_SPLIT.split(text):
        item = item.strip()
        if not item:
            continue
        host = urlsplit(item if "://" in item else "http://" + item).hostname or ""
        if host and host not in out:
            out.append(host)
    return tuple(out)


# -- file formats ---------------------------------------------------------------------------


def _decode_csv(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    if b"\x00" in data[:4096]:
        raise SitesFileError(f"网站清单 {name} 不是文本格式的 CSV (binary content, not CSV)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Excel in China saves "CSV" as GBK; GB18030 is its superset and decodes every GBK file.
    return data.decode("gb18030", "replace")


def _csv_rows(data: bytes, name: str) -> list[list[Any]]:
    text = _decode_csv(data, name)
    # The separator used most in the first lines (a title row above the header has none).
    head = "\n".join(text.splitlines()[:_MAX_HEADER_SEARCH + 1])
    delimiter = max([",", "\t", ";"], key=head.count)
    if head.count(delimiter) == 0:
        delimiter = ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as err:
        raise SitesFileError(f"网站清单 {name} 无法按 CSV 读取 (CSV error: {err})") from None


def _xlsx_rows(data: bytes, path: Path) -> list[list[Any]]:
    try:
        from govinspect.workbooks import load_openpyxl

        openpyxl = load_openpyxl()
    except ImportError:  # pragma: no cover - a declared dependency
        raise SitesFileError("读取 XLSX 需要 openpyxl (openpyxl not installed)") from None
    try:
        with warnings.catch_warnings():
            # Real registries carry odd styles/validations; openpyxl warns, we only need values.
            warnings.simplefilter("ignore")
            # From memory: openpyxl judges a path by its suffix, and a renamed file is common.
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if not wb.worksheets:
                    raise SitesFileError(f"网站清单 {path.name} 中没有工作表 (no sheet in workbook)")
                return [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]
            finally:
                wb.close()
    except SitesFileError:
        raise
    except Exception as err:  # openpyxl raises many types for corrupt files
        raise SitesFileError(
            f"网站清单 {path.name} 无法按 XLSX 读取 (cannot read XLSX: {type(err).__name__})"
        ) from None


def _load_rows(path: Path) -> list[list[Any]]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SitesFileError(f"网站清单 {path} 不存在 (file not found)") from None
    except IsADirectoryError:
        raise SitesFileError(f"网站清单 {path} 是目录而不是文件 (is a directory)") from None
    except OSError as err:
        raise SitesFileError(f"网站清单 {path} 无法读取 ({err.strerror or err})") from None
    if not data.strip():
        raise SitesFileError(f"网站清单 {path.name} 是空文件 (empty file)")
    # Decide by content, not by suffix: people rename .xlsx to .csv and back.
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data, path)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SitesFileError(
            f"网站清单 {path.name} 是旧版 Excel (.xls)，请另存为 .xlsx 或 CSV (old .xls not supported)"
        )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise SitesFileError(f"网站清单 {path.name} 不是有效的 XLSX 文件 (not a valid XLSX)")
    return _csv_rows(data, path.name)


def _find_header(rows: Sequence[Sequence[Any]], name: str) -> tuple[int, dict[str, list[int]]]:
    """(header row index, field → column indexes) — the first row naming a URL column."""
    for r, row in enumerate(rows[:_MAX_HEADER_SEARCH]):
        columns: dict[str, list[int]] = {}
        for c, cell in enumerate(row):
            field = _HEADER_LOOKUP.get(_norm_header(cell))
            if field:
                columns.setdefault(field, []).append(c)
        if "url" in columns:
            return r, columns
    raise SitesFileError(
        f"网站清单 {name} 中找不到首页地址列，表头应含“首页地址”或“url” (no url column in header)"
    )


def _pick(row: Sequence[Any], indexes: Iterable[int]) -> str:
    """The first non-empty cell among the columns mapped to one field."""
    for i in indexes:
        if i < len(row):
            text = _cell_text(row[i])
            if text:
                return text
    return ""


_OVERRIDE_SPLIT = re.compile(r"[;；\n]+")
_CATEGORY_WORDS = {
    "动态要闻": "news", "动态": "news", "要闻": "news", "通知公告": "notice", "政策文件": "policy",
    "应更新栏目": "should_update", "应更新": "should_update", "基本信息": "static", "无更新要求": "static",
    "互动交流": "interaction", "办事服务": "service", "其他": "other",
}


def _column_overrides(text: str) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """`通知公告=notice; http://…/zcjd/=policy` → ((key, category), …), or an error sentence.

    A category is an English id (news, notice, policy, should_update, static, interaction,
    service, other) or its Chinese label (动态要闻, 通知公告 …). An unknown one is an error of the
    row: a typo must not silently switch a column's check off.
    """
    from govinspect.analyze.columns import CATEGORIES

    out: list[tuple[str, str]] = []
    for part in _OVERRIDE_SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.replace("＝", "=").rpartition("=")
        key, value = key.strip(), value.strip()
        category = value.lower() if value.lower() in CATEGORIES else _CATEGORY_WORDS.get(value)
        if not sep or not key or category is None:
            return (), f"栏目分类“{part}”无法识别，应写作“栏目名或栏目网址=类别”，类别为 {'、'.join(CATEGORIES)} 或其中文名 (bad column category)"
        out.append((key, category))
    return tuple(out), None


def read_sites(path: Path) -> list[SiteSpec]:
    """Sites listed in a CSV or XLSX registry, in file order; blank rows skipped.

    Raises SitesFileError when the file cannot be used at all.
    """
    path = Path(path)
    rows = _load_rows(path)
    header_at, columns = _find_header(rows, path.name)
    sites: list[SiteSpec] = []
    for row in rows[header_at + 1:]:
        values = {field: _pick(row, idx) for field, idx in columns.items()}
        if not any(values.values()):
            continue  # blank row (or one with only a 序号 or remarks)
        url, error = normalise_site_url(values.get("url", ""))
        overrides, override_error = _column_overrides(values.get("column_categories", ""))
        sites.append(
            SiteSpec(
                url=url,
                site_code=_site_code(values.get("site_code", "")),
                name=values.get("name") or None,
                organiser=values.get("organiser") or None,
                region=values.get("region") or None,
                portal=_portal(values.get("portal", "")),
                services=_portal(values.get("services", "")),
                aliases=_aliases(values.get("aliases", "")),
                column_overrides=overrides,
                input_error=error or override_error,
            )
        )
    return sites
