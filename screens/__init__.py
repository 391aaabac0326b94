"""Textual screens and modal dialogs, one file per screen."""
