"""End-to-end tests: the real ``kaigiroku`` app in a tmux terminal."""
