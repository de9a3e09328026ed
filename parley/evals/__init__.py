"""Parley evals."""
