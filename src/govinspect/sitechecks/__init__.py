"""Site-level checks: domain and address, HTTPS, IPv6, site search, annual report.

Each module has one job. `domain`, `annual_report` and the form reading of `search` are pure
functions over plain data; `https`, `ipv6` and the querying part of `search` do bounded I/O
through the run's `Fetcher` (so `--resolve`, `--offline` and the SSRF guard hold);
`probe.probe_site` runs them after a site's crawl and `findings.site_findings` prices what they
measured with the profile. A probe that could not run is "not checked", never a failure.
"""
