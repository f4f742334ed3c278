"""The roles of the platform (importable without starting Django)."""

ROLES = [
    ("admin", "系统管理员"),
    ("supervisor", "监管人员"),
    ("reviewer", "审核人员"),
    ("owner", "网站主办单位"),
]
