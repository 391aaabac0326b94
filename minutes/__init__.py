"""The domain of kaigiroku: the meeting model, vote rules, Japanese dates and the renderers.

Pure Python: nothing here imports Textual or TinyDB, so the command line and
the tests use it without the user interface.
"""
