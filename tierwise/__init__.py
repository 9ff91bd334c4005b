"""Tierwise: score a partner portfolio against the four go-to-market motivations."""

__version__ = "0.1.0"
