"""The core never loads the UI or the audio stack (harlequin's import-hygiene test)."""

import pkgutil
import subprocess
import sys

import companion.core

CORE_MODULES = sorted(f"companion.core.{info.name}" for info in pkgutil.iter_modules(companion.core.__path__))


def test_core_has_modules():
    assert "companion.core.timeline" in CORE_MODULES


def test_core_imports_neither_textual_nor_pygame():
    code = (
        "import sys\n"
        f"for name in {CORE_MODULES!r}: __import__(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'pygame'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_cli_help_loads_neither():
    code = (
        "import sys\n"
        "import companion.cli as cli\n"
        "cli.build_parser()\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'pygame'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
