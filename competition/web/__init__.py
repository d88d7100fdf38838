"""Blueprints: the pages people open in a browser."""
