"""Unit tests of the vision scripts' shared modules: shared/archives.py (dataset folder or archive -> the dataset's
root folder, safe extraction) and shared/images.py (full decode with Pillow, InputError naming the file).

Archives are built with tarfile in tmp_path; images are written with Pillow.
"""

import contextlib
import io
import os
import tarfile
from pathlib import Path

import pytest
from PIL import Image
from shared import archives
from shared.archives import dataset_root, find_root, is_archive
from shared.errors import InputError
from shared.images import decoded_image, image_size

# --- shared/archives.py -------------------------------------------------------------------------------------------

FILES = {"data/images/a.jpg": b"jpeg a", "data/images/b.jpg": b"jpeg b", "data/notes.txt": b"notes"}


def is_data(folder: str) -> bool:
    return os.path.basename(folder) == "data" and os.path.isdir(os.path.join(folder, "images"))


def write_tree(parent: Path, files: dict[str, bytes] = FILES) -> Path:
    for name, data in files.items():
        (parent / name).parent.mkdir(parents=True, exist_ok=True)
        (parent / name).write_bytes(data)
    return parent


def write_tar(path: Path, files: dict[str, bytes] = FILES, mode: str = "w") -> Path:
    """An archive of files (name -> bytes) with their folders as members too, as tar does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    folders = sorted({str(Path(name).parent) for name in files} - {"."})
    with tarfile.open(path, mode) as tar:
        for folder in folders:
            info = tarfile.TarInfo(folder)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)
        for name, data in files.items():
            add_file(tar, name, data)
    return path


def add_file(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def tree(folder: str | Path) -> dict[str, bytes]:
    """The files below folder, by path relative to it."""
    folder = Path(folder)
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def relative(files: dict[str, bytes], prefix: str = "data/") -> dict[str, bytes]:
    return {name.removeprefix(prefix): data for name, data in files.items()}


@pytest.fixture
def work(tmp_path) -> Path:
    """The work_dir the archives are extracted into; the tests check that it is empty again afterwards."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def test_a_folder_is_used_in_place_at_its_own_level_or_up_to_three_levels_below(tmp_path, work):
    root = write_tree(tmp_path / "a" / "b") / "data"
    for given in (root, root.parent, root.parent.parent, tmp_path):
        with dataset_root(str(given), is_data, work_dir=str(work)) as found:
            assert found == str(root)
    assert list(work.iterdir()) == []


def _enter(path: Path, work: Path) -> None:
    """Enters and leaves dataset_root(path) with work as work_dir."""
    with dataset_root(str(path), is_data, work_dir=str(work)):
        pass


def test_a_root_deeper_than_the_search_depth_is_not_found(tmp_path, work):
    write_tree(tmp_path / "1" / "2" / "3")
    with pytest.raises(InputError, match="no dataset folder found, and not exactly one archive to extract"):
        _enter(tmp_path, work)
    assert find_root(str(tmp_path), is_data, depth=4) == str(tmp_path / "1" / "2" / "3" / "data")


def test_find_root_takes_the_shallowest_then_the_first_by_name(tmp_path):
    write_tree(tmp_path / "b")
    write_tree(tmp_path / "a" / "deeper")
    write_tree(tmp_path / "c")
    write_tree(tmp_path / ".hidden")
    assert find_root(str(tmp_path), is_data) == str(tmp_path / "b" / "data")
    assert find_root(str(tmp_path / ".hidden"), is_data) == str(tmp_path / ".hidden" / "data")


@pytest.mark.parametrize(("name", "mode"), [("set.tar", "w"), ("set.tgz", "w:gz"), ("set.tar.gz", "w:gz"),
                                            ("SET.TAR", "w")])  # fmt: skip
def test_an_archive_is_extracted_into_work_dir_and_removed_afterwards(tmp_path, work, name, mode):
    archive = write_tar(tmp_path / name, mode=mode)
    assert is_archive(str(archive))
    with dataset_root(str(archive), is_data, work_dir=str(work)) as found:
        (extracted,) = work.iterdir()
        assert extracted.name.startswith(".dataset-")
        assert found == str(extracted / "data")
        assert tree(found) == relative(FILES)
    assert list(work.iterdir()) == []


def test_a_folder_holding_one_archive_extracts_it(tmp_path, work):
    holder = tmp_path / "holder"
    write_tar(holder / "set.tgz", mode="w:gz")
    (holder / "readme.txt").write_text("not an archive")
    with dataset_root(str(holder), is_data, work_dir=str(work)) as found:
        assert tree(found) == relative(FILES)
    assert list(work.iterdir()) == []


def test_a_folder_with_two_archives_or_none_fails_naming_it(tmp_path, work):
    holder = tmp_path / "holder"
    write_tar(holder / "one.tar")
    write_tar(holder / "two.tgz", mode="w:gz")
    with pytest.raises(InputError) as error:
        _enter(holder, work)
    assert (
        str(error.value)
        == f"{holder}: no dataset folder found, and not exactly one archive to extract (one.tar, two.tgz)"
    )
    (holder / "one.tar").unlink()
    (holder / "two.tgz").unlink()
    with pytest.raises(InputError) as error:
        _enter(holder, work)
    assert str(error.value).endswith("not exactly one archive to extract (none)")
    assert list(work.iterdir()) == []


def test_an_archive_without_the_layout_or_a_file_that_is_no_archive_fails(tmp_path, work):
    other = write_tar(tmp_path / "other.tar", {"elsewhere/images/a.jpg": b"a"})
    with pytest.raises(InputError) as error:
        _enter(other, work)
    assert str(error.value) == f"{other}: the archive does not hold the expected dataset layout"
    assert list(work.iterdir()) == []
    (tmp_path / "data.zip").write_bytes(b"PK\x03\x04")
    for path in (tmp_path / "data.zip", tmp_path / "missing.tar"):
        with pytest.raises(InputError) as error:
            _enter(path, work)
        assert str(error.value) == f"{path}: expected a folder or a .tar/.tgz/.tar.gz archive"


@pytest.mark.parametrize("damage", ["not gzip", "truncated", "empty", "bad crc"])
def test_a_corrupt_archive_fails_naming_it(tmp_path, work, damage):
    archive = tmp_path / "set.tgz"
    data = write_tar(archive, {"data/images/a.jpg": os.urandom(50_000)}, mode="w:gz").read_bytes()
    damaged = {
        "not gzip": b"\x1f\x8b\x08\x00" + b"garbage" * 100,
        "truncated": data[: len(data) // 2],
        "bad crc": data[:-8] + bytes(4) + data[-4:],
        "empty": b"",
    }[damage]
    archive.write_bytes(damaged)
    with pytest.raises(InputError) as error:
        _enter(archive, work)
    assert str(error.value).startswith(f"{archive}: corrupt or unreadable archive: ")
    assert error.value.file == str(archive)
    assert list(work.iterdir()) == []


def test_members_leaving_the_folder_are_refused(tmp_path, work):
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        add_file(tar, "data/images/a.jpg", b"a")
        add_file(tar, "data/../../evil.txt", b"evil")
    with pytest.raises(InputError) as error:
        _enter(archive, work)
    assert str(error.value).startswith(f"{archive}: unsafe archive member: ")
    assert not (tmp_path / "evil.txt").exists() and not (work / "evil.txt").exists()
    assert list(work.iterdir()) == []


def test_absolute_paths_are_kept_inside_and_links_are_not_extracted(tmp_path, work):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    archive = tmp_path / "odd.tar"
    with tarfile.open(archive, "w") as tar:
        add_file(tar, "data/images/a.jpg", b"a")
        add_file(tar, f"{tmp_path}/absolute.txt", b"absolute")  # stored as /tmp/.../absolute.txt
        for name, target, kind in (("data/images/sym.jpg", str(outside), tarfile.SYMTYPE),
                                   ("data/images/hard.jpg", "data/images/a.jpg", tarfile.LNKTYPE)):  # fmt: skip
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            tar.addfile(info)
    with dataset_root(str(archive), is_data, work_dir=str(work)) as found:
        extracted = Path(found).parent
        assert tree(extracted) == {"data/images/a.jpg": b"a", f"{str(tmp_path).lstrip('/')}/absolute.txt": b"absolute"}
        assert not any(path.is_symlink() for path in extracted.rglob("*"))
    assert not (tmp_path / "absolute.txt").exists()
    assert outside.read_text() == "secret"
    assert list(work.iterdir()) == []


def test_only_wanted_members_are_extracted(tmp_path, work):
    archive = write_tar(tmp_path / "set.tar", {**FILES, "data/big/skip.bin": b"x" * 1000, "other/z.txt": b"z"})
    seen = []

    def wanted(name: str) -> bool:
        seen.append(name)
        return name.startswith("data/images")

    with dataset_root(str(archive), is_data, wanted, str(work)) as found:
        assert tree(Path(found).parent) == {"data/images/a.jpg": b"jpeg a", "data/images/b.jpg": b"jpeg b"}
    assert {"data/big/skip.bin", "data/notes.txt", "other/z.txt", "data", "data/images"} <= set(seen)


def test_the_extracted_folder_is_removed_after_an_exception_in_the_body(tmp_path, work):
    archive = write_tar(tmp_path / "set.tar")
    with pytest.raises(RuntimeError, match="job failed"), dataset_root(str(archive), is_data, work_dir=str(work)):
        assert len(list(work.iterdir())) == 1
        raise RuntimeError("job failed")
    assert list(work.iterdir()) == []


def test_bad_files_found_inside_an_archive_are_named_by_archive_and_member(tmp_path, work):
    archive = str(write_tar(tmp_path / "set.tar"))
    with pytest.raises(InputError) as error, dataset_root(archive, is_data, work_dir=str(work)) as found:
        assert archives.display_name(os.path.join(found, "images", "a.jpg")) == f"{archive}:data/images/a.jpg"
        raise InputError("unreadable image", file=os.path.join(found, "images", "b.jpg"), row=3)
    assert str(error.value) == f"{archive}:data/images/b.jpg: row 3: unreadable image"
    assert archives.display_name(str(work / "x")) == str(work / "x")  # outside an extraction: the path itself


def test_work_dir_may_not_exist_yet(tmp_path):
    with dataset_root(str(write_tar(tmp_path / "set.tar")), is_data, work_dir=str(tmp_path / "out" / "deep")) as found:
        assert Path(found).parent.parent == tmp_path  # its nearest existing folder; nothing created
    assert sorted(path.name for path in tmp_path.iterdir()) == ["set.tar"]


def test_without_work_dir_the_system_temporary_folder_is_used(tmp_path, monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(archives.tempfile, "tempdir", str(temporary))
    with dataset_root(str(write_tar(tmp_path / "set.tar")), is_data) as found:
        assert Path(found).parent.parent == temporary
    assert list(temporary.iterdir()) == []


# --- shared/images.py ---------------------------------------------------------------------------------------------


def save(path: Path, size: tuple[int, int], fmt: str, mode: str = "RGB") -> Path:
    Image.new(mode, size, "white" if mode != "CMYK" else (0, 0, 0, 0)).save(path, fmt)
    return path


@pytest.mark.parametrize("mode", ["RGB", "L", "CMYK"])
def test_the_size_of_a_jpeg(tmp_path, mode):
    assert image_size(str(save(tmp_path / "a.jpg", (31, 17), "JPEG", mode))) == (31, 17)


def test_the_size_of_a_png_when_png_is_allowed(tmp_path):
    path = save(tmp_path / "mask.png", (12, 40), "PNG")
    assert image_size(str(path), ("PNG",)) == (12, 40)
    assert image_size(str(path), ("JPEG", "PNG")) == (12, 40)


def test_a_decoded_image_is_loaded_and_keeps_no_file_open(tmp_path):
    path = save(tmp_path / "a.jpg", (5, 4), "JPEG")
    with decoded_image(str(path), ("JPEG",)) as image:
        path.unlink()
        assert image.format == "JPEG" and image.getpixel((0, 0)) == (255, 255, 255)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("truncated", "unreadable image (JPEG expected): image file is truncated"),
        ("png", "unreadable image (JPEG expected): cannot identify image file"),
        ("text", "unreadable image (JPEG expected): cannot identify image file"),
        ("empty", "unreadable image (JPEG expected)"),
        ("missing", "image file not found"),
        ("folder", "unreadable image (JPEG expected)"),
    ],
)
def test_an_unreadable_image_fails_naming_the_file(tmp_path, content, fragment):
    path = tmp_path / "a.jpg"
    if content == "truncated":
        noisy = Image.frombytes("RGB", (64, 48), os.urandom(64 * 48 * 3))
        noisy.save(path, "JPEG", quality=90)
        path.write_bytes(path.read_bytes()[:-300])
    elif content == "png":
        save(path, (4, 4), "PNG")
    elif content in ("text", "empty"):
        path.write_bytes(b"" if content == "empty" else b"no image here\n")
    elif content == "folder":
        path.mkdir()
    with pytest.raises(InputError) as error:
        image_size(str(path))
    assert error.value.file == str(path)
    assert str(error.value).startswith(f"{path}: {fragment}")


@pytest.mark.parametrize("pixels", [150, 1000])  # above the limit: a warning; above twice the limit: an error
def test_a_decompression_bomb_is_bad_input(tmp_path, monkeypatch, pixels):
    path = save(tmp_path / "a.jpg", (pixels, 1), "JPEG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(InputError, match="unreadable image") as error:
        image_size(str(path))
    assert error.value.file == str(path)


def open_paths() -> list[str]:
    folder = "/proc/self/fd"
    paths = []
    for fd in os.listdir(folder):
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone by now
            paths.append(os.readlink(os.path.join(folder, fd)))
    return paths


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux /proc")
def test_a_failed_decode_closes_the_file(tmp_path):
    path = tmp_path / "a.jpg"
    Image.frombytes("RGB", (64, 48), os.urandom(64 * 48 * 3)).save(path, "JPEG", quality=90)
    path.write_bytes(path.read_bytes()[:-300])
    with pytest.raises(InputError) as error:
        image_size(str(path))
    assert error.value.file == str(path)  # the error (and its context) is still alive here, as in a caller's except
    assert str(path) not in open_paths()
