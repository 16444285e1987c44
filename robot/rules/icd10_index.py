"""A compact index of the ICD-10-CM code set, built once from the package and kept on disk.

Loading ``simple-icd-10-cm`` parses its 10 MB XML file into a tree of Python objects
(about 3.5 s on the practice's 2-core machines), which dwarfed everything else the
``plan`` command does. All the robot needs from that tree is which codes are billable
leaves and which are category headings, so the first use builds exactly that through the
package's own API (the package stays the source of truth; nothing here is written by
hand) and saves it in the user's cache directory. Every later run reads the saved file
and checks it in a few milliseconds. The file is named after the package's version, so an
upgrade builds a new one, and it carries a checksum, so a damaged file is rebuilt rather
than believed.

Why the package API rather than reading its XML directly: a streaming parse of the XML is
faster (about 0.7 s), but the package's rules for seven-character extensions would have to
be copied here and could drift from it; the API costs 4 s once per package version and
can never disagree with the package.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.metadata
import os
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

PACKAGE = "simple-icd-10-cm"

# Bump when the file layout below changes, so that old files are never misread.
INDEX_FORMAT = 1

_MAGIC = f"billing-robot ICD-10-CM index {INDEX_FORMAT}".encode("ascii")

# A code as the index stores it: printable ASCII without spaces, since spaces separate codes.
_TOKEN = re.compile(r"[!-~]+")
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


@dataclass(frozen=True)
class CodeIndex:
    """The codes that can stand on a claim line, in ``normalise_icd10``'s dotted form.

    Billable codes are the leaves of the code tree (F41.1); headings are the categories and
    subcategories that have more specific codes under them (F41, F43.8). Chapters ("5"),
    blocks ("F40-F48") and anything not in the code set are neither.

    Each kind is kept as one sorted line of space-separated codes with a space at each end,
    exactly as the cache file holds it, and looked up by a binary search over its bytes.
    A run asks about one or two codes, so this beats turning 98,000 codes into sets (about
    30 ms on an idle machine, three times that on a busy one) by a wide margin. The shape
    of each line is checked on construction (the search needs it to stop); their order is
    not (that would cost the split this avoids): ``from_codes`` sorts, and a cache file's
    checksum vouches that ``serialise_index`` wrote it.
    """

    billable_line: bytes
    heading_line: bytes

    def __post_init__(self) -> None:
        """Refuse lines the binary search cannot walk (it relies on their shape to stop)."""
        for line in (self.billable_line, self.heading_line):
            if not (line.startswith(b" ") and line.endswith(b" ") and _is_code_line(line[1:-1])):
                raise ValueError("an index line must be sorted codes between single spaces")

    @classmethod
    def from_codes(cls, billable: Iterable[str], headings: Iterable[str]) -> CodeIndex:
        """Return the index of these codes; ValueError if one is not a single ASCII token."""
        return cls(_padded_line(billable), _padded_line(headings))

    def is_billable(self, code: str) -> bool:
        """Return True if ``code`` (dotted, upper case) is a billable leaf."""
        return _holds(self.billable_line, code)

    def is_heading(self, code: str) -> bool:
        """Return True if ``code`` (dotted, upper case) is a heading with codes under it."""
        return _holds(self.heading_line, code)

    def billable_codes(self) -> frozenset[str]:
        """Return every billable code (slow: for tests and tools, not for look-ups)."""
        return frozenset(self.billable_line.decode("ascii").split())

    def heading_codes(self) -> frozenset[str]:
        """Return every heading (slow: for tests and tools, not for look-ups)."""
        return frozenset(self.heading_line.decode("ascii").split())


def _padded_line(codes: Iterable[str]) -> bytes:
    ordered = sorted(set(codes))
    for code in ordered:
        if not _TOKEN.fullmatch(code):
            raise ValueError(f"not a code the index can hold: {code!r}")
    return (" " + " ".join(ordered) + " ").encode("ascii")


def _holds(line: bytes, code: str) -> bool:
    # Anything with a space or a non-ASCII character is no code and never in the line.
    return _TOKEN.fullmatch(code) is not None and _bisect_tokens(line, code.encode("ascii"))


def _bisect_tokens(line: bytes, needle: bytes) -> bool:
    """Return True if ``needle`` is one of the sorted, space-separated tokens of ``line``.

    A binary search straight over the bytes (``line`` starts and ends with a space), so a
    look-up costs about 17 probes and the 800 KB file never has to be split into strings.
    Invariant: the tokens still in play are exactly those in ``line[lo:hi]``, and
    ``line[lo - 1]`` and ``line[hi]`` are spaces.
    """
    lo, hi = 1, len(line) - 1
    while lo < hi:
        middle = (lo + hi) // 2
        start = line.rfind(b" ", lo - 1, middle + 1) + 1  # the token at or after middle
        end = line.find(b" ", start, hi + 1)
        token = line[start:end]
        if token == needle:
            return True
        if token < needle:
            lo = end + 1
        else:
            hi = start - 1
    return False


def package_version() -> str:
    """Return the installed ``simple-icd-10-cm`` version, which keys the cached index.

    Read from the installed metadata, so it costs a few milliseconds and does not load the
    code set. Raises ``importlib.metadata.PackageNotFoundError`` if it is not installed.
    """
    return importlib.metadata.version(PACKAGE)


def default_cache_dir() -> Path | None:
    """Return the user's cache folder for the robot, or None if there is no home to use.

    ``$XDG_CACHE_HOME/billing-robot`` when that variable holds an absolute path (the XDG
    spec says a relative one is to be ignored), else ``~/.cache/billing-robot``.
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg) / "billing-robot"
    try:
        return Path.home() / ".cache" / "billing-robot"
    except RuntimeError:  # no $HOME and no password entry: nowhere to cache
        return None


def cache_file(cache_dir: Path, version: str) -> Path:
    """Return the index file's path in ``cache_dir`` for package version ``version``."""
    return cache_dir / f"icd10cm-index-v{INDEX_FORMAT}-{PACKAGE}-{version}.txt"


def load_code_index(
    cache_dir: Path | None,
    version: str | None = None,
    build: Callable[[], CodeIndex] | None = None,
) -> CodeIndex:
    """Return the code index, from ``cache_dir`` if a sound copy is there, else built.

    A freshly built index is saved to ``cache_dir`` for the next run, written atomically.
    A missing, unreadable, damaged or other-version file is rebuilt, never trusted; a
    cache that cannot be written (or ``cache_dir`` None) leaves the index in memory only.
    ``version`` defaults to the installed package's and ``build`` to
    ``build_code_index``; tests pass their own.
    """
    version = package_version() if version is None else version
    path = None if cache_dir is None else cache_file(cache_dir, version)
    if path is not None:
        cached = _read_cache(path, version)
        if cached is not None:
            return cached
    index = (build or build_code_index)()
    if path is not None:
        _write_atomically(path, serialise_index(index, version))
    return index


def build_code_index() -> CodeIndex:
    """Build the index from ``simple-icd-10-cm`` itself (slow: it loads the whole code set).

    Asks the package the same three questions the robot used to ask it per code (is it an
    item, a category or subcategory, a leaf), once for every item it has, so the index
    answers exactly as the package does.
    """
    cm = _import_package()
    billable: set[str] = set()
    headings: set[str] = set()
    for code in cm.get_all_codes(with_dots=True):
        if cm.is_category_or_subcategory(code):
            (billable if cm.is_leaf(code) else headings).add(code)
    return CodeIndex.from_codes(billable, headings)


def _import_package() -> ModuleType:
    # The package reads its data with a deprecated importlib call; that warning is its
    # own business, not something a billing run should print.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module("simple_icd_10_cm")


# ---- The file: three header lines, then the billable codes and the headings, one line each.


def serialise_index(index: CodeIndex, version: str) -> bytes:
    """Return the bytes of the index file for ``index`` built from package ``version``.

    Plain ASCII that reads straight back into a ``CodeIndex`` with no parsing and can be
    read by eye; codes are sorted, so the same code set always gives the same file.
    """
    body = index.billable_line[1:-1] + b"\n" + index.heading_line[1:-1] + b"\n"
    header = [_MAGIC, _source_line(version), _digest_line(body)]
    return b"\n".join(header) + b"\n" + body


def parse_index(data: bytes, version: str) -> CodeIndex | None:
    """Return the index stored in ``data``, or None unless it is whole and for ``version``.

    The checksum over the body catches a truncated or damaged file; the header catches a
    file of another format or package version.
    """
    parts = data.split(b"\n", 3)
    if len(parts) != 4:
        return None
    magic, source, digest, body = parts
    if magic != _MAGIC or source != _source_line(version) or digest != _digest_line(body):
        return None
    lines = body.split(b"\n")
    if len(lines) != 3 or lines[2] != b"":
        return None
    try:
        return CodeIndex(b" " + lines[0] + b" ", b" " + lines[1] + b" ")
    except ValueError:  # not the shape serialise_index writes
        return None


def _is_code_line(line: bytes) -> bool:
    # What serialise_index writes: codes of printable ASCII, one space between each. Checked
    # with bytes methods, not a regex, because they run at C speed over the 800 KB.
    only_printable = not line.translate(None, _PRINTABLE_ASCII)
    single_spaced = b"  " not in line and not line.startswith(b" ") and not line.endswith(b" ")
    return line != b"" and only_printable and single_spaced


def _source_line(version: str) -> bytes:
    return f"{PACKAGE} {version}".encode()


def _digest_line(body: bytes) -> bytes:
    return b"sha256 " + hashlib.sha256(body).hexdigest().encode("ascii")


def _read_cache(path: Path, version: str) -> CodeIndex | None:
    try:
        data = path.read_bytes()
    except OSError:  # absent, unreadable, or not a file: build instead
        return None
    return parse_index(data, version)


def _write_atomically(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` via a temporary file and a rename; False if it can't.

    Readers (other runs, other workers) see the old file or the whole new one, never half
    of it. No fsync: a file torn by a power cut fails its checksum and is simply rebuilt.
    """
    import tempfile  # only a cold run writes; tempfile's own imports cost a warm one ~10 ms

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:  # read-only or unusable cache folder: the index stays in memory
        return False
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    return True
