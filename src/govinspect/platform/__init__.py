"""The supervision platform: a Django project inside the package (registry, accounts and
scopes, work orders, 我为政府网站找错, test letters, REST API).

The engine knows nothing of Django; this package calls the engine (``govinspect.inspect``,
``govinspect.net``) and the results.json contract, and writes rows.
"""
