"""The identity marks of a page's footer (页面底部功能区): 网站标识码, ICP备案号, 公安机关备案号,
党政机关网站标识, 我为政府网站找错 entry (and the site code in its link), 主办单位, contact and
网站地图.

The footer is found without a CMS's class names: it is the part of the HTML from a little
before the first footer marker (网站标识码, ICP备, 公网安备, 主办单位, 版权所有 …) of the last
cluster of such markers, to the end. Text marks are read there (so a notice that mentions a
主办单位 in its body is not taken for the site's); the badges are searched on the whole page,
because they are scripts and images whose only trace may be a host name (dcs.conac.cn,
zfwzgl.www.gov.cn). Runs on every page: one regex pass over the footer text, no tree walk.
"""

from __future__ import annotations

import html as htmllib
import re
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

from govinspect.yamlfiles import load_yaml

__all__ = ["FooterFacts", "footer_rules", "page_footer", "site_code_problem"]

MARKER_GAP = 6000  # markers further apart than this belong to different parts of the page
# The markers are first searched in this many characters at the end of the page only: the
# footer sits there, and a regex pass over a whole 100-KB page costs more than the rest of
# this module. The whole page is searched when the tail cannot settle where the cluster starts.
TAIL_SCAN = 8000
# Distinct footer regions whose text facts are kept: every page of a site repeats its footer
# byte for byte, so its text is read once per site instead of once per page.
REGION_CACHE_MAX = 512
# … and only regions up to this long (a page whose markers sit high up has most of the page as
# its "footer": such regions are read each time rather than kept).
REGION_CACHE_MAX_CHARS = 20_000
_TAG_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<[^>]+>", re.S | re.I)
_WS_RE = re.compile(r"\s+")
_HREF_RE = re.compile(r"""<a\b[^>]*?href\s*=\s*["']?([^"'\s>]+)[^>]*>(.*?)</a\s*>""", re.S | re.I)
_CODE_IN_LINK_RE = re.compile(r"""site_?code\s*[=:]\s*["']?([A-Za-z0-9]{6,12})""", re.I)
_PHONE_RE = re.compile(r"(?:\(?0\d{2,3}\)?[-\s]?)?\d{7,8}(?:-\d{1,4})?|1[3-9]\d{9}|12345")
_MAILTO_RE = re.compile(r"""href\s*=\s*["']?(?:mailto|tel):([^"'\s>?]+)""", re.I)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class FooterFacts(NamedTuple):
    """The footer marks of one page (None/False when not shown)."""

    site_code: str | None
    icp: str | None
    psb: str | None
    conac: bool
    zhaocuo: bool
    zhaocuo_site_code: str | None
    organiser: str | None
    contact: str | None
    sitemap: bool
    found: bool  # a footer region was found at all


@lru_cache(maxsize=1)
def footer_rules() -> dict[str, Any]:
    """The parsed `data/footer.yaml` with its compiled patterns."""
    text = resources.files("govinspect.data").joinpath("footer.yaml").read_text("utf-8")
    conf: dict[str, Any] = load_yaml(text)
    shorts = re.escape(conf["province_shorts"])
    labels = "|".join(map(re.escape, sorted(conf["site_code_labels"], key=len, reverse=True)))
    conf["_code"] = re.compile(rf"(?:{labels})\s*[:：]?\s*(bm\d{{8}}|\d{{10}})(?![\dA-Za-z])", re.I)
    conf["_icp"] = re.compile(rf"([{shorts}]\s*ICP\s*备\s*\d{{6,10}}\s*号(?:\s*-\s*\d{{1,3}})?)", re.I)
    conf["_psb"] = re.compile(rf"([{shorts}]\s*公网安备\s*\d{{12,14}}\s*号?)")
    org = "|".join(map(re.escape, sorted(conf["organiser_labels"], key=len, reverse=True)))
    conf["_org"] = re.compile(rf"(?:{org})(?:单位)?\s*[:：]\s*([^\s:：|｜,，;；]{{2,40}})")
    fallback = "|".join(map(re.escape, conf.get("organiser_fallback_labels", [])))
    conf["_org_fallback"] = re.compile(rf"(?:{fallback})\s*[:：©]?\s*([^\s:：|｜,，;；©]{{2,40}})") if fallback else None
    contact = "|".join(map(re.escape, sorted(conf["contact_labels"], key=len, reverse=True)))
    conf["_contact"] = re.compile(rf"(?:{contact})\s*[:：]\s*([^|｜;；]{{4,60}})")
    conf["_markers"] = re.compile("|".join(map(re.escape, conf["markers"])))
    # Without overlaps between markers the regex's matches from any position are exactly the
    # occurrences found there, so a scan of the page's tail agrees with a scan of the page.
    conf["_markers_disjoint"] = not _markers_overlap(conf["markers"])
    # ASCII markers are searched in the page's UTF-8 bytes lowered (bytes.lower() touches ASCII
    # only, and is far cheaper than str.lower() of a Chinese page).
    conf["_ascii_marks"] = all(m.isascii() for m in [*conf["conac_markers"], *conf["zhaocuo_hosts"]])
    conf["_conac_b"] = tuple(m.lower().encode() for m in conf["conac_markers"])
    conf["_zhaocuo_b"] = tuple(h.encode() for h in conf["zhaocuo_hosts"])
    conf["_region_cache"] = {}
    return conf


def _markers_overlap(markers: list[str]) -> bool:
    """Whether one marker can overlap another (a suffix of one starts another, or contains it)."""
    for a in markers:
        for i in range(1, len(a)):
            tail = a[i:]
            if any(b and (b.startswith(tail) or tail.startswith(b)) for b in markers):
                return True
    return any(not m for m in markers)


def _cluster_start(positions: list[int]) -> tuple[int, bool]:
    """Where the last cluster of marker positions starts, and whether a gap ended it."""
    start = positions[-1]
    for pos in reversed(positions[:-1]):
        if start - pos > MARKER_GAP:
            return start, True
        start = pos
    return start, False


def _footer_region(page: str, lead: int, positions: list[int] | None = None) -> str | None:
    """The HTML from a little before the last cluster of footer markers to the end
    (`positions`: every marker occurrence's start, ascending, when the caller has them)."""
    if positions is not None:
        if not positions:
            return None
        start, _ended = _cluster_start(positions)
        return page[max(0, start - lead) :]
    conf = footer_rules()
    markers = conf["_markers"]
    tail = len(page) - TAIL_SCAN
    if tail > 0 and conf["_markers_disjoint"]:
        positions = [m.start() for m in markers.finditer(page, tail)]
        if positions:
            start, ended = _cluster_start(positions)
            # Settled when a gap inside the tail ended the cluster, or when no marker before
            # the tail can be near enough to join it.
            if ended or start - tail >= MARKER_GAP:
                return page[max(0, start - lead) :]
    positions = [m.start() for m in markers.finditer(page)]
    if not positions:
        return None
    start, _ended = _cluster_start(positions)
    return page[max(0, start - lead) :]


def _text(fragment: str) -> str:
    return _WS_RE.sub(" ", htmllib.unescape(_TAG_RE.sub(" ", fragment))).strip()


def _clean_value(value: str) -> str:
    return value.strip(" 　.。,，;；|｜")


def site_code_problem(code: str | None) -> str | None:
    """Why a 网站标识码 is malformed ('format'), of an unknown region ('region'), or None."""
    if not code:
        return None
    conf = footer_rules()
    if re.fullmatch(r"bm\d{8}", code, re.I):
        return None
    if not re.fullmatch(r"\d{10}", code):
        return "format"
    return None if code[:2] in conf["province_codes"] else "region"


def _badges(html: str, conf: dict[str, Any]) -> tuple[bool, bool, str | None]:
    """(党政机关 badge, 找错 entry, the site code in the 找错 link) searched on the whole page.

    Host names and badge markers are ASCII: they are searched in the page's UTF-8 bytes with
    ASCII letters lowered (bytes.lower()), which equals searching `html.lower()` as long as the
    page holds neither U+0130 nor U+212A (the only characters that lower to ASCII letters);
    str.lower() of a Chinese page costs several times more."""
    zhaocuo_code = None
    if conf["_ascii_marks"] and "\u0130" not in html and "\u212a" not in html:
        lowered_b = html.encode("utf-8", "surrogatepass").lower()
        conac = any(m in lowered_b for m in conf["_conac_b"])
        zhaocuo_link = False
        for host in conf["_zhaocuo_b"]:
            j = lowered_b.find(host)
            if j >= 0:
                zhaocuo_link = True
            while j >= 0 and zhaocuo_code is None:
                # A host name starts at an ASCII byte, a character boundary: its character
                # offset is the page's length less the characters after it (the footer's
                # few, where the host usually is).
                i = len(html) - len(lowered_b[j:].decode("utf-8", "surrogatepass"))
                zhaocuo_code = _code_near(html, i)
                j = lowered_b.find(host, j + 1)
        zhaocuo = zhaocuo_link or any(w in html for w in conf["zhaocuo_words"])
        return conac, zhaocuo, zhaocuo_code
    lowered = html.lower()
    conac = any(m.lower() in lowered for m in conf["conac_markers"])
    zhaocuo_link = any(h in lowered for h in conf["zhaocuo_hosts"])
    zhaocuo = zhaocuo_link or any(w in html for w in conf["zhaocuo_words"])
    if zhaocuo_link:
        for host in conf["zhaocuo_hosts"]:
            i = lowered.find(host)
            while i >= 0 and zhaocuo_code is None:
                zhaocuo_code = _code_near(html, i)
                i = lowered.find(host, i + 1)
    return conac, zhaocuo, zhaocuo_code


def _code_near(html: str, i: int) -> str | None:
    """The site code written near a 找错 host at `i`: in the link (…jiucuo.html?site_code=…)
    or in the script tag (<script id="_jiucuo_" sitecode='…' src='…/jiucuo.js'>)."""
    m = _CODE_IN_LINK_RE.search(html[max(0, i - 300) : i + 300])
    return m.group(1) if m else None


def page_footer(html: str, *, markers: list[int] | None = None) -> FooterFacts:
    """The footer marks of a decoded page (see the module docstring); `markers`: the start of
    every footer marker occurrence, ascending, when the caller found them already
    (`pagescan.scan_page`)."""
    conf = footer_rules()
    conac, zhaocuo, zhaocuo_code = _badges(html, conf)
    region = _footer_region(html, int(conf["lead_chars"]), markers)
    if region is None:
        return FooterFacts(None, None, None, conac, zhaocuo, zhaocuo_code, None, None, False, False)
    cache: dict[str, tuple[Any, ...]] = conf["_region_cache"]
    if len(region) > REGION_CACHE_MAX_CHARS:
        marks = _region_marks(region, conf)
    else:
        marks = cache.get(region)
        if marks is None:
            marks = _region_marks(region, conf)
            if len(cache) >= REGION_CACHE_MAX:
                cache.clear()  # a crawl moves on from site to site; the next pages refill it
            cache[region] = marks
    site_code, icp, psb, organiser, contact, sitemap = marks
    return FooterFacts(
        site_code=site_code,
        icp=icp,
        psb=psb,
        conac=conac,
        zhaocuo=zhaocuo,
        zhaocuo_site_code=zhaocuo_code,
        organiser=organiser,
        contact=contact,
        sitemap=sitemap,
        found=True,
    )


def _region_marks(region: str, conf: dict[str, Any]) -> tuple[Any, ...]:
    """The text marks of a footer region: (site code, ICP, 公安 record, organiser, contact,
    site map link). A pure function of the region, so its result is shared between pages."""
    text = _text(region)
    code = conf["_code"].search(text)
    icp = conf["_icp"].search(text)
    psb = conf["_psb"].search(text)
    org = conf["_org"].search(text)
    if org is None and conf["_org_fallback"] is not None:
        org = conf["_org_fallback"].search(text)
    contact = None
    for m in conf["_contact"].finditer(text):
        value = m.group(1)
        found = _PHONE_RE.search(value) or _EMAIL_RE.search(value)
        if found is not None:
            contact = found.group(0)
            break
    if contact is None:
        found = _EMAIL_RE.search(text) or _MAILTO_RE.search(region)
        contact = found.group(1) if found is not None and found.re is _MAILTO_RE else found.group(0) if found else None
    sitemap = any(any(w in _text(m.group(2)) for w in conf["sitemap_words"]) for m in _HREF_RE.finditer(region))
    return (
        code.group(1) if code else None,
        _WS_RE.sub("", icp.group(1)) if icp else None,
        _WS_RE.sub(" ", psb.group(1)).replace("公网安备 ", "公网安备") if psb else None,
        _clean_value(org.group(1)) if org else None,
        contact,
        sitemap,
    )
