"""Mutation testing: put one-line faults into the code, one at a time, and see whether the tests notice.

    python scripts/mutation_test.py                      # every target below
    python scripts/mutation_test.py storage/journal.py   # some of them
    python scripts/mutation_test.py --jobs 2 --budget 1800 --json mutants.json

A small harness of our own (no dependency): each fault ("mutant") is made on
the module's syntax tree, and the module's tests (:data:`TARGETS`) run against
it in a forked child that imports the faulty module from memory; nothing is
written to the source tree. A mutant is *killed* when a test fails (or the
tests take over ``--timeout``), and *survives* when they all pass: a survivor
is a fault the tests cannot see, so it gets a test, or an explanation of why it
cannot change behaviour (:data:`EXPLAINED`, and the README).

Faults made (each once per place):

- a statement in a function deleted (``pass`` instead): a missing fsync,
  close, flush, check, ``continue``…;
- a comparison turned (``<`` ↔ ``<=``, ``>`` ↔ ``>=``, ``==`` ↔ ``!=``,
  ``in`` ↔ ``not in``, ``is`` ↔ ``is not``), ``and`` ↔ ``or``, a ``not``
  dropped, ``+`` ↔ ``-``, ``*`` → ``//``;
- an int constant plus one, ``True`` ↔ ``False``;
- one exception type dropped from an ``except (A, B)``;
- one character dropped from a set of characters (``frozenset("…")``).

Exit status 0 when every survivor is explained, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import importlib.abc
import importlib.machinery
import json
import os
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_STORAGE_TESTS = ["tests/unit/test_storage_support.py"]

#: Module → the tests that guard it, the most telling first (``-x`` stops at the first failure).
TARGETS: dict[str, list[str]] = {
    "minutes/votes.py": ["tests/unit/test_rules_by_hand.py", "tests/unit/test_votes.py"],
    "minutes/kinsoku.py": ["tests/unit/test_rules_by_hand.py"],
    "minutes/era.py": ["tests/unit/test_rules_by_hand.py", "tests/unit/test_era.py"],
    "storage/journal.py": [
        "tests/unit/test_durability_steps.py", "tests/unit/test_storage_journal.py", "tests/unit/test_storage_links.py",
        "tests/unit/test_storage_journal_edits.py",
    ],
    "storage/atomic.py": [
        "tests/unit/test_durability_steps.py", "tests/unit/test_storage_atomic.py", "tests/unit/test_storage_links.py",
        "tests/unit/test_private_files.py",
    ],
    "storage/limits.py": [
        "tests/unit/test_storage_limits.py", "tests/functional/test_sizes.py", "tests/unit/test_storage_backups.py",
    ],
    "storage/drafts.py": [
        "tests/unit/test_storage_drafts.py", "tests/unit/test_storage_datadir.py", "tests/unit/test_storage_links.py",
    ],
    "storage/paths.py": ["tests/unit/test_storage_datadir.py", "tests/unit/test_storage_support.py"],
    "storage/lock.py": ["tests/unit/test_storage_lock.py", "tests/unit/test_storage_links.py"],
    "storage/errors.py": [
        "tests/unit/test_storage_errors.py", "tests/unit/test_storage_support.py", "tests/functional/test_command_line_words.py",
        "tests/unit/test_storage_atomic.py", "tests/unit/test_storage_lock.py",
    ],
    "storage/interchange_files.py": [
        "tests/unit/test_storage_interchange_files.py", "tests/functional/test_sizes.py", "tests/unit/test_hostile_input.py",
    ],
    "storage/tinystore.py": ["tests/unit/test_storage_tinystore.py", "tests/unit/test_storage_meetings.py"],
    "storage/library.py": [
        "tests/unit/test_storage_library.py", "tests/unit/test_storage_datadir.py", "tests/unit/test_storage_tinystore.py",
    ],
    "storage/committees.py": [
        "tests/unit/test_committee.py", "tests/unit/test_storage_datadir.py", "tests/functional/test_committees.py",
    ],
    "storage/backups.py": [
        "tests/unit/test_storage_backups.py", "tests/unit/test_storage_links.py", "tests/functional/test_sizes.py",
        "tests/functional/test_files_screen.py",  # (check_backup: the files screen's list of a meeting's backups)
    ],
    "storage/trash.py": ["tests/unit/test_storage_trash.py", "tests/unit/test_storage_links.py"],
    "storage/meetings.py": [
        "tests/unit/test_storage_meetings.py", "tests/unit/test_storage_meeting_lines.py",
        "tests/unit/test_storage_meeting_store.py", "tests/unit/test_storage_journal.py",
        "tests/unit/test_journal_fold.py",
    ],
    "storage/search.py": ["tests/unit/test_storage_search.py", "tests/unit/test_durability_steps.py"],
    "storage/datadir.py": [
        "tests/unit/test_storage_datadir.py", "tests/unit/test_storage_backups.py", "tests/unit/test_storage_journal.py",
        "tests/unit/test_storage_links.py", "tests/unit/test_committee.py",
    ],
    "storage/keys_file.py": ["tests/unit/test_keymap.py", "tests/functional/test_keys_file.py"],
    "storage/styles.py": [
        "tests/unit/test_storage_styles.py", "tests/unit/test_styles.py", "tests/functional/test_export_screen.py",
    ],
    "storage/word_templates.py": ["tests/unit/test_storage_word_templates.py", "tests/unit/test_docx_template.py"],
}

#: Every storage module is guarded by the storage tests at large too: a fault in one module is often seen
#: by another module's tests (a backup's test sees a fault in the writer). Only the tests that reach the
#: fault's lines run, so a long list costs one run under coverage, not one per fault.
_STORAGE_WIDE = [
    "tests/unit/test_durability_steps.py", "tests/unit/test_storage_atomic.py", "tests/unit/test_storage_backups.py",
    "tests/unit/test_storage_datadir.py", "tests/unit/test_storage_journal.py",
    "tests/unit/test_storage_journal_edits.py", "tests/unit/test_storage_links.py", "tests/unit/test_storage_lock.py",
    "tests/unit/test_storage_meetings.py", "tests/unit/test_storage_search.py", "tests/unit/test_storage_support.py",
    "tests/unit/test_storage_tinystore.py", "tests/unit/test_storage_trash.py", "tests/unit/test_private_files.py",
    "tests/unit/test_hostile_input.py", "tests/functional/test_sizes.py", "tests/functional/test_command_line_words.py",
    "tests/functional/test_trash_and_final.py", "tests/functional/test_reliability_app.py",
    "tests/functional/test_migrate_release1.py", "tests/functional/test_hostile_meeting_file.py",
]
for _module, _tests in TARGETS.items():
    if _module.startswith("storage/"):
        _tests += [test for test in _STORAGE_WIDE if test not in _tests]

#: Survivors that cannot change what a user sees or gets: (file, part of the line's code, part of the
#: change, why). Each was looked at; a fault a test could see gets a test instead.
EXPLAINED: list[tuple[str, str, str, str]] = [
    ("minutes/votes.py", "return DISAPPROVE", "delete",
     "two thirds not reached, without its own 'return 不承認': the unanimous branch below answers 不承認 too "
     "(no 承認, or a 反対 that kept two thirds out of reach)"),
    ("minutes/era.py", "0 <= hour <= 23", "",
     "datetime.time() refuses the same impossible times with the same ValueError; the check only words it"),
    ("minutes/era.py", 'raise ValueError(f"impossible time', "delete",
     "datetime.time() refuses the same impossible times with the same ValueError; the check only words it"),
    ("minutes/votes.py", "return None", "delete: return None",
     "the last line of vote_tally: without it the function returns None all the same"),
    ("minutes/era.py", "name, start = ERAS[0]", "",
     "a dead first value: the loop below always assigns (the date was checked to be on or after 明治元年)"),
    ("storage/journal.py", 'getattr(os, "O_NOFOLLOW", 0)', "constant",
     "the default is for an OS without O_NOFOLLOW; POSIX has the flag (the Windows branch is tested by "
     "setting _NOFOLLOW to 0)"),
    ("storage/journal.py", 'getattr(os, "O_BINARY", 0)', "constant",
     "POSIX has no O_BINARY: the default 1 is O_WRONLY, already among the append flags"),
    ("storage/journal.py", "error.errno == errno.ELOOP", "",
     "without this early answer, os.path.islink gives the same one for a link at the journal's place"),
    ("storage/journal.py", "return True", "delete: return True",
     "without this early answer, os.path.islink gives the same one for a link at the journal's place"),
    ("storage/journal.py", "if len(line) < 10 or", "constant: 10 → 11",
     "a record is a JSON object, '{}' at the least: a 10-byte line has a 1-byte body, never an object, "
     "and is skipped below all the same"),
    ("storage/journal.py", "if len(line) < 10 or", "compare: Lt → LtE",
     "a record is a JSON object, '{}' at the least: a 10-byte line has a 1-byte body, never an object, "
     "and is skipped below all the same"),
    ("storage/journal.py", "int(line[:8], 16)", "constant: 8 → 9",
     "the ninth byte is the space checked above, and int() ignores blanks around the digits: the same number"),
    ("storage/journal.py", "except (ValueError, UnicodeDecodeError)", "drop UnicodeDecodeError",
     "UnicodeDecodeError is a ValueError: the first name catches it all the same"),
    ("storage/journal.py", "if seq <= folded:", "compare: LtE → Lt",
     "the record numbered `folded` is the last one the file holds already, and a record replayed onto its own "
     "result changes nothing: an append's uid is there, a splice's removed uids are gone and its inserted "
     "ones stand where it put them (the replay tests apply splices by uid over other copies)"),
    ("storage/journal.py", "if 0 <= at <= len(log) - count and all(", "constant: 0 → 1",
     "a narrower quick path: the entries are then found by uid, at the same places (a uid stands once in a "
     "meeting), only more slowly"),
    ("storage/journal.py", "if 0 <= at <= len(log) - count and all(", "compare: LtE → Lt",
     "a narrower quick path: the entries are then found by uid, at the same places (a uid stands once in a "
     "meeting), only more slowly"),
    ("storage/journal.py", "last = max(last, seq)", "delete",
     "its one caller hands the number to Journal(), which takes the largest record number itself"),
    ("storage/journal.py", "if not _NOFOLLOW and _is_link(self.path)", "boolop",
     "on POSIX the look then comes before an O_NOFOLLOW open that refuses the same link with the same error"),
    ("storage/journal.py", "if atomic.POSIX and created:", "boolop",
     "the mode is then set to 0600 on every append, not only the first: 0600 either way, as the app never "
     "changes it"),
    ("storage/meetings.py", "READABLE_VERSIONS = (1, SCHEMA_VERSION)", "constant: 1 → 2",
     "a file of the previous release then goes to the whole-file reader, which reads it the same (it is read "
     "so once: opening it for writing rewrites it at the current version)"),
    ("storage/meetings.py", "JOURNAL_LIMIT = 256", "constant",
     "a tuning value (fold after so many records); the tests read it from the module, and one record more "
     "before a fold is nothing anyone can see"),
    ("storage/meetings.py", "_BATCH = 512", "constant",
     "how many entry lines are parsed at once: any size gives the same entries (more than one batch is tested)"),
    ("storage/meetings.py", "return value if type(value) is int and value > 0 else 0", "compare: Gt → GtE",
     "for 0 both answer 0"),
    ("storage/meetings.py", "value = schema.get(JOURNAL_KEY, 0) if isinstance(schema, dict) else 0",
     "constant: 0 → 1",
     "the second 0 is for a schema that is not an object: the line reader then hands the file to the whole-file "
     "reader, which refuses such a file as damaged before the number is used"),
    ("storage/backups.py", "return None", "delete: return None",
     "in _read_bytes's except: without it the function returns None all the same"),
    ("storage/backups.py", "_CHUNK = 1 << 20", "constant",
     "how much is compared and copied at a time: any size gives the same bytes (files larger than one chunk "
     "are not in the tests, but the loop is the same for any count of chunks)"),
    ("storage/backups.py", "if os.stat(one).st_size != os.stat(other).st_size:", "delete",
     "a quick answer: the comparison chunk by chunk below finds files of different sizes different too"),
    ("storage/backups.py", "return False", "delete: return False",
     "after the size check, a quick answer (the comparison chunk by chunk finds the same difference); in the "
     "except, the None that falls out is as false (the one in the chunk loop is killed by the tests)"),
    ("storage/meetings.py", 'vote["ballots"] = dict(vote["ballots"])', "delete",
     "a copy of a dictionary the JSON parser has just made for this entry: nothing else holds it"),
    ("storage/meetings.py", 'if header["extra"] is not None:', "",
     "a copy of what the JSON parser has just made for this file: nothing else holds it (deepcopy(None) is None)"),
    ("storage/meetings.py", 'header["extra"] = copy.deepcopy(header["extra"])', "delete",
     "a copy of what the JSON parser has just made for this file: nothing else holds it"),
    ("storage/meetings.py", "del raw", "delete",
     "lets the file's bytes go before the tables are built: memory freed a little sooner, the same meeting"),
    ("storage/meetings.py", "return None", "delete: return None",
     "_ShapeErrors.__enter__ returns None all the same"),
    ("storage/meetings.py", "if not records:", "delete",
     "a replay of no records applies none and leaves none out: the same (0, 0)"),
    ("storage/meetings.py", "return 0, 0", "delete",
     "a replay of no records applies none and leaves none out: the same (0, 0)"),
    ("storage/meetings.py", "f\"{_LINE_PEOPLE.decode()}", "constant: 1 → 2",
     "the people table's document ids: TinyDB's keys, which no reader uses (people are sorted by their order)"),
    ("storage/meetings.py", "item_dict = interchange.item_to_dict(item, with_log=False)", "constant: False → True",
     "the log is popped from the item's dictionary on the next line"),
    ("storage/meetings.py", 'item_dict.pop("log", None)', "delete",
     "with_log=False leaves no log to pop: the line guards against a writer that adds one anyway"),
    ("storage/meetings.py", "except (StopIteration, ValueError, UnicodeDecodeError):", "drop UnicodeDecodeError",
     "UnicodeDecodeError is a ValueError: the name before it catches it all the same"),
    ("storage/meetings.py", "raise _NotLines  # the file ends inside a log", "delete",
     "the next line's next(lines) meets the end of the file too: its StopIteration sends the file to the "
     "whole-file reader all the same"),
    ("storage/meetings.py", "if batch and (closing or len(batch) == _BATCH):", "compare: Eq → NotEq",
     "each entry line is then parsed alone instead of a few hundred at once: the same entries, more calls of "
     "the parser (a line that is not a whole entry fails either way and goes to the whole-file reader)"),
    ("storage/meetings.py", "READ_ATTEMPTS = 20", "constant",
     "a tuning value: how often a reader reads again while the app keeps rewriting the file; after the last "
     "try it keeps what it read, so one try more differs only after twenty rewrites during one read"),
    ("storage/meetings.py", "path = Path(path)", "delete",
     "in _read_meeting and merged_meeting_bytes: what they hand the path to (journal_path, os.stat, "
     "open_data_file, _read_meeting, the messages) takes a path given as text the same"),
    ("storage/meetings.py", "if type(seq) is int and seq > folded]", "compare: Gt → GtE",
     "a gap only makes the reader read the pair once more: counting a record the file holds already (left by a "
     "fold whose journal could not be removed) costs a read, never an entry"),
    ("storage/meetings.py", "return bool(numbers) and min(numbers) != folded + 1", "binop: Add → Sub",
     "a gap then shows almost always: the reader reads the pair once more, the same entries (a missed gap is "
     "tested)"),
    ("storage/meetings.py", 'vote["counts"] = dict(counts)', "delete",
     "a copy of a dictionary the JSON parser has just made for this entry: nothing else holds it"),
    ("storage/meetings.py", "tables = tables or {}", "delete",
     "both callers pass the dictionary decode_document returns, never None: the same tables either way"),
    ("storage/meetings.py", "self.secondary_error: StorageError | None = None", "delete",
     "both ways through __init__ end in _after_save, which sets it first (an exception before that leaves no "
     "store to read it from)"),
    ("storage/meetings.py", "or time.monotonic() - self._last_full_write > JOURNAL_MAX_AGE", "compare: Gt → GtE",
     "differs only at the exact instant the age limit is reached (JOURNAL_MAX_AGE, or its share for fold_soon), "
     "which no keystroke can aim at; a moment before or after, both agree (tested on each side)"),
    ("storage/meetings.py", "_interchange()", "delete: _interchange()\n",
     "prepare_saves only imports early what the first save imports anyway: the same saves, the import's time "
     "moved (tests/unit/test_start_imports.py checks when, in a child process the harness cannot reach)"),
    ("storage/backups.py", "dest = Path(dest)", "delete",
     "atomic_write and the report's message take a path given as text the same (a test passes text)"),
    ("storage/backups.py", "data = None", "delete: data = None",
     "in backup_zip's except: data is None already, set before the try"),
    ("storage/backups.py", "if match is None:", "delete",
     "_check_member's two callers pass only names that matched _MEMBER already: the guard is never reached"),
    ("storage/backups.py", 'raise ValueError(f"不明なファイル名です: {member}")', "delete",
     "_check_member's two callers pass only names that matched _MEMBER already: the guard is never reached"),
    ("storage/lock.py", "os.lseek(fd, 0, os.SEEK_SET)", "delete",
     "nothing reads or writes the lock file through its descriptor: its position is still 0, where the byte "
     "was locked (a seek to 1 is killed: the unlock then misses the locked byte)"),
    ("storage/lock.py", 'getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0), FILE_MODE', "constant: 0 → 1",
     "the default is for an OS without O_NOFOLLOW; POSIX has the flag (a link is refused by ELOOP, tested)"),
    ("storage/limits.py", '_NONBLOCK = getattr(os, "O_NONBLOCK", 0)', "constant: 0 → 1",
     "the default is for an OS without O_NONBLOCK (Windows, which has no named pipes in its file system); "
     "POSIX has the flag (a pipe refused at once is tested)"),
    ("storage/lock.py", 'return f"DataDirLock(', "delete",
     "how the object looks in a debugger or a traceback: nothing the app shows or writes uses it"),
    ("storage/interchange_files.py", "path = Path(path)", "delete",
     "the messages are the same from a path given as text, and StorageError makes its .path a Path itself"),
    ("storage/keys_file.py", 'getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)',
     "constant: 0 → 1",
     "the defaults of O_NOFOLLOW and O_CLOEXEC are for an OS without them; POSIX has both (O_BINARY's default, "
     "1 = O_WRONLY, is killed: the file could not be read)"),
    ("storage/keys_file.py", "data = handle.read(MAX_KEYS_BYTES + 1)", "constant: 1 → 2",
     "one byte past the limit is enough to see a file is over it: reading two gives the same refusal"),
    ("storage/drafts.py", "@dataclass(frozen=True)", "constant: True → False",
     "nothing assigns to a Draft's fields: frozen only keeps a future caller from doing so"),
    ("storage/drafts.py", "return None", "delete: return None\n",
     "in read_draft_record's except: without it the function returns None all the same"),
    ("storage/library.py", "except (ValueError, AttributeError) as error:", "drop AttributeError",
     "both callers hand over tables from decode_tables, which refuses a table whose rows are not objects first "
     "(tested: 表「meetings」の形が正しくありません): a row without .get never arrives"),
    ("storage/library.py", "self._db.close()", "delete",
     "the storage's close does nothing (every change is on disk already): TinyDB only marks itself closed"),
    ("storage/library.py", "path = Path(path)", "delete",
     "in committees_in_file: the reader, Library and the error take a path given as text the same"),
    ("storage/library.py", "return None if at < 0 else decoder.raw_decode(text, at + len(key))[0]", "",
     "a key is looked for only in a text that starts with '{' (checked just before), and the key starts with a "
     "line break: it is never found at 0, so 'at < 1' and 'at <= 0' answer as 'at < 0'"),
    ("storage/library.py", "library = Library(path, backup_finder=backup_finder, read_only=True)", "constant: True → False",
     "the library is only read and closed here: opening it writable writes nothing by itself (the version is current)"),
    ("storage/library.py", "library.close()", "delete",
     "the storage's close does nothing (every change is on disk already): TinyDB only marks itself closed"),
    ("storage/word_templates.py", "path = Path(path)", "delete",
     "the reader and the messages take a path given as text the same, and StorageError makes its .path a Path"),
    # storage/search.py
    ("storage/search.py", "_CHUNKED_FROM = 80", "constant",
     "from what length a text that needs NFKC is normalized sentence by sentence rather than whole: the same "
     "text either way (no character combines with 。 or a line break; tested on both sides), only the time differs"),
    ("storage/search.py", "if len(text) > _CHUNKED_FROM:", "compare: Gt → GtE",
     "at exactly 80 characters the text is normalized sentence by sentence rather than whole: the same text"),
    ("storage/search.py", 'if unicodedata.is_normalized("NFKC", text):', "delete",
     "a quick answer for text that is normalized already: normalizing it again gives it back, then the same "
     "case folding"),
    ("storage/search.py", "return text.casefold()", "delete: return text.casefold()",
     "the quick answer for text that is normalized already (the first of the two): normalizing it again gives "
     "it back, then the same case folding (deleting the last one returns None: killed)"),
    ("storage/search.py", "if not needle:", "delete",
     "in match_spans (in search() the deletion is killed): its one caller, _line_with, is given the search word "
     "only after search() has returned for an empty one, so the guard is never reached"),
    ("storage/search.py", "return []", "delete: return []",
     "in match_spans: never reached, as above (an empty word never gets that far)"),
    ("storage/search.py", 'if len(folded) == len(text) and unicodedata.is_normalized("NFKC", text):', "delete",
     "a quick path: the mapping cluster by cluster below gives the same places for text that folds position for "
     "position (tested: the word highlighted where folding changes the length, and where it keeps it)"),
    ("storage/search.py", "return [(start, start + len(needle)) for start in starts]", "delete",
     "the quick path's answer: without it, the mapping cluster by cluster below gives the same places"),
    ("storage/search.py", "for index in range(1, len(text) + 1):", "constant: 1 → 2",
     "for `len(text) + 2` (the start 2 is killed): one more turn past the end adds a cluster (len, len + 1) that "
     "slices to nothing and folds to no character, so no folded character is mapped to it"),
    ("storage/search.py", "@dataclass(frozen=True)", "constant: True → False",
     "nothing assigns to a hit's fields or hashes a hit (the screen keeps them in a list and reads them): frozen "
     "only stops a later writer"),
    ("storage/search.py", "if len(line) <= SNIPPET_LENGTH:", "",
     "a quick answer for a line of at most 72 characters (deleted, or `<`): the cut below then starts at 0 "
     "(max(0, len − 72) is 0) and ends at the line's end, with no marks and every span inside: the same excerpt"),
    ("storage/search.py", "return line, tuple(spans)", "delete",
     "the quick answer for a line of at most 72 characters: the cut below gives the same excerpt (see above)"),
    ("storage/search.py", "first = spans[0][0] if spans else 0", "constant: 0 → 1",
     "the last 0, for a line without the word (the two in spans[0][0] are killed): max(0, 1 − 16) is 0 all the same"),
    ("storage/search.py", "start = min(start, max(0, len(line) - SNIPPET_LENGTH))", "constant: 0 → 1",
     "only a line longer than 72 characters gets here: len(line) − 72 is at least 1, so max(1, …) is the same"),
    ("storage/search.py", "for s, e in spans if e > start and s < end", "compare: Gt → GtE",
     "the spans come in order from the first match, and the excerpt starts at or before it: every span ends "
     "after the start, none exactly at it"),
    ("storage/search.py", "records = read_records(journal_path(path)) if key[-1] is not None else []", "constant: 1 → 2",
     "key[-2] is the file's size, never None: the journal is then read even when the look found none, and "
     "read_records gives no records for a missing journal (a journal that appeared meanwhile changes the key, and "
     "the pair is read again either way)"),
    ("storage/search.py", "return paragraphs[0], []", "",
     "never reached: the word was found in the field's folded text, which is its folded paragraphs joined by line "
     "breaks (folding keeps them), and the word holds no line break (control characters are dropped from it), "
     "so one paragraph holds it"),
    ("storage/errors.py", "super().__init__(message)", "delete",
     "only Exception.args would be empty: str() gives .message itself, and nothing reads args or pickles the error"),
    ("storage/errors.py", "self.args = (self.message,)", "delete",
     "only Exception.args would keep the general message: str() gives .message itself, and nothing reads args"),
    ("storage/styles.py", "data = handle.read(MAX_FILE_BYTES + 1)", "constant: 1 → 2",
     "one byte past the limit is enough to see a file is over it: reading two gives the same refusal"),
    ("storage/styles.py", "@dataclass(frozen=True)", "constant: True → False",
     "nothing assigns to a StyleEntry's fields: frozen only keeps a future caller from doing so"),


    ("storage/backups.py", "raise RestoreRefusedError(src, error.message) from None", "delete",
     "never reached: a member whose declared size is over the limit is refused before it is opened, and zipfile "
     "stops at the declared size (a longer stream is a CRC error), so read_at_most never finds more"),
    ("storage/backups.py", "src = Path(src)", "delete",
     "os.stat, zipfile and the refusal's message take a path given as text the same (a test passes text)"),
    ("storage/backups.py", "NotImplementedError, RuntimeError, EOFError)", "drop NotImplementedError",
     "NotImplementedError is a RuntimeError: the RuntimeError in the same tuple catches it (an unknown "
     "compression method is tested)"),
    ("storage/trash.py", "has_draft: bool = False", "constant",
     "a default never used: both places that make a TrashEntry (a deletion, a record read back) pass it"),
    ("storage/trash.py", "file_missing: bool = False", "constant",
     "a default never used: both places that make a TrashEntry (a deletion, a record read back) pass it"),
    ("storage/trash.py", "@dataclass(frozen=True)", "constant",
     "nothing assigns to an entry's fields or hashes an entry (the screen keeps them in a list): frozen only "
     "stops a later writer"),
    ("storage/trash.py", "return None", "delete: return None",
     "in deleted_at's except: without it the property returns None all the same"),
    ("storage/trash.py", "if not isinstance(key, str):", "",
     "every key given is text: names from the folder's listing, the command line's argument, an entry's key"),
    ("storage/trash.py", "return False", "delete: return False",
     "after `if not isinstance(key, str)`: every key given is text (see above)"),
    ("storage/trash.py", "return False", "constant: False → True",
     "after `if not isinstance(key, str)`: every key given is text (see above)"),
    ("storage/trash.py", "os.urandom(4).hex()", "constant: 4 → 5",
     "the length of the random part of a staging folder's name: any length names it apart"),
    ("storage/trash.py", "json.dumps(record, ensure_ascii=False, indent=2)", "constant: 2 → 3",
     "the record's indentation: read back the same, and readable either way"),
    ("storage/trash.py", "if at.tzinfo is None:", "",
     "datetime.timestamp() takes a naive time as local time, as astimezone() does, and an aware time's "
     "timestamp is the same in any zone: the same order"),
    ("storage/trash.py", "at = at.astimezone()", "delete",
     "datetime.timestamp() takes a naive time as local time, as astimezone() does: the same order"),
    ("storage/tinystore.py", "return SCHEMA_VERSIONS.get(kind, 1)", "constant: 1 → 2",
     "the default is for a kind not in SCHEMA_VERSIONS: every file is opened as a meeting or the library"),
    ("storage/tinystore.py", "del raw", "delete",
     "lets the file's bytes go once the tables are built: memory freed a little sooner, the same tables"),
    ("storage/atomic.py", "for attempt in range(10):", "constant: 10 → 11",
     "the loop gives up at attempt 9 itself ('if attempt == 9: raise'): a longer range is never reached "
     "(tested: ten tries, nine pauses)"),
    ("storage/atomic.py", '"O_BINARY", "O_NOFOLLOW", "O_CLOEXEC"', "",
     "O_EXCL already refuses any existing name, a link included; O_BINARY is Windows only; O_CLOEXEC "
     "matters only if a child process starts during a write (the app starts none)"),
    ("storage/atomic.py", "flags |= getattr(os, name, 0)", "",
     "as above: O_EXCL refuses a link; the default 1 is O_WRONLY, already set"),
    ("storage/atomic.py", 'getattr(os, "O_DIRECTORY", 0)', "constant",
     "POSIX has O_DIRECTORY: the default is never used"),
    ("storage/atomic.py", "if POSIX:", "delete: if POSIX:\n",
     "the Windows retry loop then runs on POSIX: its first os.replace succeeds, the same result"),
    ("storage/atomic.py", "replaced = True", "",
     "after the rename the temporary name is gone: removing it again is a quiet no-op"),
    ("storage/atomic.py", "if temp is not None and not replaced", "",
     "after the rename the temporary name is gone: removing it again is a quiet no-op"),
    ("storage/atomic.py", "isjunction", "", "junctions are Windows folder links (Python 3.12+); POSIX has none"),
    ("storage/atomic.py", "return bool(checker and checker(path))", "",
     "junctions are Windows folder links (Python 3.12+); POSIX has none"),
    ("storage/atomic.py", "if within is not None and missing", "",
     "a second look for a link planted between two mkdir calls of one write: not reproducible without a race"),
    ("storage/atomic.py", "check_real_folders(path, within)  # (a link planted", "",
     "a second look for a link planted between two mkdir calls of one write: not reproducible without a race"),
    ("storage/datadir.py", "@dataclass(frozen=True)", "constant: True → False",
     "nothing assigns to a MeetingRestore's fields or hashes one: frozen only keeps a future caller from doing so"),
    ("storage/datadir.py", "if self.has_lock:  # a write_lock inside another", "delete",
     "acquiring a lock held already: lock.acquire returns at once too, and the sweep finds no temporary file "
     "(every write of this process has finished: saves run on the main thread), so only four folders are "
     "listed once more"),
    ("storage/datadir.py", "return self  # nothing to take, and no temporary file of ours to sweep", "delete",
     "acquiring a lock held already: lock.acquire returns at once too, and the sweep finds no temporary file "
     "(every write of this process has finished: saves run on the main thread), so only four folders are "
     "listed once more"),
    ("storage/datadir.py", "self._library.close()", "delete",
     "the library's close does nothing (every change is on disk already): TinyDB only marks itself closed, and "
     "the object is dropped on the next line"),
    ("storage/datadir.py", "if self._library is not None:  # open (under the lock)", "delete",
     "the open library holds what its file holds (each change is written at once, a failed one taken back from "
     "the file): the committees read from the file instead are the same, read more slowly"),
    ("storage/datadir.py", "return list_committees(self._library)", "delete",
     "the open library holds what its file holds: the committees read from the file instead are the same"),
    ("storage/datadir.py", "return self._library.committees()", "delete",
     "the open library holds what its file holds: the records read from the file instead are the same"),
    ("storage/datadir.py", "return None", "delete: return None\n",
     "the last line of previous_meeting: without it the function returns None all the same"),
    ("storage/datadir.py", "with suppress(StorageError, OSError):  # the first error", "delete",
     "the store is then dropped unclosed: it holds no descriptor, its status was put back, and a journal it may "
     "hold (a fold that failed on opening) stays for the next open to fold in, as a close that fails leaves "
     "it; only the index row's 'updated' is not rewritten (the error told is tested)"),
    ("storage/datadir.py", "store.close()", "delete: store.close()\n",
     "set_status's store, dropped unclosed: it holds no descriptor; after the header save it has no journal "
     "(the save empties it) and on_saved has written its index row, and after a failed save see the line above"),
]


def explanation(mutant: "Mutant") -> str | None:
    change = f"{mutant.kind}: {mutant.detail}"
    for file, code, part, why in EXPLAINED:
        if mutant.file == file and code in mutant.code and (not part or part.rstrip("\n") in change):
            if part.endswith("\n") and change != part.rstrip("\n"):
                continue
            return why
    return None


_SWAP_COMPARE = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
_SWAP_BINOP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv}
_DELETABLE = (
    ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Raise, ast.Continue, ast.Break,
    ast.If, ast.For, ast.While, ast.With, ast.Try, ast.Delete,
)


@dataclass
class Mutant:
    file: str
    line: int
    kind: str
    detail: str
    index: int  # the place among the module's mutation points
    code: str = ""  # the line of source the fault is put into
    status: str = "pending"  # killed, survived, timeout, explained
    seconds: float = 0.0
    span: list[int] | None = None  # the lines whose running runs the fault (None: module level)
    uses: list[int] | None = None  # at module level: the lines in functions that read the names it sets
    tests: int = 0  # how many tests ran it (the ones whose run reaches those lines); 0: no test does
    killed_by: str = ""  # the first test that failed

    @property
    def key(self) -> str:
        """Names the fault by its file, its line's code and what it changes (not by line number: code moves)."""
        return f"{self.file} | {self.code} | {self.kind}: {self.detail}"


class _Mutator(ast.NodeTransformer):
    """Walks a module; at ``target`` (the n-th mutation point) applies the fault, else counts points."""

    def __init__(self, target: int | None = None) -> None:
        self.target = target
        self.count = 0
        self.points: list[tuple[int, str, str, tuple[int, int] | None]] = []
        self.in_function = 0
        self.statements: list[tuple[int, int]] = []  # the lines of the statements being walked, innermost last

    def _point(self, node: ast.AST, kind: str, detail: str) -> bool:
        """Register a mutation point; True when it is the one to apply.

        Each point keeps the lines whose running means the fault ran: those of its innermost statement
        (only the header of an ``if``/``for``/``with``…), or None at module level, where a fault acts at import
        and so on every test.
        """
        line = getattr(node, "lineno", 0)
        span = self.statements[-1] if self.statements and self.in_function else None
        self.points.append((line, kind, detail, span))
        hit = self.count == self.target
        self.count += 1
        return hit

    def visit_FunctionDef(self, node):
        self.in_function += 1
        node = self._statements(node)
        self.in_function -= 1
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def _statements(self, node):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if not isinstance(body, list):
                continue
            new_body = []
            for index, statement in enumerate(body):
                docstring = index == 0 and isinstance(statement, ast.Expr) and isinstance(
                    getattr(statement, "value", None), ast.Constant) and isinstance(statement.value.value, str)
                self.statements.append(_header_lines(statement))
                try:
                    if self.in_function and isinstance(statement, _DELETABLE) and not docstring:
                        text = ast.unparse(statement).split("\n")[0][:60]
                        if self._point(statement, "delete", text):
                            new_body.append(ast.copy_location(ast.Pass(), statement))
                            continue
                    new_body.append(self.visit(statement))
                finally:
                    self.statements.pop()
            setattr(node, field, new_body)
        for handler in getattr(node, "handlers", []) or []:
            self.visit(handler)
        for name in ("test", "iter", "items"):
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                setattr(node, name, self.visit(value))
            elif isinstance(value, list):
                setattr(node, name, [self.visit(v) for v in value])
        return node

    def generic_visit(self, node):
        if isinstance(node, (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.ExceptHandler)):
            return self._statements(node) if not isinstance(node, ast.ExceptHandler) else self._handler(node)
        return super().generic_visit(node)

    def _handler(self, node: ast.ExceptHandler):
        if isinstance(node.type, ast.Tuple) and len(node.type.elts) > 1:
            # An exception that reaches the handler runs its ``except`` line: those are the tests to run.
            self.statements.append((node.lineno, node.lineno))
            try:
                for index, element in enumerate(list(node.type.elts)):
                    if self._point(node, "except", f"drop {ast.unparse(element)}"):
                        node.type.elts = node.type.elts[:index] + node.type.elts[index + 1:]
                        break
            finally:
                self.statements.pop()
        return self._statements(node)

    def visit_Compare(self, node):
        self.generic_visit(node)
        for index, op in enumerate(node.ops):
            swap = _SWAP_COMPARE.get(type(op))
            if swap and self._point(node, "compare", f"{type(op).__name__} → {swap.__name__}"):
                node.ops[index] = swap()
        return node

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        if self._point(node, "boolop", "and ↔ or"):
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and self._point(node, "not", "drop not"):
            return node.operand
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        swap = _SWAP_BINOP.get(type(node.op))
        if swap and not _is_string_concat(node) and self._point(node, "binop", f"{type(node.op).__name__} → {swap.__name__}"):
            node.op = swap()
        return node

    def visit_Constant(self, node):
        value = node.value
        if isinstance(value, bool):
            if self._point(node, "constant", f"{value} → {not value}"):
                return ast.copy_location(ast.Constant(not value), node)
        elif isinstance(value, int):
            if self._point(node, "constant", f"{value} → {value + 1}"):
                return ast.copy_location(ast.Constant(value + 1), node)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "frozenset" and node.args:
            node.args[0] = self._character_set(node.args[0])
        return node

    def _character_set(self, argument):
        pieces = argument.values if isinstance(argument, ast.JoinedStr) else None
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            text = argument.value
            for index, character in enumerate(text):
                if self._point(argument, "charset", f"drop {character!r}"):
                    return ast.copy_location(ast.Constant(text[:index] + text[index + 1:]), argument)
        return argument if pieces is None else argument


def _header_lines(statement: ast.stmt) -> tuple[int, int]:
    """The lines a statement runs before its body: all of a simple one, the header of a compound one."""
    first = statement.lineno
    last = statement.end_lineno or first
    body = getattr(statement, "body", None)
    if isinstance(body, list) and body:
        last = max(first, body[0].lineno - 1)
    return first, last


def _is_string_concat(node: ast.BinOp) -> bool:
    return any(isinstance(side, (ast.Constant, ast.JoinedStr)) and isinstance(getattr(side, "value", ""), str)
               for side in (node.left, node.right))


def mutants_of(file: str) -> tuple[str, list[Mutant]]:
    source = (REPO / file).read_text(encoding="utf-8")
    counter = _Mutator()
    counter.visit(ast.parse(source))
    lines = source.splitlines()
    uses = _uses_of_module_names(ast.parse(source))
    return source, [
        Mutant(file, line, kind, detail, index, lines[line - 1].strip() if 0 < line <= len(lines) else "",
               span=list(span) if span else None, uses=None if span else uses.get(line))
        for index, (line, kind, detail, span) in enumerate(counter.points)
    ]


def _uses_of_module_names(tree: ast.Module) -> dict[int, list[int]]:
    """For each line of a module-level assignment, the lines inside functions that read the names it sets.

    A fault in ``LIMIT = 256`` acts where ``LIMIT`` is read: the tests that run those lines are the ones to
    run (a name read nowhere in a function gets none here, and its fault runs every test of the module).
    """
    reads: dict[str, set[int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
                    reads.setdefault(inner.id, set()).add(inner.lineno)
    uses: dict[int, list[int]] = {}
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            found = sorted({line for name in names for line in reads.get(name, ())})
            if names and found:
                for line in range(statement.lineno, (statement.end_lineno or statement.lineno) + 1):
                    uses[line] = found
    return uses


def mutated_source(source: str, index: int) -> str:
    tree = ast.parse(source)
    mutator = _Mutator(index)
    tree = mutator.visit(tree)
    ast.fix_missing_locations(tree)
    return ast.unparse(tree)


class _Loader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, path: str, source: str) -> None:
        super().__init__(fullname, path)
        self.mutated = source

    def get_code(self, fullname):  # never a cached .pyc of the real module
        return compile(self.mutated, self.path, "exec", dont_inherit=True)


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, module: str, path: Path, source: str) -> None:
        self.module, self.path, self.source = module, path, source

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.module:
            return None
        return importlib.util.spec_from_loader(fullname, _Loader(fullname, str(self.path), self.source), origin=str(self.path))


def _module_name(file: str) -> str:
    return file[:-3].replace("/", ".").removesuffix(".__init__")


class _Select:
    """A pytest plugin for the children: keeps only the chosen tests, in the chosen order, and notes the first
    test that fails (``-x`` stops there) and each test's time."""

    def __init__(self, order: list[str] | None, report: str | None, limits: dict[str, float] | None = None,
                 limit: float = 0) -> None:
        self.order = order
        self.report = report
        self.failed: str = ""
        self.limits = limits or {}
        self.limit = limit

    def timed(self, item, nextitem):  # pytest_runtest_protocol, a hook wrapper (marked in the child)
        # Each test gets its own time: a fault that makes one test hang is caught in that test's time,
        # not after the sum of all of them (SIGALRM ends the child: a timeout, counted as killed).
        if self.limit:
            signal.alarm(max(1, int(self.limit + self.limits.get(item.nodeid, 1.0))))
        yield
        if self.limit:
            signal.alarm(0)

    def pytest_collection_modifyitems(self, session, config, items):
        if self.order is None:
            return
        rank = {nodeid: index for index, nodeid in enumerate(self.order)}
        chosen = sorted((item for item in items if item.nodeid in rank), key=lambda item: rank[item.nodeid])
        config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in rank])
        items[:] = chosen

    def pytest_runtest_logreport(self, report):
        if report.failed and not self.failed:
            self.failed = report.nodeid
            if self.report:
                Path(self.report).write_text(report.nodeid, encoding="utf-8")


def _quiet() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


def _pytest_args(files: list[str], basetemp: str) -> list[str]:
    return [*files, "-q", "-p", "no:randomly", "--basetemp", basetemp, "-W", "ignore", "--no-header"]


def _run_child(mutant: Mutant, source: str, files: list[str], order: list[str] | None, timeout: float,
               basetemp: str, limits: dict[str, float] | None = None) -> None:
    """In the forked child: import the faulty module from memory, run the tests, exit with their status.

    With ``limits`` (each test's time unchanged, times five), each test gets ``timeout`` plus its own limit;
    without, the whole run gets ``timeout``.
    """
    import importlib.util  # noqa: F401  (spec_from_loader)

    _quiet()
    signal.alarm(max(1, int(timeout)))  # the start and the collection
    sys.meta_path.insert(0, _Finder(_module_name(mutant.file), REPO / mutant.file, source))
    import pytest

    _Select.pytest_runtest_protocol = pytest.hookimpl(hookwrapper=True)(_Select.timed)
    select = _Select(order, basetemp + ".failed", limits, timeout if limits is not None else 0)
    code = pytest.main([*_pytest_args(files, basetemp), "-x"], plugins=[select])
    os._exit(int(code))


def _coverage_child(files: list[str], targets: list[str], basetemp: str, out: str) -> None:
    """In a forked child: run the tests once, unchanged, under coverage with one context per test; write
    which tests run each line of the targets, how long each test took and which failed, to ``out``."""
    import coverage
    import pytest

    _quiet()
    measured = [str(REPO / file) for file in targets]
    cov = coverage.Coverage(data_file=None, include=measured, config_file=False)
    durations: dict[str, float] = {}
    failed: list[str] = []

    class Contexts:
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_protocol(self, item, nextitem):
            cov.switch_context(item.nodeid)
            started = time.perf_counter()
            yield
            durations[item.nodeid] = time.perf_counter() - started
            cov.switch_context("")

        def pytest_runtest_logreport(self, report):
            if report.failed:
                failed.append(report.nodeid)

    cov.start()
    try:
        pytest.main(_pytest_args(files, basetemp), plugins=[Contexts()])
    finally:
        cov.stop()
    data = cov.get_data()
    lines: dict[str, dict[int, list[str]]] = {}
    for file in targets:
        by_line = data.contexts_by_lineno(str(REPO / file)) if str(REPO / file) in data.measured_files() else {}
        lines[file] = {int(line): sorted(contexts) for line, contexts in by_line.items()}
    Path(out).write_text(json.dumps({"lines": lines, "durations": durations, "failed": failed}), encoding="utf-8")
    os._exit(0)


@dataclass
class _TestMap:
    """Which tests run which lines of each target, from one unchanged run under coverage."""

    lines: dict[str, dict[int, list[str]]]
    durations: dict[str, float]
    failed: list[str]

    def tests_for(self, mutant: Mutant) -> tuple[list[str], set[str]]:
        """The target's tests that can see the mutant, and those among them to run first.

        A fault inside a function is seen only by the tests that run its lines. A fault at module level, or
        in a line run at import (a default argument), acts on every use of the module, including a test that
        only reads a constant: every test of the target can see it, and the tests that run the lines reading
        the names it sets go first.
        """
        allowed = tuple(TARGETS[mutant.file])
        everything = [t for t in self.durations if t.split("::")[0] in allowed and t not in self.failed]
        by_line = self.lines.get(mutant.file, {})
        if mutant.span is None:
            first = {c for line in (mutant.uses or ()) for c in by_line.get(line, ()) if c}
            return everything, first
        lines = range(mutant.span[0], mutant.span[1] + 1)
        if any("" in by_line.get(line, ()) for line in lines):
            return everything, set()
        found = {context for line in lines for context in by_line.get(line, ()) if context}
        return [t for t in found if t.split("::")[0] in allowed and t not in self.failed], set()


def _map_tests(files: list[str], targets: list[str], scratch: str, cache: str | None = None) -> _TestMap:
    out = os.path.join(scratch, "coverage.json")
    if cache and os.path.exists(cache):
        out = cache
    else:
        _run_coverage(files, targets, scratch, out)
        if cache:
            Path(cache).write_bytes(Path(out).read_bytes())
    raw = json.loads(Path(out).read_text(encoding="utf-8"))
    lines = {file: {int(line): contexts for line, contexts in by_line.items()}
             for file, by_line in raw["lines"].items()}
    return _TestMap(lines, raw["durations"], raw["failed"])


def _run_coverage(files: list[str], targets: list[str], scratch: str, out: str) -> None:
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        try:
            _coverage_child(files, targets, os.path.join(scratch, "coverage"), out)
        finally:
            os._exit(3)
    os.waitpid(pid, 0)
    if not os.path.exists(out):
        raise SystemExit("the tests did not run under coverage (is coverage installed? pip install -e '.[test]')")


def run(mutants: list[Mutant], sources: dict[str, str], jobs: int, timeout: float, budget: float | None,
        progress: bool, select: bool = True, save=None, coverage_cache: str | None = None) -> None:
    """Run each mutant's tests in a forked child.

    With ``select`` (the default), the targets' tests first run once unchanged under coverage; then a mutant
    whose lines no test runs survives at once, and the others run only the tests that reach their lines (a
    fault at module level: the tests that run any of its code),
    those that have killed most faults of the module so far first, then the quickest (``-x`` stops at the
    first failure). Without it, every mutant runs all its module's tests in the order :data:`TARGETS` gives.
    """
    import importlib.util  # noqa: F401

    # Loaded once here, shared by every child (a fork copies them): the tests' start is short.
    import pytest  # noqa: F401
    import textual.app  # noqa: F401
    import tinydb  # noqa: F401
    import hypothesis  # noqa: F401

    os.chdir(REPO)
    sys.path.insert(0, str(REPO))
    started = time.monotonic()
    queue = list(mutants)
    running: dict[int, tuple[Mutant, float, str]] = {}
    kills: dict[tuple[str, str], int] = {}
    last_save = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mutants-") as scratch:
        test_map = None
        if select:
            targets = sorted({m.file for m in mutants})
            files = list(dict.fromkeys(test for target in targets for test in TARGETS[target]))
            test_map = _map_tests(files, targets, scratch, coverage_cache)
            if progress:
                print(f"{len(test_map.durations)} tests mapped to the lines they run, in "
                      f"{time.monotonic() - started:.0f} s", flush=True)
            if test_map.failed and progress:
                print(f"left out, failing without any fault: {', '.join(test_map.failed)}")
        while queue or running:
            while queue and len(running) < jobs and (budget is None or time.monotonic() - started < budget):
                mutant = queue.pop(0)
                order = None
                files = TARGETS[mutant.file]
                if test_map is not None:
                    chosen, first = test_map.tests_for(mutant)
                    mutant.tests = len(chosen)
                    if not chosen:  # no test runs the fault: nothing can see it
                        _settle(mutant, "survived", progress)
                        continue
                    order = sorted(chosen, key=lambda t: (t not in first, -kills.get((mutant.file, t), 0),
                                                          test_map.durations.get(t, 0.0), t))
                    files = [f for f in files if any(t.split("::")[0] == f for t in chosen)]
                limits = None
                if order is not None:
                    # Hung means far slower than the same test ran unchanged (under load, tests take longer).
                    limits = {t: 5 * test_map.durations.get(t, 1.0) for t in order}
                source = mutated_source(sources[mutant.file], mutant.index)
                basetemp = os.path.join(scratch, str(mutant.index) + mutant.file.replace("/", "_"))
                pid = os.fork()
                if pid == 0:  # pragma: no cover (the child)
                    try:
                        _run_child(mutant, source, files, order, timeout, basetemp, limits)
                    finally:
                        os._exit(3)
                running[pid] = (mutant, time.monotonic(), basetemp)
            if not running:
                break
            pid, status = os.wait()
            mutant, since, basetemp = running.pop(pid)
            mutant.seconds = round(time.monotonic() - since, 2)
            if os.WIFSIGNALED(status):
                _settle(mutant, "timeout", progress)
            else:
                code = os.WEXITSTATUS(status)
                if code == 5:  # pytest ran no test: a selection that matched nothing, never a kill
                    print(f"\nno test ran for {mutant.key}", flush=True)
                _settle(mutant, "survived" if code in (0, 5) else "killed", progress)
            failed = Path(basetemp + ".failed")
            if failed.exists():
                mutant.killed_by = failed.read_text(encoding="utf-8")
                kills[(mutant.file, mutant.killed_by)] = kills.get((mutant.file, mutant.killed_by), 0) + 1
            if save is not None and time.monotonic() - last_save > 10:
                save()
                last_save = time.monotonic()
    if progress:
        print()


def _settle(mutant: Mutant, status: str, progress: bool) -> None:
    mutant.status = status
    if status == "survived" and explanation(mutant):
        mutant.status = "explained"
    if progress:
        mark = {"killed": ".", "timeout": "T", "survived": "S", "explained": "e"}[mutant.status]
        print(mark, end="", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", help="modules to mutate (default: every target)")
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2) - 0))
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds before a mutant's tests count as hung (with the coverage run: before "
                             "one test does, plus five times the time it took unchanged)")
    parser.add_argument("--budget", type=float, default=None, help="stop starting mutants after this many seconds")
    parser.add_argument("--json", help="write every mutant and its fate here")
    parser.add_argument("--list", action="store_true", help="only list the mutants")
    parser.add_argument("--sample", type=int, default=None,
                        help="run this many mutants drawn at random (seed 17) from the files: an estimate")
    parser.add_argument("--all-tests", action="store_true",
                        help="run every test of the module against every mutant (slow; no coverage run first)")
    parser.add_argument("--coverage", metavar="JSON",
                        help="keep the map of tests to lines here, and reuse it when it exists (only while "
                             "the tests and the code are unchanged)")
    parser.add_argument("--tests", nargs="+", metavar="FILE",
                        help="guard the modules with these test files instead of their TARGETS (a quick look)")
    parser.add_argument("--merge", nargs="+", metavar="JSON",
                        help="run nothing: report the fates recorded in these --json files (later ones win)")
    parser.add_argument("--survivors-of", metavar="JSON",
                        help="run only the mutants that survived in this earlier --json file, or were not run")
    args = parser.parse_args(argv)
    files = args.files or list(TARGETS)
    if args.tests:
        for file in files:
            TARGETS[file] = list(args.tests)
    unknown = [f for f in files if f not in TARGETS]
    if unknown:
        parser.error(f"no tests are listed for {unknown}: add them to TARGETS")
    sources: dict[str, str] = {}
    mutants: list[Mutant] = []
    for file in files:
        sources[file], found = mutants_of(file)
        mutants += found
    if args.sample is not None and args.sample < len(mutants):
        import random

        mutants = sorted(random.Random(17).sample(mutants, args.sample), key=lambda m: (m.file, m.index))
    if args.survivors_of:
        earlier = json.loads(Path(args.survivors_of).read_text(encoding="utf-8"))
        again = {f"{m['file']} | {m['code']} | {m['kind']}: {m['detail']}" for m in earlier
                 if m["status"] in ("survived", "pending")}
        mutants = [m for m in mutants if m.key in again]
    if args.list:
        for mutant in mutants:
            print(f"{mutant.file}:{mutant.line}  {mutant.key}")
        print(f"{len(mutants)} mutants")
        return 0
    def save() -> None:
        if args.json:
            Path(args.json).write_text(json.dumps([asdict(m) for m in mutants], ensure_ascii=False, indent=1),
                                       encoding="utf-8")

    if args.merge:
        # The fates found by earlier runs (a later file's fate wins): a fault the tests killed stays killed as
        # tests are added; survivors are explained (or not) by today's EXPLAINED.
        # Faults with the same key (the same change to two lines of the same code) are told apart by their order.
        fates: dict[tuple[str, int], dict] = {}
        for earlier in args.merge:
            seen: dict[str, int] = {}
            for m in json.loads(Path(earlier).read_text(encoding="utf-8")):
                key = f"{m['file']} | {m['code']} | {m['kind']}: {m['detail']}"
                seen[key] = seen.get(key, 0) + 1
                if m["status"] != "pending":
                    fates[(key, seen[key])] = m
        seen = {}
        for mutant in mutants:
            seen[mutant.key] = seen.get(mutant.key, 0) + 1
            fate = fates.get((mutant.key, seen[mutant.key]))
            if fate is not None:
                mutant.status, mutant.killed_by, mutant.tests = fate["status"], fate.get("killed_by", ""), fate.get("tests", 0)
                if mutant.status in ("survived", "explained"):
                    mutant.status = "explained" if explanation(mutant) else "survived"
    else:
        run(mutants, sources, args.jobs, args.timeout, args.budget, progress=True, select=not args.all_tests,
            save=save, coverage_cache=args.coverage)
    done = [m for m in mutants if m.status != "pending"]
    print(f"{'module':32} {'mutants':>7} {'killed':>7} {'explained':>9} {'survived':>8} {'rate':>7}")
    for file in files:
        mine = [m for m in done if m.file == file]
        if not mine:
            continue
        killed = sum(m.status in ("killed", "timeout") for m in mine)
        explained = sum(m.status == "explained" for m in mine)
        survived = sum(m.status == "survived" for m in mine)
        print(f"{file:32} {len(mine):7} {killed:7} {explained:9} {survived:8} {killed / len(mine):7.1%}")
    killed = sum(m.status in ("killed", "timeout") for m in done)
    print(f"{'all':32} {len(done):7} {killed:7} {sum(m.status == 'explained' for m in done):9} "
          f"{sum(m.status == 'survived' for m in done):8} {killed / max(1, len(done)):7.1%}")
    not_run = len(mutants) - len(done)
    if not_run:
        print(f"({not_run} mutants not run: the budget ran out, or the merged runs did not reach them)")
    survivors = [m for m in done if m.status == "survived"]
    for mutant in survivors:
        unseen = "  (no test runs this line)" if mutant.span is not None and mutant.tests == 0 else ""
        print(f"SURVIVED {mutant.file}:{mutant.line}  {mutant.key}{unseen}")
    for mutant in (m for m in done if m.status == "explained"):
        print(f"explained {mutant.file}:{mutant.line}  {mutant.kind}: {mutant.detail} — {explanation(mutant)}")
    save()
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
