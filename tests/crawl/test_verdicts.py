"""Link verdicts: dead only when the server or network says so plainly; WAFs and 429 are blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

from govinspect.crawl.verdicts import classify, looks_like_not_found, should_retry, text_similarity
from govinspect.net.types import FetchResult

FIXTURES = Path(__file__).parent.parent / "fixtures" / "challenges"


def response(status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8") -> FetchResult:
    return FetchResult(
        url="http://www.qingshan.gov.cn/xxgk/tzgg/index.html", method="GET", outcome="ok",
        final_url="http://www.qingshan.gov.cn/xxgk/tzgg/index.html", status=status,
        headers=[("Content-Type", content_type)], body=body,
    )


def failure(outcome: str) -> FetchResult:
    return FetchResult(url="http://www.gone.gov.cn/", method="GET", outcome=outcome,
                       final_url="http://www.gone.gov.cn/", detail=outcome)


def test_a_404_is_dead_with_its_status():
    v = classify(response(404, b"<html><title>404 Not Found</title></html>"))
    assert (v.verdict, v.reason, v.status) == ("dead", "http_404", 404)


def test_a_500_is_dead():
    assert classify(response(500, b"Internal Server Error")).reason == "http_500"


def test_ruishu_412_challenge_is_blocked_not_dead():
    v = classify(response(412, (FIXTURES / "ruishu_412.html").read_bytes()))
    assert (v.verdict, v.reason) == ("blocked", "waf_challenge")


def test_any_412_is_blocked_even_without_a_recognised_body():
    assert classify(response(412, b"")).verdict == "blocked"


def test_jiasule_521_cookie_challenge_is_blocked():
    v = classify(response(521, (FIXTURES / "jiasule_521.html").read_bytes()))
    assert v.verdict == "blocked"


def test_403_with_js_cookie_challenge_is_blocked():
    v = classify(response(403, (FIXTURES / "cookie_challenge_403.html").read_bytes()))
    assert (v.verdict, v.reason) == ("blocked", "waf_challenge")


def test_plain_nginx_403_is_dead():
    v = classify(response(403, (FIXTURES / "plain_403.html").read_bytes()))
    assert (v.verdict, v.reason) == ("dead", "http_403")


def test_429_after_back_off_is_blocked_as_rate_limited():
    v = classify(response(429, b"Too Many Requests"))
    assert (v.verdict, v.reason) == ("blocked", "rate_limited")


def test_200_challenge_page_is_blocked_but_a_normal_page_with_scripts_is_ok():
    assert classify(response(200, (FIXTURES / "cookie_challenge_403.html").read_bytes())).verdict == "blocked"
    normal = (
        "<html><head><title>通知公告</title><script>var _hmt = _hmt || [];"
        "document.cookie='font=big';</script></head><body>"
        + "<li><a href='/a.html'>关于开展2024年度安全生产检查的通知</a><span>2024-06-12</span></li>" * 40
        + "</body></html>"
    ).encode()
    assert classify(response(200, normal)).verdict == "ok"


@pytest.mark.parametrize(
    "outcome,reason",
    [("dns", "dns"), ("refused", "refused"), ("timeout", "timeout"), ("connect_timeout", "timeout"),
     ("tls", "tls"), ("redirect_loop", "redirect_loop"), ("too_many_redirects", "too_many_redirects"),
     ("reset", "reset")],
)
def test_transport_failures_are_dead_with_a_reason(outcome: str, reason: str):
    v = classify(failure(outcome))
    assert (v.verdict, v.reason) == ("dead", reason)


def test_refused_by_our_ssrf_guard_is_not_dead():
    assert classify(failure("blocked_private")).verdict == "blocked"


def test_unexpected_local_error_is_never_published_as_dead():
    assert classify(failure("error")).verdict == "unchecked"


def test_retry_policy_retries_errors_but_not_dns_or_challenges():
    assert should_retry(response(404))
    assert should_retry(response(503))
    assert should_retry(failure("timeout"))
    assert not should_retry(failure("dns"))
    assert not should_retry(response(412))
    assert not should_retry(response(200))


def test_not_found_wording_is_recognised_in_gbk_pages():
    text = (FIXTURES / "not_found_gbk_source.html").read_text(encoding="utf-8")
    assert looks_like_not_found(text)
    assert not looks_like_not_found("关于印发《青山县2024年政务公开工作要点》的通知 发布日期：2024-06-12")


def test_similarity_tells_the_same_error_page_from_an_article():
    page = (FIXTURES / "not_found_gbk_source.html").read_text(encoding="utf-8")
    other_url_same_page = page.replace("/images/404.png", "/images/404.png?v=2")
    article = "青山县人民政府关于做好2024年防汛工作的通知。各乡镇人民政府，县直各单位：" * 20
    assert text_similarity(page, other_url_same_page) > 0.9
    assert text_similarity(page, article) < 0.3


def test_incomplete_certificate_chain_is_not_dead_but_an_expired_certificate_is():
    chain = failure("tls")
    chain.detail = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)"
    assert classify(chain).verdict == "unchecked"
    expired = failure("tls")
    expired.detail = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)"
    assert (classify(expired).verdict, classify(expired).reason) == ("dead", "tls")
