"""``redac serve`` collects static files only when they changed (issue 17)."""

from __future__ import annotations

import os

import pytest

from redac.core import staticstate


@pytest.fixture
def static_dirs(tmp_path, settings):
    source = tmp_path / "source"
    source.mkdir()
    (source / "site.css").write_text("body { color: black }")
    settings.STATICFILES_DIRS = [source]
    settings.STATIC_ROOT = tmp_path / "collected"
    return source, settings.STATIC_ROOT


def test_collectstatic_runs_once_then_only_when_a_file_changes(static_dirs):
    source, root = static_dirs
    runs = []

    def collect():
        runs.append(1)
        root.mkdir(parents=True, exist_ok=True)
        (root / staticstate.MANIFEST).write_text("{}")

    assert staticstate.collect_if_changed(collect=collect) is True
    assert staticstate.collect_if_changed(collect=collect) is False
    assert staticstate.collect_if_changed(collect=collect) is False
    assert len(runs) == 1

    (source / "site.css").write_text("body { color: navy }")  # edited (size changes)
    assert staticstate.collect_if_changed(collect=collect) is True
    stat = os.stat(source / "site.css")
    os.utime(source / "site.css", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # same size
    assert staticstate.collect_if_changed(collect=collect) is True
    (source / "new.js").write_text("1")  # a new file (an upgrade)
    assert staticstate.collect_if_changed(collect=collect) is True
    (root / staticstate.MANIFEST).unlink()  # the collected folder was emptied
    assert staticstate.collect_if_changed(collect=collect) is True
    assert staticstate.collect_if_changed(collect=collect) is False
    assert len(runs) == 5


def test_a_failed_collectstatic_is_run_again_next_start(static_dirs):
    def broken():
        raise OSError("disk full")

    with pytest.raises(OSError):
        staticstate.collect_if_changed(collect=broken)
    runs = []
    staticstate.collect_if_changed(collect=lambda: runs.append(1))
    assert runs == [1]
