"""Downloading MNIST from mirrors, against a local HTTP server on 127.0.0.1 that serves the real
files and broken copies of them. DLFS_MNIST_DIR is unset so the loader must download, and every
mirror, DLFS_MNIST_MIRRORS included, points at the local server: nothing reaches the internet.

The server's folders, under http://127.0.0.1:<port>/:
    good/       the real .gz files
    truncated/  the first half of each
    damaged/    each with one byte of its gzip data changed (the gzip check fails)
    wrong/      a valid gzip of each file with one byte changed (the SHA-256 check fails)
    cut/        announces the full length, sends half, closes the connection
    flaky/      like cut/ on the first request for a file, like good/ after
    stall/      announces the full length, sends half, then sends nothing more (until closed)
    anything else: 404
"""
from __future__ import annotations

import gzip
import hashlib
import io
import os
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from data import cache, download, idx
from data.mnist import MnistError, load_mnist
from test_progress import _drain, _log, _terminal

# From the dataset's README: SHA-256 of each decompressed file.
SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
LABELS = idx.FILES[0]  # train-labels: the smallest file, for tests of one download


def _flip_middle_byte(data: bytes) -> bytes:
    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0xFF
    return bytes(flipped)


class Mirror:
    """A local HTTP server with the folders described at the top of this file."""

    def __init__(self, source: Path):
        self.source = source
        self.requests: list[str] = []  # paths asked for, in order
        self.bodies: dict[tuple[str, str], bytes | None] = {}
        self.closing = threading.Event()
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                mirror.requests.append(self.path)
                folder, _, name = self.path.strip("/").partition("/")
                body = mirror.body(folder, name)
                if body is None:
                    self.send_error(404)
                    return
                first_try = sum(p.endswith(f"/{name}") for p in mirror.requests
                                if p.startswith("/flaky/")) == 1
                cut = folder == "cut" or (folder == "flaky" and first_try)
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if cut or folder == "stall" else body)
                if folder == "stall":
                    self.wfile.flush()
                    mirror.closing.wait(30)

            def log_message(self, *args):  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, folder: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{folder}/"

    def body(self, folder: str, name: str) -> bytes | None:
        """What folder/name serves, or None for a 404."""
        if (folder, name) not in self.bodies:
            self.bodies[folder, name] = self._make(folder, name)
        return self.bodies[folder, name]

    def _make(self, folder: str, name: str) -> bytes | None:
        stem = name.removesuffix(".gz")
        if stem not in SHA256 or not name.endswith(".gz"):
            return None
        gz = self.source / name
        good = gz.read_bytes() if gz.is_file() else gzip.compress((self.source / stem).read_bytes())
        variants = {
            "good": lambda: good, "cut": lambda: good, "flaky": lambda: good,
            "stall": lambda: good,
            "truncated": lambda: good[: len(good) // 2],
            "damaged": lambda: _flip_middle_byte(good),
            "wrong": lambda: gzip.compress(_flip_middle_byte(gzip.decompress(good)), 1),
        }
        return variants[folder]() if folder in variants else None

    def close(self):
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def server(mnist_dir):
    mirror = Mirror(mnist_dir)
    yield mirror
    mirror.close()


@pytest.fixture
def mirror(server, monkeypatch, tmp_path):
    """The local server, with no requests yet, and an environment in which the loader must
    download into an empty cache from it."""
    server.requests.clear()
    monkeypatch.delenv("DLFS_MNIST_DIR", raising=False)
    monkeypatch.setenv("DLFS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DLFS_MNIST_MIRRORS", server.url("missing"))
    return server


@pytest.fixture
def raw(tmp_path) -> Path:
    """Where the loader keeps downloaded files."""
    return tmp_path / "cache" / "mnist" / "raw"


def decompressed_sha256(path: Path) -> str:
    return hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest()


def test_download_into_an_empty_cache(mirror, raw):
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=False, mirrors=[mirror.url("good")])
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert np.bincount(t_train, minlength=10).tolist() == TRAIN_COUNTS
    assert sorted(mirror.requests) == sorted(f"/good/{name}.gz" for name in SHA256)
    assert sorted(p.name for p in raw.iterdir()) == sorted(f"{name}.gz" for name in SHA256)
    for name, sha in SHA256.items():
        assert decompressed_sha256(raw / f"{name}.gz") == sha, f"{name}.gz in the cache"


def test_a_404_falls_through_to_the_next_mirror(mirror, raw):
    load_mnist(normalize=False, mirrors=[mirror.url("missing"), mirror.url("good")])
    for name in SHA256:
        asked = [p for p in mirror.requests if p.endswith(f"/{name}.gz")]
        assert asked == [f"/missing/{name}.gz", f"/good/{name}.gz"], asked
    assert len(list(raw.iterdir())) == 4


def test_mirrors_come_from_the_environment(mirror, monkeypatch):
    monkeypatch.setenv("DLFS_MNIST_MIRRORS", f" {mirror.url('missing')},\n{mirror.url('good')} ")
    (_, t_train), _ = load_mnist(normalize=False)
    assert np.bincount(t_train, minlength=10).tolist() == TRAIN_COUNTS
    assert mirror.requests[:2] == [f"/missing/{LABELS.name}.gz", f"/good/{LABELS.name}.gz"]


def test_mirror_list_splits_on_commas_and_whitespace(monkeypatch):
    assert download.mirror_list("http://a/x, http://b/y/\n  http://c") == [
        "http://a/x/", "http://b/y/", "http://c/"]
    monkeypatch.delenv("DLFS_MNIST_MIRRORS", raising=False)
    assert download.mirror_list() == list(download.DEFAULT_MIRRORS)
    with pytest.raises(MnistError, match="DLFS_MNIST_MIRRORS"):
        download.mirror_list(" , ")


@pytest.mark.parametrize("folder,says", [("truncated", "truncated"), ("damaged", "gzip"),
                                         ("wrong", "SHA-256"), ("missing", "HTTP 404")])
def test_a_bad_only_mirror_raises_and_leaves_nothing_behind(mirror, raw, tmp_path, folder, says):
    with pytest.raises(MnistError) as caught:
        load_mnist(mirrors=[mirror.url(folder)])
    message = str(caught.value)
    url = f"{mirror.url(folder)}{LABELS.name}.gz"
    assert url in message and says in message and "DLFS_MNIST_MIRRORS" in message, message
    assert mirror.requests == [f"/{folder}/{LABELS.name}.gz"], "no retry for a bad file"
    left = [p.relative_to(tmp_path) for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert left == [], f"files left in the cache: {left}"


def test_a_cut_transfer_is_retried_then_the_next_mirror_is_used(mirror, raw):
    path = download.fetch(LABELS, raw, [mirror.url("cut"), mirror.url("good")], backoff=0)
    assert mirror.requests == [f"/cut/{LABELS.name}.gz"] * download.RETRIES + [
        f"/good/{LABELS.name}.gz"]
    assert path == raw / f"{LABELS.name}.gz" and decompressed_sha256(path) == LABELS.sha256
    assert sorted(raw.iterdir()) == [path], "a temporary file was left"


def test_a_transfer_that_fails_once_succeeds_on_retry(mirror, raw):
    path = download.fetch(LABELS, raw, [mirror.url("flaky")], backoff=0)
    assert mirror.requests == [f"/flaky/{LABELS.name}.gz"] * 2
    assert decompressed_sha256(path) == LABELS.sha256


@pytest.mark.parametrize("spoil", ["garbage", "truncated"])
def test_a_bad_file_in_the_download_cache_is_downloaded_again(mirror, raw, mnist_dir, spoil):
    raw.mkdir(parents=True)
    for name in SHA256:
        good = mirror.body("good", f"{name}.gz")
        (raw / f"{name}.gz").write_bytes(good)
    bad = raw / f"{LABELS.name}.gz"
    bad.write_bytes(b"not MNIST" if spoil == "garbage" else bad.read_bytes()[:1000])
    (_, t_train), _ = load_mnist(normalize=False, mirrors=[mirror.url("good")])
    assert np.bincount(t_train, minlength=10).tolist() == TRAIN_COUNTS
    assert mirror.requests == [f"/good/{LABELS.name}.gz"], "only the bad file is fetched again"
    assert decompressed_sha256(bad) == LABELS.sha256
    assert sorted(p.name for p in raw.iterdir()) == sorted(f"{name}.gz" for name in SHA256)


def test_a_stale_partial_download_is_swept(mirror, raw):
    raw.mkdir(parents=True)
    stale = raw / f".{LABELS.name}.ab12.part"
    stale.write_bytes(b"the first half of a download")
    long_ago = time.time() - 2 * cache.STALE_SECONDS
    os.utime(stale, (long_ago, long_ago))
    path = download.fetch(LABELS, raw, [mirror.url("good")])
    assert sorted(raw.iterdir()) == [path]


@pytest.fixture
def stalled(monkeypatch):
    """The base URL of a server that accepts connections and never answers (the kernel
    completes the handshake for a listening socket that never calls accept); mirrors that
    stalled earlier are forgotten."""
    import socket
    monkeypatch.setattr(download, "_stalled", {})
    monkeypatch.delenv(download.TIMEOUT_ENV, raising=False)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/stalled/"
    listener.close()


def test_a_stalled_mirror_fails_within_the_timeout_without_retries(mirror, raw, stalled,
                                                                    monkeypatch):
    monkeypatch.setattr(download, "TIMEOUT", 0.3)
    with pytest.raises(MnistError) as caught:
        download.fetch(LABELS, raw, [stalled], backoff=0.5)
    message = str(caught.value)
    # One attempt, given up at the timeout: a retried mirror's message counts its attempts.
    assert "attempts" not in message, message
    assert f"{stalled}{LABELS.name}.gz" in message and "0.3 s" in message, message
    assert "sent nothing for 0.3 s (timed out" in message, message
    assert list(raw.iterdir()) == [], "a temporary file was left"


def test_a_mirror_that_stalls_mid_transfer_fails_within_the_timeout(mirror, raw, monkeypatch):
    monkeypatch.setattr(download, "_stalled", {})
    monkeypatch.setenv(download.TIMEOUT_ENV, "0.3")
    with pytest.raises(MnistError) as caught:
        download.fetch(LABELS, raw, [mirror.url("stall")], backoff=0.5)
    message = str(caught.value)
    assert f"{mirror.url('stall')}{LABELS.name}.gz: stopped sending after" in message, message
    assert mirror.requests == [f"/stall/{LABELS.name}.gz"], "a stalled mirror was retried"


def test_a_stalled_mirror_is_not_waited_for_again(mirror, raw, stalled, monkeypatch):
    monkeypatch.setenv(download.TIMEOUT_ENV, "0.3")
    path = download.fetch(LABELS, raw, [stalled, mirror.url("good")], backoff=0)
    assert decompressed_sha256(path) == LABELS.sha256
    other = idx.FILES[1]
    with pytest.raises(MnistError) as caught:  # "not tried": no connection was attempted
        download.fetch(other, raw, [stalled])
    assert f"{stalled}{other.name}.gz: not tried: it did not answer within 0.3 s" in \
        str(caught.value), str(caught.value)


def test_the_timeout_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(download.TIMEOUT_ENV, "2.5")
    assert download.timeout_seconds() == 2.5
    monkeypatch.setenv(download.TIMEOUT_ENV, "soon")
    with pytest.raises(MnistError, match=download.TIMEOUT_ENV):
        download.timeout_seconds()
    monkeypatch.delenv(download.TIMEOUT_ENV)
    assert download.timeout_seconds() == download.TIMEOUT <= 30


def test_each_download_says_one_line_when_not_on_a_terminal(mirror, raw, capsys):
    download.fetch(LABELS, raw, [mirror.url("missing"), mirror.url("good")])
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"MNIST: downloading {mirror.url(f)}{LABELS.name}.gz"
                     for f in ("missing", "good")], lines


class _Terminal(io.StringIO):
    """Standard error as a terminal shows it: what the download draws there."""

    def isatty(self) -> bool:
        return True


def test_a_pty_sees_a_bar_per_attempt_and_a_pipe_one_line(mirror, raw, monkeypatch):
    master, slave = _terminal()
    with open(slave, "w", encoding="utf-8", buffering=1) as terminal:
        monkeypatch.setattr(sys, "stderr", terminal)
        download.fetch(LABELS, raw, [mirror.url("missing"), mirror.url("good")])
    shown = _drain(master)
    assert f"MNIST {LABELS.name}.gz" in shown and "100%" in shown and "B/s" in shown, shown
    assert f"MNIST: {mirror.url('missing')}{LABELS.name}.gz: failed" in shown, shown
    assert "downloading" not in shown

    reader, writer = _log()
    with writer:
        monkeypatch.setattr(sys, "stderr", writer)
        download.fetch(LABELS, raw, [mirror.url("missing"), mirror.url("good")])
    with reader:
        assert reader.read().splitlines() == [
            f"MNIST: downloading {mirror.url(f)}{LABELS.name}.gz" for f in ("missing", "good")]


def test_a_terminal_sees_a_progress_bar(mirror, raw, monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    download.fetch(LABELS, raw, [mirror.url("good")])
    shown = terminal.getvalue()
    assert f"MNIST {LABELS.name}.gz" in shown and "100%" in shown, shown
    assert "downloading" not in shown  # the bar, not the one-line form of CI logs
