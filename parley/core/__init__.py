"""Parley core."""
