"""Entrypoints: the HTTP API, the message consumer, the process main."""
