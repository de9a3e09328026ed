"""Parley agent."""
