"""Messaging tables (filled in by the messaging work)."""
