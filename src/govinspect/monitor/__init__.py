"""Availability monitoring: ≥ 20 spread homepage probes a day per site, stored in SQLite.

schedule (pure: when) · probe (one GET and its class) · store (SQLite) · loop (the run) ·
window (the week before T → results.json `availability`) · command (`govinspect monitor`).
"""
