"""Reminders of work orders and 找错 reports near or past their deadline."""
