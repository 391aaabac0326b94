"""Everything that touches disk: the data folder, TinyDB files, locking, backups."""
