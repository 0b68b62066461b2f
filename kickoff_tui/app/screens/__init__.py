"""Screens: start, participants, wizard, review and replay."""
