"""Functional tests: the real ``kaigiroku`` command, run in a subprocess."""
