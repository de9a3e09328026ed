"""Tenants, staff users, roles and scopes, sessions (JWT + rotating refresh tokens) and API keys."""
