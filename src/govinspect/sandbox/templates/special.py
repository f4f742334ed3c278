"""Pages that are not the site's own: the soft-404 page, anti-bot challenges, 429 pages."""

from __future__ import annotations

import hashlib


def token(seed: str, n: int = 32) -> str:
    """A random-looking but deterministic token."""
    return hashlib.sha256(seed.encode()).hexdigest()[:n]


SOFT_404 = (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
    "<title>页面不存在</title>"
    "<style>.err{width:600px;margin:120px auto;text-align:center;color:#666}</style></head>"
    '<body><div class="err"><h2>抱歉，您访问的页面不存在或已被删除！</h2>'
    "<p>请检查您输入的网址是否正确，或点击下方链接返回首页。</p>"
    '<p><a href="/">返回首页</a></p></div></body></html>'
)


def soft_404_page() -> str:
    """The one page a soft-404 site answers (HTTP 200) for every unknown URL."""
    return SOFT_404


def challenge_page(kind: str, host: str, path: str) -> tuple[str, list[tuple[str, str]]]:
    """(HTML, extra headers) of an anti-bot challenge: ruishu_412 | js_403 | jsl_521."""
    t = token(f"{kind}:{host}:{path}")
    if kind == "ruishu_412":
        body = (
            '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            f'<meta id="9DhefwqGPrzGxEp9hPaoag" content="{t}{token(t, 64)}" r="m">'
            '<script type="text/javascript" r="m">var $_ts=window["$_ts"];if(!$_ts)$_ts={};'
            f'$_ts.nsd=83512;$_ts.cd="{token(t + "cd", 48)}";</script>'
            f'<script type="text/javascript" r="m">document.cookie="FSSBBIl1UgzbN7N80T={t}; path=/";'
            "location.reload();</script></head><body></body></html>"
        )
        headers = [("Set-Cookie", f"FSSBBIl1UgzbN7N80S={token(t + 's', 48)}; Path=/; HttpOnly")]
    elif kind == "js_403":
        body = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>访问验证</title></head><body>'
            "<noscript>请开启JavaScript后访问</noscript>"
            f'<script>var _v="{t}";document.cookie="wzws_cid="+_v+"; path=/";'
            "setTimeout(function(){location.reload();},100);</script></body></html>"
        )
        headers = [("Set-Cookie", f"wzws_sessionid={token(t + 'w', 40)}; Path=/")]
    else:  # jsl_521 (加速乐)
        body = (
            "<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')"
            f"+('a')+('n')+('c')+('e')+('_')+('s')+('=')+('{t}')+';max-age=3600;path=/';"
            "location.href=location.pathname+location.search</script>"
        )
        headers = [("Set-Cookie", f"__jsluid_h={token(t + 'j', 32)}; max-age=31536000; path=/; HttpOnly")]
    return body, headers


TOO_MANY = (
    "<html><head><title>429 Too Many Requests</title></head><body>"
    "<center><h1>429 Too Many Requests</h1></center><hr><center>访问过于频繁，请稍后再试</center></body></html>"
)

UNKNOWN_HOST = "<html><head><title>404</title></head><body><h1>unknown host</h1></body></html>"
