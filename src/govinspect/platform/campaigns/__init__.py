"""Campaigns (抽查) started from the platform, review → re-score, the 通报, the dashboard."""
