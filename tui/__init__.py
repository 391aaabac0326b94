"""The Textual app, its widgets and style sheet, and the ``kaigiroku`` command line."""
