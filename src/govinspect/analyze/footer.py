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

import yaml

__all__ = ["FooterFacts", "footer_rules", "page_footer", "site_code_problem"]

MARKER_GAP = 6000  # markers further apart than this belong to different parts of the page
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
    conf: dict[str, Any] = yaml.safe_load(text)
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
    return conf


def _footer_region(page: str, lead: int) -> str | None:
    """The HTML from a little before the last cluster of footer markers to the end."""
    conf = footer_rules()
    positions = [m.start() for m in conf["_markers"].finditer(page)]
    if not positions:
        return None
    start = positions[-1]
    for pos in reversed(positions[:-1]):
        if start - pos > MARKER_GAP:
            break
        start = pos
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


def page_footer(html: str) -> FooterFacts:
    """The footer marks of a decoded page (see the module docstring)."""
    conf = footer_rules()
    lowered = html.lower()
    conac = any(m.lower() in lowered for m in conf["conac_markers"])
    zhaocuo_link = any(h in lowered for h in conf["zhaocuo_hosts"])
    zhaocuo = zhaocuo_link or any(w in html for w in conf["zhaocuo_words"])
    zhaocuo_code = None
    if zhaocuo_link:
        for host in conf["zhaocuo_hosts"]:
            i = lowered.find(host)
            while i >= 0 and zhaocuo_code is None:
                # The code sits in the link (…jiucuo.html?site_code=…) or in the script tag
                # (<script id="_jiucuo_" sitecode='…' src='…/jiucuo.js'>): look around the host.
                window = html[max(0, i - 300) : i + 300]
                m = _CODE_IN_LINK_RE.search(window)
                if m:
                    zhaocuo_code = m.group(1)
                i = lowered.find(host, i + 1)
    region = _footer_region(html, int(conf["lead_chars"]))
    if region is None:
        return FooterFacts(None, None, None, conac, zhaocuo, zhaocuo_code, None, None, False, False)
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
    return FooterFacts(
        site_code=code.group(1) if code else None,
        icp=_WS_RE.sub("", icp.group(1)) if icp else None,
        psb=_WS_RE.sub(" ", psb.group(1)).replace("公网安备 ", "公网安备") if psb else None,
        conac=conac,
        zhaocuo=zhaocuo,
        zhaocuo_site_code=zhaocuo_code,
        organiser=_clean_value(org.group(1)) if org else None,
        contact=contact,
        sitemap=sitemap,
        found=True,
    )
