"""The tests' own temporary folder: a rehearsal a test starts is never written to the shared /tmp,
where another test's (or anyone's) rehearsal would be taken for it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from companion import paths


def test_the_rehearsal_folder_lies_in_this_tests_own_temporary_folder(tmp_path):
    assert paths.rehearsal_root().parent == tmp_path / "tmpdir"
    assert tempfile.gettempdir() == str(tmp_path / "tmpdir")


def test_a_command_a_test_starts_has_the_same_rehearsal_folder(tmp_path):
    code = "from companion import paths; print(paths.rehearsal_root())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=True)
    assert out.stdout.strip() == str(tmp_path / "tmpdir" / f"session-companion-rehearsal-{os.getuid()}")
