"""Accounts, roles and the audit log (全过程留痕)."""
