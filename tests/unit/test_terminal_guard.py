"""Native libraries' writes to fd 2 go to a log while the console runs; the console's own reach the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_native_writes_go_to_the_log_and_python_writes_to_the_terminal(tmp_path):
    log = tmp_path / "native.log"
    child = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        from companion.ui.terminal_guard import native_output_to_log

        with native_output_to_log(Path({str(log)!r})):
            os.write(2, b"Illegal Audio-MPEG-Header 0x00000000\\n")
            sys.__stderr__.write("drawn by the app\\n")
        sys.stderr.write("after the console\\n")
        os.write(2, b"native after\\n")
        """
    )
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "drawn by the app\nafter the console\nnative after\n"
    assert log.read_text() == "Illegal Audio-MPEG-Header 0x00000000\n"
    assert (os.stat(log).st_mode & 0o777) == 0o600
