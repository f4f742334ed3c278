"""Domain rules on real-looking hosts (国办发〔2017〕47号 3.2): suffix, portal pattern,
department under its portal, and the registered address versus where the site answers."""

from govinspect.sitechecks.domain import domain_problems, judge_domain


def test_portal_on_www_gov_cn_is_clean():
    facts = judge_domain("http://www.jingzhou.gov.cn/", portal=True, final_url="http://www.jingzhou.gov.cn/")
    assert (facts["suffix_ok"], facts["portal_pattern_ok"], facts["moved"]) == (True, True, False)
    assert domain_problems(facts) == []


def test_hyphenated_and_national_portals_fit_the_pattern():
    assert judge_domain("http://www.jing-zhou.gov.cn/", portal=True)["portal_pattern_ok"] is True
    assert judge_domain("https://www.gov.cn/", portal=True)["portal_pattern_ok"] is True


def test_portal_below_the_province_domain_breaks_the_pattern():
    facts = judge_domain("http://wenchang.hainan.gov.cn/", portal=True)
    assert facts["portal_pattern_ok"] is False
    assert domain_problems(facts) == ["门户网站域名wenchang.hainan.gov.cn不符合“www.XXX.gov.cn”格式"]


def test_department_under_its_portal_and_outside_it():
    ok = judge_domain("http://slj.bd.gov.cn/", portal=False, portal_host="www.bd.gov.cn")
    assert ok["under_portal"] is True
    bad = judge_domain("http://www.bdslj.gov.cn/", portal=False, portal_host="www.bd.gov.cn")
    assert bad["under_portal"] is False
    assert "未使用本级政府门户网站域名（bd.gov.cn）的下级域名" in domain_problems(bad)[0]


def test_vertically_managed_bodies_and_unknown_portals_are_not_judged():
    tax = judge_domain("https://hubei.chinatax.gov.cn/", portal=False, portal_host="www.jingzhou.gov.cn")
    assert tax["under_portal"] is None and tax["vertical_domain"] == "chinatax.gov.cn"
    assert judge_domain("http://gsj.jingzhou.gov.cn/", portal=False)["under_portal"] is None


def test_wrong_suffix_and_chinese_domain():
    com = judge_domain("http://www.hnzhjy.com/", portal=False)
    assert com["suffix_ok"] is False and "未使用“.gov.cn”或“.政务”后缀" in domain_problems(com)[0]
    chinese = judge_domain("http://xn--fiq228c.xn--zfr164b/", portal=False)  # 中文.政务 in Punycode
    assert chinese["suffix_ok"] is True and chinese["host"].endswith(".政务")


def test_address_moved_to_another_domain_but_not_for_www_or_https():
    moved = judge_domain("http://www.old-sfj.gov.cn/", portal=False, final_url="http://sfj.jingzhou.gov.cn/")
    assert moved["moved"] is True and moved["host"] == "sfj.jingzhou.gov.cn"
    www = judge_domain("http://jingzhou.gov.cn/", portal=True, final_url="https://www.jingzhou.gov.cn/index.html")
    assert (www["moved"], www["to_https"]) == (False, True)


def test_literal_ip_is_not_judged():
    facts = judge_domain("http://59.173.2.10/", portal=True)
    assert facts["suffix_ok"] is None and facts["portal_pattern_ok"] is None and domain_problems(facts) == []


def test_resolve_takes_an_ipv6_address_beside_the_ipv4_one():
    from govinspect.cli import parse_resolve, parse_resolve_v6

    values = ["www.a.gov.cn:80:127.0.0.1:8181", "www.a.gov.cn:80:[::1]:8182", "www.b.gov.cn:80:[::1]:8183"]
    assert parse_resolve(values) == {("www.a.gov.cn", 80): ("127.0.0.1", 8181), ("www.b.gov.cn", 80): ("::1", 8183)}
    assert parse_resolve_v6(values) == {("www.a.gov.cn", 80): ("::1", 8182)}
