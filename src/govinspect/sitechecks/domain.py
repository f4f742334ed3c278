"""Domain and address rules (国办发〔2017〕47号, 国办函〔2018〕55号): pure judgements on host names.

- suffix: an English domain ends in `.gov.cn`, a Chinese one in `.政务` (hosts arrive as
  Punycode and are compared in their Unicode form);
- portal pattern: a 政府门户网站 answers at `www.XXX.gov.cn` (or `www.gov.cn`);
- department pattern: a department site is a subdomain of its portal's domain, when the run
  knows that portal; vertically managed bodies under their ministry's domain are fine;
- address: the registered homepage versus where the site really answers (another host, https).

Each rule says True/False when it could be judged and None when it could not (no portal known,
a literal IP), so the findings never rest on a guess.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from govinspect.sitechecks.data import sitecheck_data


def unicode_host(host: str) -> str:
    """The host in Unicode (IDNA-decoded label by label), lower-case, without a trailing dot."""
    labels = host.strip().lower().rstrip(".").split(".")
    out = []
    for label in labels:
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except (UnicodeError, ValueError):
                pass
        out.append(label)
    return ".".join(out)


def host_of(url: str) -> str:
    """The host of a URL in Unicode form ('' when it has none)."""
    try:
        return unicode_host(urlsplit(url).hostname or "")
    except ValueError:
        return ""


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def gov_suffix(host: str) -> str | None:
    """The government suffix the host ends in (`gov.cn`, `政务`), or None."""
    for suffix in sitecheck_data()["domain"]["suffixes"]:
        if host == suffix or host.endswith("." + suffix):
            return str(suffix)
    return None


def portal_base(host: str) -> str:
    """A portal's own domain: its host without a leading `www.`."""
    return host[4:] if host.startswith("www.") else host


def portal_pattern_ok(host: str) -> bool:
    """`www.XXX.gov.cn` / `www.XXX.政务` (one label between), or 中国政府网's `www.gov.cn`."""
    suffix = gov_suffix(host)
    if suffix is None or not host.startswith("www."):
        return False
    middle = host[4 : -len(suffix)].rstrip(".")
    return middle == "" or "." not in middle


def under_domain(host: str, base: str) -> bool:
    """Whether `host` is `base` itself or one of its subdomains."""
    return host == base or host.endswith("." + base)


def vertical_domain(host: str) -> str | None:
    """The ministry domain a vertically managed body's host sits under, if any."""
    for base in sitecheck_data()["domain"]["vertical_domains"]:
        if under_domain(host, str(base)):
            return str(base)
    return None


def same_site_host(a: str, b: str) -> bool:
    """Two hosts a visitor sees as one site: equal, or equal but for a leading `www.`."""
    return portal_base(a) == portal_base(b)


def judge_domain(
    url: str,
    *,
    portal: bool | None,
    final_url: str | None = None,
    aliases: tuple[str, ...] = (),
    portal_host: str | None = None,
) -> dict[str, Any]:
    """The domain facts of one site (results.json `domain`).

    `url` is the registered homepage, `final_url` where its GET really ended (None: not
    fetched), `portal_host` the host of the same region's portal when the run has one.
    """
    registered = host_of(url)
    final_host = host_of(final_url) if final_url else None
    # The rules judge the host visitors really reach; a stale registry is its own fact (moved).
    host = final_host or registered
    scheme = urlsplit(url).scheme
    final_scheme = urlsplit(final_url).scheme if final_url else None
    ip = _is_ip(host)
    suffix = None if ip else gov_suffix(host)
    out: dict[str, Any] = {
        "host": host,
        "registered_host": registered,
        "registered_url": url,
        "final_url": final_url,
        "final_host": final_host,
        "suffix": suffix,
        "suffix_ok": None if ip else suffix is not None,
        "portal_pattern_ok": None,
        "under_portal": None,
        "portal_host": portal_host,
        "vertical_domain": None,
        "moved": None,
        "to_https": None,
    }
    if portal is True and not ip:
        out["portal_pattern_ok"] = portal_pattern_ok(host)
    if portal is False and not ip and suffix is not None:
        vertical = vertical_domain(host)
        out["vertical_domain"] = vertical
        if vertical is not None:
            out["under_portal"] = None  # the ministry's domain is the right parent
        elif portal_host:
            out["under_portal"] = under_domain(host, portal_base(host_of("http://" + portal_host)))
    if final_host is not None:
        known = {registered, *(unicode_host(a) for a in aliases)}
        out["moved"] = not any(same_site_host(final_host, k) for k in known)
        out["to_https"] = scheme == "http" and final_scheme == "https"
    return out


def domain_problems(facts: dict[str, Any]) -> list[str]:
    """The rule breaches among the facts, as short Chinese phrases for a 通报."""
    out: list[str] = []
    if facts.get("suffix_ok") is False:
        out.append(f"网站域名{facts['host']}未使用“.gov.cn”或“.政务”后缀")
    if facts.get("portal_pattern_ok") is False:
        out.append(f"门户网站域名{facts['host']}不符合“www.XXX.gov.cn”格式")
    if facts.get("under_portal") is False:
        base = portal_base(facts.get("portal_host") or "")
        out.append(f"部门网站域名{facts['host']}未使用本级政府门户网站域名（{base}）的下级域名")
    return out
