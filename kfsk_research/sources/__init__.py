"""Loaders, one module per source; each returns a typed, validated DataFrame."""
