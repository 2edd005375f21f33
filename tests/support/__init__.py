"""Helpers the tests share: the core harness, the Slack and Discord harnesses, real processes,
PostgreSQL databases; importable as `support.…` because pyproject puts tests/ on the path."""
