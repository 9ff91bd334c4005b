"""The Textual triage app."""
