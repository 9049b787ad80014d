"""Where things live. The only module that knows paths; tests override with environment variables.

COMPANION_DATA_DIR   journals and reports (default: the user data dir)
COMPANION_CONFIG_DIR the user's own scripts, exercises and playlists (default: user config dir)
COMPANION_CACHE_DIR  checked scripts kept between runs (default: the user cache dir)
Rehearsal journals go to a private folder in the temporary directory (`rehearsal_root`).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

import platformdirs

APP = "session-companion"
_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    # An editable install or a checkout runs from the repo; a wheel carries copies in _bundled/.
    in_repo = _PACKAGE.parent / name
    return in_repo if in_repo.is_dir() else _PACKAGE / "_bundled" / name


def bundled_scripts_dir() -> Path:
    return _bundled("scripts")


def bundled_audio_dir() -> Path:
    return _bundled("audio")


def data_dir() -> Path:
    override = os.environ.get("COMPANION_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP))


def config_dir() -> Path:
    override = os.environ.get("COMPANION_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP))


def cache_dir() -> Path:
    override = os.environ.get("COMPANION_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP))


def journals_dir() -> Path:
    return data_dir() / "journals"


def reports_dir() -> Path:
    return data_dir() / "reports"


def rehearsal_root() -> Path:
    """Where rehearsal journals go: a private folder in the temporary directory.

    A folder of that name that is a symlink or belongs to someone else is not ours to write
    into; then rehearsals go beside the real journals instead, still apart from them.
    """
    candidate = Path(tempfile.gettempdir()) / f"session-companion-rehearsal-{os.getuid()}"
    try:
        info = candidate.lstat()
    except FileNotFoundError:
        return candidate
    except OSError:
        return data_dir() / "rehearsals"
    if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
        return candidate
    return data_dir() / "rehearsals"


def ensure_private_dir(path: Path) -> Path:
    """Create `path` readable by the owner only; tighten it if it exists.

    Every missing parent is created 0700 too, whatever the umask (`mkdir(parents=True)` would
    give them the umask's bits, 0777 under `umask 000`); parents that already exist are left
    as they are, since they may not be ours.
    """
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass
        else:
            os.chmod(folder, 0o700)
    if not path.is_dir():  # a file standing where the folder should be is not ours to change
        raise NotADirectoryError(errno.ENOTDIR, "a file stands where its folder should be", str(path))
    os.chmod(path, 0o700)
    return path


def tighten_dir(path: Path) -> None:
    """Make a folder of ours that exists owner-only again (a journals folder loosened to 0777)."""
    try:
        info = path.stat()
    except OSError:
        return
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        try:
            os.chmod(path, 0o700)
        except OSError:
            pass


def write_private_file(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data`, owner-only (0600 whatever the umask), durably, never half a file.

    Written to a temporary file beside it (mkstemp creates it 0600), fsync'd, then renamed over
    `path`, so a reader sees the old file or the new one whole. Raises OSError.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
