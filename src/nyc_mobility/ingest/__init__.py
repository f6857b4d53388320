"""Ingestion of the official sources: URL patterns, resilient downloads, landing into the raw layer."""
