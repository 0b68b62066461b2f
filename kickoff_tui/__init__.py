"""Kickoff: facilitate the AI-infrastructure kickoff meeting from a terminal."""

__version__ = "0.1.0"
