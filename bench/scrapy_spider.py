"""A minimal Scrapy link-checking spider, the "reference crawler engine" row of the crawl bench.

Run by bench/crawl_bench.py with bench/work/venv-scrapy/bin/python (Scrapy is not a project
dependency):

  python bench/scrapy_spider.py URL --concurrency 16 --timeout 15 --out results.json

It follows links (a, area, frame, iframe, img, link, script, embed, source) on the start URL's
host and checks every outside link once without following it. Every target is fetched with GET
(no HEAD fallback: the minimal version). robots.txt is obeyed, Scrapy's default retries are on.
Writes {"checked": {url: status or "error: …"}, "pages": N, "stats": {...}}.
"""

from __future__ import annotations

import argparse
import json
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess

LINK_XPATH = ("//a/@href | //area/@href | //frame/@src | //iframe/@src | //img/@src | "
              "//link/@href | //script/@src | //embed/@src | //source/@src")


class LinkSpider(scrapy.Spider):
    name = "links"

    def __init__(self, start: str, out: str, **kw):
        super().__init__(**kw)
        self.start_urls = [start]
        self.host = urlsplit(start).netloc.lower()
        self.out = out
        self.checked: dict[str, object] = {}
        self.pages = 0

    def start_requests(self):
        for u in self.start_urls:
            yield scrapy.Request(u, callback=self.parse, errback=self.failed,
                                 meta={"handle_httpstatus_all": True})

    def parse(self, response):
        self.checked[response.request.url] = response.status
        if response.status >= 400 or urlsplit(response.url).netloc.lower() != self.host:
            return
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if "html" not in ctype or not isinstance(response, scrapy.http.TextResponse):
            return
        self.pages += 1
        for raw in response.xpath(LINK_XPATH).getall():
            raw = raw.strip()
            if not raw or raw.startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
                continue
            url = urldefrag(response.urljoin(raw))[0]
            if not url.startswith(("http://", "https://")):
                continue
            yield scrapy.Request(url, callback=self.parse, errback=self.failed,
                                 meta={"handle_httpstatus_all": True})

    def failed(self, failure):
        req = getattr(failure, "request", None)
        if req is not None:
            self.checked[req.url] = f"error: {failure.type.__name__}"

    def closed(self, reason):
        stats = {k: v for k, v in self.crawler.stats.get_stats().items()
                 if isinstance(v, (int, float, str))}
        with open(self.out, "w", encoding="utf-8") as f:
            json.dump({"checked": self.checked, "pages": self.pages, "reason": reason,
                       "stats": stats}, f, default=str)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--timeout", type=float, default=15)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": a.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": a.concurrency,
        "DOWNLOAD_DELAY": 0,
        "DOWNLOAD_TIMEOUT": a.timeout,
        "ROBOTSTXT_OBEY": True,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "DEPTH_LIMIT": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "USER_AGENT": "scrapy-linkcheck-bench",
    })
    process.crawl(LinkSpider, start=a.url, out=a.out)
    process.start()


if __name__ == "__main__":
    main()
