"""Triggers and the playbooks they start: rules, evaluation, runs, "call today"."""
