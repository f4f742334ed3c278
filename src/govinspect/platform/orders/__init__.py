"""Inspections, findings and their review, whitelists, work orders (工单), background jobs."""
