"""Widgets: they display models handed to them and post messages; they compute nothing."""
