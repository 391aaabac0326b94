"""The mutation-testing harness itself (scripts/mutation_test.py), on a tiny module whose faults are known.

The harness first runs the tests once under coverage to learn which tests reach which lines, then runs only
those against each fault. These checks make sure that shortcut never changes a fault's fate: a fault the tests
see is still killed, one they cannot see still survives, and a line no test runs survives without a run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

TINY = '''\
LIMIT = 3
WORDS = frozenset('ab')


def clamp(x):
    if x < 0:
        return 0
    return x


def under_limit(x):
    return x < LIMIT


def nobody_calls(a):
    return a + 1
'''

TINY_TESTS = '''\
from tiny import WORDS, clamp, under_limit


def test_words_written_out_by_hand():
    assert WORDS == {"a", "b"}


def test_clamp_keeps_positives():
    assert clamp(5) == 5


def test_clamp_raises_negatives_to_zero():
    assert clamp(-1) == 0


def test_under_limit():
    assert under_limit(2) and not under_limit(3)
'''

DRIVER = '''\
import importlib.util, json, sys
from pathlib import Path

root = Path(sys.argv[1])
spec = importlib.util.spec_from_file_location("mutation_test", sys.argv[2])
harness = importlib.util.module_from_spec(spec)
sys.modules["mutation_test"] = harness
spec.loader.exec_module(harness)
harness.REPO = root
harness.TARGETS.clear()
harness.TARGETS["tiny.py"] = ["test_tiny.py"]
harness.EXPLAINED.clear()
sys.exit(harness.main(["tiny.py", "--jobs", "1", "--json", sys.argv[3], *sys.argv[4:]]))
'''


def run_harness(tmp_path: Path, *options: str) -> tuple[int, str, dict[str, dict]]:
    root = tmp_path / "project"
    root.mkdir(exist_ok=True)
    (root / "tiny.py").write_text(TINY, encoding="utf-8")
    (root / "test_tiny.py").write_text(TINY_TESTS, encoding="utf-8")
    (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    out = tmp_path / f"mutants{len(options)}.json"
    done = subprocess.run(
        [sys.executable, str(driver), str(root), str(REPO / "scripts" / "mutation_test.py"), str(out), *options],
        capture_output=True, text=True, encoding="utf-8", timeout=300, cwd=root,
    )
    fates = {f"{m['code']} | {m['kind']}: {m['detail']}": m for m in json.loads(out.read_text(encoding="utf-8"))}
    return done.returncode, done.stdout, fates


@pytest.fixture(scope="module")
def selected(tmp_path_factory) -> tuple[int, str, dict[str, dict]]:
    return run_harness(tmp_path_factory.mktemp("selected"))


def test_faults_the_tests_see_are_killed_by_the_test_that_sees_them(selected):
    _, _, fates = selected
    deleted_guard = fates["if x < 0: | delete: if x < 0:"]
    assert deleted_guard["status"] == "killed"
    assert deleted_guard["killed_by"] == "test_tiny.py::test_clamp_raises_negatives_to_zero"
    assert fates["return 0 | constant: 0 → 1"]["status"] == "killed"
    assert fates["return x < LIMIT | compare: Lt → LtE"]["status"] == "killed"


def test_faults_the_tests_cannot_see_survive_and_make_the_run_fail(selected):
    code, stdout, fates = selected
    # clamp(0) is 0 with < and with <=: no test can tell them apart.
    assert fates["if x < 0: | compare: Lt → LtE"]["status"] == "survived"
    assert "SURVIVED tiny.py:6  tiny.py | if x < 0: | compare: Lt → LtE" in stdout
    assert code == 1


def test_a_line_no_test_runs_survives_without_running_anything(selected):
    _, stdout, fates = selected
    unseen = [m for m in fates.values() if m["code"] == "return a + 1"]
    assert len(unseen) == 3  # the return deleted, + → -, 1 → 2
    assert all(m["status"] == "survived" and m["tests"] == 0 and m["seconds"] == 0 for m in unseen)
    assert "(no test runs this line)" in stdout


def test_a_fault_at_module_level_can_be_seen_by_every_test_first_by_those_that_read_what_it_sets(selected):
    _, _, fates = selected
    limit = fates["LIMIT = 3 | constant: 3 → 4"]
    assert limit["status"] == "killed" and limit["tests"] == 4
    assert limit["killed_by"] == "test_tiny.py::test_under_limit"


def test_a_constant_a_test_only_reads_is_still_guarded(selected):
    # The test reads the constant itself and runs none of the module's lines: the fault is still seen.
    _, _, fates = selected
    assert fates["WORDS = frozenset('ab') | charset: drop 'b'"]["status"] == "killed"


def test_only_the_tests_that_reach_a_line_run_against_its_fault(selected):
    _, _, fates = selected
    assert fates["return x < LIMIT | compare: Lt → LtE"]["tests"] == 1
    assert fates["return x | delete: return x"]["tests"] == 1  # only clamp(5) gets past the guard


def test_choosing_tests_by_coverage_changes_no_fate(selected, tmp_path):
    _, _, fates = selected
    code, _, every_test = run_harness(tmp_path, "--all-tests")
    assert code == 1
    assert {key: m["status"] for key, m in every_test.items()} == {key: m["status"] for key, m in fates.items()}
