"""Campaigns (抽查批次): sample sites, inspect them with resume, aggregate, and hand over to the 通报."""
