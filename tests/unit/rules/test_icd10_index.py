"""The cached ICD-10-CM index: it answers as the package does, and its cache fails safe."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from robot.rules import icd10_index
from robot.rules.icd10 import Icd10Status, icd10_status, normalise_icd10
from robot.rules.icd10_index import (
    CodeIndex,
    cache_file,
    default_cache_dir,
    load_code_index,
    package_version,
    parse_index,
    serialise_index,
)

# ---- Agreement with the package (the real, slow build: once for this module) -------------


@pytest.fixture(scope="module")
def package() -> ModuleType:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm

    return simple_icd_10_cm


@pytest.fixture(scope="module")
def built_and_reloaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[CodeIndex, CodeIndex]:
    """The real index as built cold into an empty cache, and as read back from that cache."""
    cache = tmp_path_factory.mktemp("icd-cache")
    built = load_code_index(cache)

    def must_not_build() -> CodeIndex:
        raise AssertionError("a sound cache was rebuilt")

    return built, load_code_index(cache, build=must_not_build)


def package_status(package: ModuleType, normal: str) -> Icd10Status:
    """What the robot answered before the index: the package's own API, per code."""
    if not package.is_valid_item(normal) or not package.is_category_or_subcategory(normal):
        return Icd10Status.UNKNOWN
    return Icd10Status.BILLABLE if package.is_leaf(normal) else Icd10Status.HEADING


def old_icd10_status(package: ModuleType, written: str) -> Icd10Status:
    """``icd10_status`` as it was before the index: normalise, then ask the package."""
    normal = normalise_icd10(written)
    return Icd10Status.UNKNOWN if normal is None else package_status(package, normal)


def index_status(index: CodeIndex, normal: str) -> Icd10Status:
    if index.is_billable(normal):
        return Icd10Status.BILLABLE
    if index.is_heading(normal):
        return Icd10Status.HEADING
    return Icd10Status.UNKNOWN


def random_code_shapes(count: int, seed: int) -> list[str]:
    """Code-shaped strings, nearly all of them not in the code set."""
    rng = random.Random(seed)
    alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    shapes = []
    for _ in range(count):
        category = rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + rng.choice("0123456789")
        category += rng.choice(alnum)
        rest = "".join(rng.choice(alnum) for _ in range(rng.randint(0, 4)))
        shapes.append(f"{category}.{rest}" if rest else category)
    return shapes


def test_index_agrees_with_the_package_on_every_item_it_has(
    package: ModuleType, built_and_reloaded: tuple[CodeIndex, CodeIndex]
) -> None:
    built, reloaded = built_and_reloaded
    assert reloaded == built
    items = package.get_all_codes(with_dots=True)
    disagreements = [
        code for code in items if index_status(built, code) is not package_status(package, code)
    ]
    assert disagreements == []
    # Every item was asked about, and chapters and blocks are in neither set.
    billable, headings = built.billable_codes(), built.heading_codes()
    assert billable.isdisjoint(headings)
    assert billable | headings == {c for c in items if package.is_category_or_subcategory(c)}


def test_index_knows_nothing_the_package_does_not(
    package: ModuleType, built_and_reloaded: tuple[CodeIndex, CodeIndex]
) -> None:
    built, _ = built_and_reloaded
    shapes = random_code_shapes(20_000, seed=14)
    near_misses = [f"{code}9" for code in sorted(built.billable_codes())[::50] if len(code) < 8]
    chapters_and_blocks = [
        code for code in package.get_all_codes() if not package.is_category_or_subcategory(code)
    ]
    unknown = [
        code
        for code in shapes + near_misses + chapters_and_blocks
        if package_status(package, code) is Icd10Status.UNKNOWN
    ]
    assert len(unknown) > 15_000  # about a fifth of three-character shapes are categories
    assert [code for code in unknown if index_status(built, code) is not Icd10Status.UNKNOWN] == []


def test_icd10_status_agrees_with_the_package_under_f_and_on_a_sample_elsewhere(
    package: ModuleType,
) -> None:
    items = package.get_all_codes(with_dots=True)
    under_f = [code for code in items if code.startswith("F")]
    elsewhere = random.Random(2026).sample([c for c in items if not c.startswith("F")], 3_000)
    statuses = {package_status(package, code) for code in under_f}
    assert statuses == {Icd10Status.BILLABLE, Icd10Status.HEADING, Icd10Status.UNKNOWN}
    for code in under_f + elsewhere + random_code_shapes(2_000, seed=3):
        # The public function takes what people type: lower case, no dot.
        for written in (code, code.lower().replace(".", "")):
            assert icd10_status(written) is old_icd10_status(package, written), written


# ---- The cache, with a small stand-in index so these run in milliseconds ------------------

SMALL = CodeIndex.from_codes(billable=["F41.1", "F43.81", "F43.89"], headings=["F41", "F43.8"])


@pytest.mark.parametrize(
    ("code", "billable", "heading"),
    [
        ("F41.1", True, False),
        ("F43.89", True, False),
        ("F41", False, True),
        ("F43.8", False, True),
        ("F43", False, False),
        ("F41.", False, False),
        ("43.81", False, False),  # the tail of a code is not a code
        ("F4", False, False),  # nor is its head
        ("F41.1 F43.81", False, False),  # two codes are not one
        (" F41.1", False, False),
        ("", False, False),
        (" ", False, False),
        ("F41.1\u00e9", False, False),
    ],
)
def test_look_up_matches_whole_codes_only(code: str, billable: bool, heading: bool) -> None:
    assert (SMALL.is_billable(code), SMALL.is_heading(code)) == (billable, heading)


TOKENS = st.text(alphabet="ABF.0123456789X", min_size=1, max_size=6)


@given(codes=st.sets(TOKENS, min_size=1, max_size=40), probes=st.lists(TOKENS, max_size=20))
def test_binary_search_agrees_with_set_membership(codes: set[str], probes: list[str]) -> None:
    index = CodeIndex.from_codes(billable=codes, headings=["F41"])
    # Every code, every prefix and extension of one, and unrelated probes.
    asked = set(probes) | codes | {c[:-1] for c in codes if len(c) > 1} | {c + "0" for c in codes}
    for code in asked:
        assert index.is_billable(code) is (code in codes), code


@pytest.mark.parametrize("bad", ["", "F41 1", "F41\t1", "F41.1\u00e9"])
def test_index_refuses_what_it_could_not_store(bad: str) -> None:
    with pytest.raises(ValueError, match="not a code"):
        CodeIndex.from_codes(billable=[bad], headings=["F41"])


@pytest.mark.parametrize(
    "line", [b"F41.1", b" F41.1", b"F41.1 ", b"  F41.1 ", b" F41.1  F43.8 ", b" ", b" F41\t1 "]
)
def test_index_refuses_lines_its_search_cannot_walk(line: bytes) -> None:
    with pytest.raises(ValueError, match="index line"):
        CodeIndex(billable_line=line, heading_line=b" F41 ")


def test_index_gives_its_codes_back() -> None:
    assert SMALL.billable_codes() == {"F41.1", "F43.81", "F43.89"}
    assert SMALL.heading_codes() == {"F41", "F43.8"}


class CountingBuild:
    """A stand-in for the slow build that says how often it was asked."""

    def __init__(self, index: CodeIndex = SMALL) -> None:
        self.index = index
        self.calls = 0

    def __call__(self) -> CodeIndex:
        self.calls += 1
        return self.index


def refuse_to_build() -> CodeIndex:
    raise AssertionError("the cache should have answered")


def test_first_load_builds_and_saves_and_the_next_reads_the_file(tmp_path: Path) -> None:
    build = CountingBuild()
    assert load_code_index(tmp_path, "1.0", build) == SMALL
    assert build.calls == 1
    assert [p.name for p in tmp_path.iterdir()] == [cache_file(tmp_path, "1.0").name]
    assert load_code_index(tmp_path, "1.0", refuse_to_build) == SMALL


def test_saved_file_is_the_same_bytes_for_the_same_index() -> None:
    rebuilt = CodeIndex.from_codes(
        billable=sorted(SMALL.billable_codes(), reverse=True), headings=SMALL.heading_codes()
    )
    assert serialise_index(rebuilt, "1.0") == serialise_index(SMALL, "1.0")
    assert parse_index(serialise_index(SMALL, "1.0"), "1.0") == SMALL


def crafted(body: bytes, version: str = "1.0") -> bytes:
    """A file with a correct header and checksum around ``body``: damage that looks whole."""
    good = serialise_index(SMALL, version)
    header = good.split(b"\n", 3)[:2]
    return b"\n".join([*header, icd10_index._digest_line(body)]) + b"\n" + body


def flip_last_code_byte(data: bytes) -> bytes:
    at = len(data) - 2
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda good: b"",
    "truncated": lambda good: good[: len(good) // 2],
    "one byte flipped": flip_last_code_byte,
    "wrong format line": lambda good: good.replace(b"index 1", b"index 0", 1),
    "binary junk": lambda good: os.urandom(len(good)),
    "another version's file": lambda good: serialise_index(SMALL, "0.9"),
    "not ascii": lambda good: crafted("F41.1 F41\u00e9\nF41\n".encode()),
    "two spaces": lambda good: crafted(b"F41.1  F43.81\nF41\n"),
    "a control character": lambda good: crafted(b"F41.1\tF43.81\nF41\n"),
    "no headings": lambda good: crafted(b"F41.1\n\n"),
    "an extra line": lambda good: crafted(b"F41.1\nF41\nF99\n"),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_cache_is_rebuilt_and_replaced(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    path = cache_file(tmp_path, "1.0")
    path.write_bytes(damage(serialise_index(SMALL, "1.0")))
    build = CountingBuild()
    assert load_code_index(tmp_path, "1.0", build) == SMALL
    assert build.calls == 1
    assert parse_index(path.read_bytes(), "1.0") == SMALL


def test_cache_path_that_is_a_folder_is_worked_around_in_memory(tmp_path: Path) -> None:
    cache_file(tmp_path, "1.0").mkdir()
    build = CountingBuild()
    assert load_code_index(tmp_path, "1.0", build) == SMALL
    assert build.calls == 1
    assert [p.name for p in tmp_path.iterdir()] == [cache_file(tmp_path, "1.0").name]


def test_version_change_rebuilds_and_keeps_each_versions_file(tmp_path: Path) -> None:
    old_build, new_build = CountingBuild(), CountingBuild(
        CodeIndex.from_codes(billable=["F41.1"], headings=["F41"])
    )
    load_code_index(tmp_path, "1.5.0", old_build)
    assert load_code_index(tmp_path, "1.6.0", new_build) == new_build.index
    assert (old_build.calls, new_build.calls) == (1, 1)
    assert load_code_index(tmp_path, "1.5.0", refuse_to_build) == SMALL
    assert load_code_index(tmp_path, "1.6.0", refuse_to_build) == new_build.index


@pytest.fixture
def read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder nothing can be written into, even by root (who ignores mode bits)."""
    folder = tmp_path / "cache"
    folder.mkdir()

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied", str(folder))

    folder.chmod(0o555)
    monkeypatch.setattr("tempfile.mkstemp", refuse)
    yield folder
    folder.chmod(0o755)


def test_read_only_cache_folder_works_from_memory(read_only_folder: Path) -> None:
    build = CountingBuild()
    assert load_code_index(read_only_folder, "1.0", build) == SMALL
    assert load_code_index(read_only_folder, "1.0", build) == SMALL
    assert build.calls == 2  # nothing could be saved, so each process builds
    assert list(read_only_folder.iterdir()) == []


def test_read_only_cache_folder_with_a_good_index_is_still_read(tmp_path: Path) -> None:
    load_code_index(tmp_path, "1.0", CountingBuild())
    tmp_path.chmod(0o555)
    try:
        assert load_code_index(tmp_path, "1.0", refuse_to_build) == SMALL
    finally:
        tmp_path.chmod(0o755)


def test_cache_folder_that_cannot_be_created_works_from_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder's parent should be")
    build = CountingBuild()
    assert load_code_index(blocker / "billing-robot", "1.0", build) == SMALL
    assert build.calls == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_failed_rename_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(icd10_index.os, "replace", refuse)
    assert load_code_index(tmp_path, "1.0", CountingBuild()) == SMALL
    assert list(tmp_path.iterdir()) == []


def test_no_cache_folder_at_all_builds_in_memory() -> None:
    build = CountingBuild()
    assert load_code_index(None, "1.0", build) == SMALL
    assert build.calls == 1


# ---- Where the cache lives ----------------------------------------------------------------


def test_cache_folder_follows_xdg_cache_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "billing-robot"


@pytest.mark.parametrize("xdg", [None, "", "relative/cache"])
def test_cache_folder_falls_back_to_home_dot_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg: str | None
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert default_cache_dir() == tmp_path / ".cache" / "billing-robot"


def test_no_home_means_no_cache_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(icd10_index.Path, "home", no_home)
    assert default_cache_dir() is None


def test_a_warm_run_answers_without_importing_the_package(tmp_path: Path) -> None:
    # The real command path: the cache folder from XDG_CACHE_HOME, the file keyed by the
    # installed version, and the package made unimportable to prove it is never touched.
    folder = tmp_path / "billing-robot"
    folder.mkdir()
    cache_file(folder, package_version()).write_bytes(serialise_index(SMALL, package_version()))
    code = (
        "import sys; sys.modules['simple_icd_10_cm'] = None\n"
        "from robot.rules.icd10 import icd10_status\n"
        "print(icd10_status('f411'), icd10_status('F43.8'), icd10_status('F99'))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    # F99 is billable in the real code set but not in the stand-in: the file answered.
    assert result.stdout.split() == ["billable", "heading", "unknown"]
