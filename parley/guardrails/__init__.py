"""Parley guardrails."""
