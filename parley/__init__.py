"""Parley: a self-hostable conversational agent runtime for businesses."""

__version__ = "0.1.0"
