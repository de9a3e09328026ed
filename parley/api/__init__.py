"""Parley api."""
