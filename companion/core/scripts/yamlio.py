"""The only module that configures PyYAML: safe, size-capped loading that remembers where things are.

`load_yaml_file(path)` returns plain Python values (dicts, lists, str, int, float, bool, None)
together with the 1-based line and column of every node, keyed by field path
("phases[2].reminders[0].at"), so validators can report `FILE:LINE:COL: field: message`.

Refused, with a message naming the file and line: files over 1 MB, anything that is not a
regular UTF-8 text file, several documents in one file, tags other than the plain YAML types
(`!!python/...` and custom `!tags`), merge keys, repeated keys, recursive aliases and alias
"bombs" that would expand past MAX_NODES values or MAX_EXPANDED_CHARS characters of text.
Aliases themselves are allowed (a checklist written once and reused is legitimate); their
expanded size is counted before anything is built.
"""

from __future__ import annotations

import hashlib
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml.reader
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from companion.core.scripts.problems import Problem, ScriptError, file_problem

try:  # libyaml: about ten times faster, and it caps nesting depth itself
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_BYTES = 1024 * 1024
MAX_NODES = 100_000
MAX_DEPTH = 100
MAX_EXPANDED_CHARS = 4_000_000  # a file is at most 1 MB; aliases may repeat a list, not a book

_STD = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_STD + name for name in ("str", "int", "float", "bool", "null"))
_SEQ, _MAP, _TIMESTAMP, _MERGE = (_STD + name for name in ("seq", "map", "timestamp", "merge"))
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_SCALARS = {
    _STR: SafeConstructor.construct_yaml_str,
    _INT: SafeConstructor.construct_yaml_int,
    _FLOAT: SafeConstructor.construct_yaml_float,
    _BOOL: SafeConstructor.construct_yaml_bool,
    _NULL: SafeConstructor.construct_yaml_null,
}
_constructor = SafeConstructor()

Position = tuple[int, int]


@dataclass(frozen=True)
class Located:
    """A parsed YAML file: its plain value and where each field path sits in the text."""

    file: Path
    value: Any
    positions: Mapping[str, Position] = field(default_factory=dict)  # path -> value node
    key_positions: Mapping[str, Position] = field(default_factory=dict)  # path -> its key
    text_hash: str = ""  # sha256 hex of the file's bytes

    def where(self, path: str, *, key: bool = False) -> Position:
        """Line and column of `path`, or of its nearest parent that exists (a missing field)."""
        table = self.key_positions if key else self.positions
        if path in table:
            return table[path]
        if key and path in self.positions:
            return self.positions[path]
        while path:
            path = _parent(path)
            if path in self.positions:
                return self.positions[path]
        return (1, 1)

    def problem(self, path: str, message: str, *, key: bool = False) -> Problem:
        line, column = self.where(path, key=key)
        return Problem(self.file, line, column, path, message)


def child_path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def load_yaml_file(path: Path | str) -> Located:
    """Read and parse one YAML file. Raises ScriptError (never anything else) when it cannot."""
    path = Path(path)
    data = read_script_bytes(path)
    return parse_yaml(data, path)


def read_script_bytes(path: Path) -> bytes:
    """The bytes of a script file, or ScriptError saying why they cannot be read (a folder, a
    FIFO, over MAX_BYTES, unreadable)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ScriptError([file_problem(path, "no such file")]) from None
    except OSError as error:
        raise ScriptError([file_problem(path, f"cannot be read ({error.strerror})")]) from None
    if stat.S_ISDIR(info.st_mode):
        raise ScriptError([file_problem(path, "is a folder; expected a YAML file")])
    if not stat.S_ISREG(info.st_mode):
        raise ScriptError([file_problem(path, "is not a regular file; expected a YAML file")])
    if info.st_size > MAX_BYTES:
        raise ScriptError([_too_large(path, info.st_size)])
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # the file may have grown since stat
    except OSError as error:
        raise ScriptError([file_problem(path, f"cannot be read ({error.strerror})")]) from None
    if len(data) > MAX_BYTES:
        raise ScriptError([_too_large(path, len(data))])
    return data


def _too_large(path: Path, size: int) -> Problem:
    return file_problem(path, f"is {size / 1e6:.1f} MB; scripts are limited to 1 MB (is this the right file?)")


def parse_yaml(data: bytes, file: Path) -> Located:
    """Parse YAML bytes read from `file` (used in messages). Raises ScriptError."""
    if len(data) > MAX_BYTES:
        raise ScriptError([_too_large(file, len(data))])
    text = _decode(data, file)
    if not text.strip():
        raise ScriptError([file_problem(file, "the file is empty; expected a YAML mapping")])
    try:
        _count_values(text, file)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise ScriptError([_syntax_problem(file, error)]) from None
    except yaml.reader.ReaderError as error:  # a character YAML refuses: no mark, a position
        raise ScriptError([_character_problem(file, text, error)]) from None
    except yaml.YAMLError as error:
        raise ScriptError([file_problem(file, f"not valid YAML: {error}")]) from None
    except RecursionError:  # the pure-Python parser on absurd nesting
        raise ScriptError([file_problem(file, "nested too deeply to be a script")]) from None
    if root is None:
        raise ScriptError([file_problem(file, "the file holds only comments; expected a mapping")])
    converter = _Converter(file)
    value = converter.convert(root)
    return Located(
        file=file,
        value=value,
        positions=converter.positions,
        key_positions=converter.key_positions,
        text_hash=hashlib.sha256(data).hexdigest(),
    )


_VALUE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)


def _count_values(text: str, file: Path) -> None:
    """Refuse a file of too many values before composing it: parsing is several times cheaper
    than building the node graph, so a 1 MB file of tiny values is refused in a fraction of a
    second. (Aliases are counted later, when their expanded size is known.)"""
    count = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _VALUE_EVENTS):
            count += 1
            if count > MAX_NODES:
                message = f"holds more than {MAX_NODES:,} values; far too many for a script"
                raise ScriptError([file_problem(file, message)])


def _character_problem(file: Path, text: str, error: yaml.reader.ReaderError) -> Problem:
    position = max(0, min(error.position, len(text)))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    character = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "?")
    message = f"not valid YAML: a control character (0x{character:02x}) that text cannot hold; is this a text file?"
    return file_problem(file, message, line, column)


def _decode(data: bytes, file: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte order mark, as some Windows editors write
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScriptError([file_problem(file, "is UTF-16 text; save it as UTF-8")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start]
        message = f"not UTF-8 text (byte 0x{byte:02x}); is this a YAML file? save it as UTF-8"
        raise ScriptError([file_problem(file, message, line, column)]) from None


def _syntax_problem(file: Path, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = error.problem or "unreadable"
    if error.context:
        what = f"{error.context}: {what}"
    if "expected a single document" in what or "but found another document" in what:
        what = "holds more than one YAML document (a second '---'); expected one"
    return file_problem(file, f"not valid YAML: {what}", line, column)


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_STD) :] if tag.startswith(_STD) else tag


class _Converter:
    """Turns a composed node graph into plain values, recording positions and refusing the unsafe."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.positions: dict[str, Position] = {}
        self.key_positions: dict[str, Position] = {}
        self.problems: list[Problem] = []
        self.aliased = False

    def convert(self, root: Node) -> Any:
        sizes: dict[int, tuple[int, int]] = {}
        size, chars = self._expanded_size(root, sizes, set(), 0)
        if size > MAX_NODES:
            if self.aliased:
                message = f"aliases expand to more than {MAX_NODES:,} values (an alias bomb?); refusing to load it"
            else:
                message = f"holds more than {MAX_NODES:,} values; far too many for a script"
            raise ScriptError([file_problem(self.file, message)])
        if chars > MAX_EXPANDED_CHARS:
            # Few values, but a long text repeated by aliases: the screens would draw it all.
            message = (
                f"aliases expand to more than {MAX_EXPANDED_CHARS // 1_000_000} million characters "
                "of text (an alias bomb?); refusing to load it"
            )
            raise ScriptError([file_problem(self.file, message)])
        value = self._value(root, "")
        if self.problems:
            raise ScriptError(self.problems)
        return value

    def _expanded_size(
        self, node: Node, sizes: dict[int, tuple[int, int]], active: set[int], depth: int
    ) -> tuple[int, int]:
        """Values and characters of text the graph holds once aliases are expanded, counted
        without expanding them."""
        key = id(node)
        if key in sizes:
            self.aliased = True  # only an alias reaches the same node twice
            return sizes[key]
        if key in active:
            raise ScriptError([self._at(node, "", "an alias refers to itself (a recursive structure)")])
        if depth > MAX_DEPTH:
            raise ScriptError([self._at(node, "", "nested too deeply to be a script")])
        total, chars = 1, 0
        if isinstance(node, ScalarNode):
            chars = len(node.value)
        elif isinstance(node, (SequenceNode, MappingNode)):
            active.add(key)
            children = node.value if isinstance(node, SequenceNode) else [v for _, v in node.value]
            for child in children:
                size, text = self._expanded_size(child, sizes, active, depth + 1)
                total, chars = total + size, chars + text
                if total > MAX_NODES or chars > MAX_EXPANDED_CHARS:
                    break  # no need to count further
            active.discard(key)
        sizes[key] = (total, chars)
        return total, chars

    def _at(self, node: Node, path: str, message: str) -> Problem:
        mark = node.start_mark
        return Problem(self.file, mark.line + 1, mark.column + 1, path, message)

    def _value(self, node: Node, path: str) -> Any:
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                self.problems.append(self._at(node, path, self._tag_message(node.tag)))
            return [self._value(item, child_path(path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            if node.tag != _MAP:
                self.problems.append(self._at(node, path, self._tag_message(node.tag)))
            return self._mapping(node, path)
        self.problems.append(self._at(node, path, "not a value a script can hold"))
        return None

    def _scalar(self, node: ScalarNode, path: str) -> Any:
        if node.tag == _TIMESTAMP:
            return node.value  # a date is only ever text in a script
        if node.tag == _INT and not _PLAIN_INT.fullmatch(node.value):
            return node.value  # YAML 1.1's 1:30 (base 60), 0x258, 0o17, 010, 1_200: text, refused where a number is due
        if node.tag == _FLOAT and not _PLAIN_FLOAT.fullmatch(node.value) and not _SPECIAL_FLOAT.fullmatch(node.value):
            return node.value  # 1:30.5 (base 60) or 1_0.5: text too
        build = _SCALARS.get(node.tag)
        if build is None:
            self.problems.append(self._at(node, path, self._tag_message(node.tag)))
            return None
        try:
            return build(_constructor, node)
        except (ValueError, yaml.YAMLError):
            self.problems.append(self._at(node, path, f"cannot read {shorten(node.value)!r}"))
            return None

    def _mapping(self, node: MappingNode, path: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self.problems.append(
                    self._at(key_node, path, "merge keys (<<) are not supported; write the fields out")
                )
                continue
            if not isinstance(key_node, ScalarNode):
                self.problems.append(self._at(key_node, path, "a key must be a plain word"))
                continue
            key = key_node.value  # the text as written: `on:` stays "on", `1:` stays "1"
            here = child_path(path, key)
            if key in first_seen:
                self.problems.append(
                    self._at(key_node, here, f"repeated key; it is already set on line {first_seen[key]}")
                )
                continue
            first_seen[key] = key_node.start_mark.line + 1
            self.key_positions[here] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self._value(value_node, here)
        return result

    @staticmethod
    def _tag_message(tag: str) -> str:
        return (
            f"the tag {_tag_name(tag)} is not allowed; scripts hold only text, numbers, true/false, lists and mappings"
        )


def shorten(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters for a message (a 5,000-digit number helps nobody)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: Any) -> str:
    """How a value reads in a message: 'text "abc"', 'a number (42)', 'a list', 'nothing'."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int) and abs(value) >= 10**15:
        return f"a number {len(str(abs(value)))} digits long"
    if isinstance(value, (int, float)):
        return f"a number ({value:g})" if isinstance(value, float) else f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'text "{shown}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
