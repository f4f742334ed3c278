"""The REST API (Django REST framework): same scopes as the pages, token or session auth."""
