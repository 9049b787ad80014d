"""Installed as users install command-line tools: the wheel, non-editable, in a fresh environment.

The wheel is built as the README says (`python -m build`), installed with pip into a new virtual
environment, and `companion` is run from a temporary folder, far from the repository. The new
environment borrows the test environment's dependencies through a .pth line, so nothing is
downloaded; the package itself comes only from the wheel (the test checks where it was imported
from).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("session_companion-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    env_dir = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=120)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies, from the test environment; its own editable install of the package is a
    # .pth file there, which a path added this way does not run.
    (site / "_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return env_dir


def run_installed(env_dir: Path, folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(
        COMPANION_DATA_DIR=str(folder / "data"),
        COMPANION_CONFIG_DIR=str(folder / "config"),
        COMPANION_CACHE_DIR=str(folder / "cache"),
        PATH=f"{env_dir / 'bin'}:/usr/bin:/bin",
    )
    return subprocess.run(
        [str(env_dir / "bin" / "companion"), *argv],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_the_wheel_holds_the_package_its_data_and_the_licence_only(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not any(name.endswith(("generate.py", "plot.py", "hatch_build.py")) for name in names)
    assert not any(name.startswith(("tests/", "bench/", "audio/", "scripts/", "docs/")) for name in names)
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    shipped = {name.removeprefix("companion/_bundled/") for name in names if name.startswith("companion/_bundled/")}
    for folder in ("audio", "scripts"):
        for path in (REPO / folder).rglob("*"):
            relative = path.relative_to(REPO).as_posix()
            if path.is_file() and path.name not in ("generate.py", "plot.py") and "__pycache__" not in relative:
                assert relative in shipped, f"{relative} is not in the wheel"
    metadata = next(name for name in names if name.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: Apache-2.0" in text
    assert "Classifier: Environment :: Console" in text


def test_the_installed_command_works_from_any_folder(installed, tmp_path):
    where = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import companion.paths as p; print(p.__file__); print(p.bundled_scripts_dir())",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout.split()
    assert all(str(installed) in line for line in where), where  # from the wheel, not the repository

    validated = run_installed(installed, tmp_path, "validate")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "files valid" in validated.stdout and "sessions" in validated.stdout

    listed = run_installed(installed, tmp_path, "list")
    assert listed.returncode == 0, listed.stderr
    for name in ("im-standard", "box-breathing", "journey"):
        assert name in listed.stdout

    located = run_installed(installed, tmp_path, "paths", "--only", "config")
    assert located.stdout.strip() == str(tmp_path / "config")
    left = {path.name for path in tmp_path.iterdir()}
    # Nothing written into the folder it ran in ("tmpdir" is the test's own TMPDIR, conftest.py).
    assert left <= {"cache", "data", "config", "tmpdir"}, left
