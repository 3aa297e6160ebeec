"""Fetching one MNIST file from a list of mirrors into the cache, atomically.

Each mirror is a base URL; the file is <base><standard name>.gz. A mirror is tried a few times
with a short backoff when the failure may pass (timeout, reset connection, cut transfer, 5xx);
a missing file or a file that fails the checks moves on to the next mirror at once. A mirror
that stays silent for TIMEOUT seconds (while connecting or during the transfer) is not retried,
and it is skipped for the other files this process downloads, so a mirror that accepts
connections and never answers costs about TIMEOUT seconds in all. The download goes to a
temporary file beside its final name and is renamed only once it passed every check of idx.read,
so the cache never holds a partial or wrong file. Progress goes to standard error (progress.py):
a bar per file on a terminal, one line per file in a log.
"""
from __future__ import annotations

import http.client
import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterable, Iterator

from . import cache, idx
from .errors import MnistError
from .progress import Progress

MIRRORS_ENV = "DLFS_MNIST_MIRRORS"
DEFAULT_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
RETRIES = 3  # attempts per mirror for failures that may pass
BACKOFF = 0.5  # seconds before the second attempt, doubled before each later one
TIMEOUT = 30.0  # seconds a connect or a read may stall; $DLFS_DOWNLOAD_TIMEOUT overrides it
TIMEOUT_ENV = "DLFS_DOWNLOAD_TIMEOUT"
STALL_MEMORY = 300.0  # seconds a mirror that stalled is skipped (a notebook may retry later)
_NOT_THERE = {400, 401, 403, 404, 410}  # HTTP codes that another attempt will not change


class _Transient(Exception):
    """A failure worth another attempt on the same mirror."""


class _Failed(Exception):
    """A failure of this mirror; the next one may still work."""


class _Stalled(_Failed):
    """The mirror did not answer in time: not worth another attempt, nor another file."""


# Mirrors that stalled in this process: when, and why; later files do not wait for them again.
_stalled: dict[str, tuple[float, str]] = {}


def timeout_seconds() -> float:
    """How long a connect or a read may stall: $DLFS_DOWNLOAD_TIMEOUT if set, else TIMEOUT."""
    value = os.environ.get(TIMEOUT_ENV, "").strip()
    if not value:
        return TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise MnistError(f"{TIMEOUT_ENV}={value!r} is not a number of seconds above 0: set it "
                         f"to one, such as 30, or unset it")
    return seconds


def mirror_list(mirrors: str | Iterable[str] | None = None) -> list[str]:
    """The base URLs to try, in order: `mirrors` if given, else $DLFS_MNIST_MIRRORS, else the
    public defaults. A string may list several, separated by commas or whitespace."""
    if mirrors is None:
        mirrors = os.environ.get(MIRRORS_ENV) or DEFAULT_MIRRORS
    if isinstance(mirrors, str):
        mirrors = re.split(r"[\s,]+", mirrors)
    bases = [m.strip() for m in mirrors if m.strip()]
    if not bases:
        raise MnistError(f"no MNIST mirror to download from: {MIRRORS_ENV} or the mirrors "
                         f"argument is empty; give at least one base URL, or unset it")
    return [b if b.endswith("/") else b + "/" for b in bases]


def fetch(spec: idx.IdxFile, folder: Path, mirrors: str | Iterable[str] | None = None, *,
          retries: int = RETRIES, backoff: float = BACKOFF, timeout: float | None = None) -> Path:
    """Download spec's file from the first mirror that has a good copy into folder; return its
    path. Raises MnistError listing what went wrong with each mirror. timeout: seconds a
    connect or a read may stall (default: timeout_seconds())."""
    bases = mirror_list(mirrors)
    timeout = timeout_seconds() if timeout is None else timeout
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(folder, exc) from None
    cache.sweep(folder)
    failures = []
    for base in bases:
        url = f"{base}{spec.name}.gz"
        when, reason = _stalled.get(base, (-STALL_MEMORY, ""))
        if time.monotonic() - when < STALL_MEMORY:
            failures.append(f"  {url}: not tried: {reason}")
            continue
        try:
            return _fetch_from(url, spec, folder, max(1, retries), backoff, timeout)
        except _Stalled as why:
            _stalled[base] = (time.monotonic(),
                              f"it did not answer within {timeout:g} s for {spec.name}.gz")
            failures.append(f"  {url}: {why}")
        except _Failed as why:
            failures.append(f"  {url}: {why}")
    raise MnistError(f"{spec.name}.gz could not be downloaded from any mirror:\n"
                     + "\n".join(failures)
                     + f"\nCheck the network connection, set {MIRRORS_ENV} to mirrors you can "
                     f"reach (base URLs separated by commas), or put the four MNIST files in a "
                     f"folder and set DLFS_MNIST_DIR to it.")


def _fetch_from(url: str, spec: idx.IdxFile, folder: Path, retries: int, backoff: float,
                timeout: float) -> Path:
    for attempt in range(retries):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            out, tmp = cache.temp_beside(folder / spec.name, ".part")
        except OSError as exc:
            raise _unwritable(folder, exc) from None
        try:
            again = f" (attempt {attempt + 1} of {retries})" if attempt else ""
            with out:
                _save(url + again, _download(url, timeout, limit=spec.size + (1 << 20)), out)
            try:
                idx.read(tmp, spec, sinks=[])
            except idx.IdxProblem as problem:
                raise _Failed(f"the downloaded file {problem}") from None
            final = folder / (f"{spec.name}.gz" if idx.is_gzip(tmp) else spec.name)
            os.replace(tmp, final)
            return final
        except _Transient as why:
            last = why
        except OSError as exc:  # writing into the cache folder failed: no other mirror helps
            raise _unwritable(folder, exc) from None
        finally:
            tmp.unlink(missing_ok=True)
    raise _Failed(f"{last} ({retries} attempts)")


def _save(url: str, chunks: Iterator[tuple[bytes, int, str | None]], out) -> None:
    """Write the chunks to out, showing the download's progress: a bar on a terminal (bytes,
    rate, time left), one line in a log."""
    progress = Progress(f"MNIST {url.rsplit('/', 1)[-1]}", byte_sizes=True)
    progress.log(f"MNIST: downloading {url}")
    try:
        for chunk, got, announced in chunks:
            progress.reached(got, int(announced) if announced and announced.isdigit() else None)
            out.write(chunk)
    except BaseException:
        progress.close(then=f"MNIST: {url}: failed")
        raise
    progress.close()


def _download(url: str, timeout: float, limit: int) -> Iterator[tuple[bytes, int, str | None]]:
    """Yield the body of url in chunks, each with the bytes so far and the announced length,
    turning every network failure into _Transient, _Stalled or _Failed; errors of the caller's
    writes pass through untouched."""
    request = urllib.request.Request(url, headers={"User-Agent": "dlfs-kit MNIST loader"})
    got = 0
    stage = "connecting"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            announced = response.headers.get("Content-Length")
            stage = "downloading"
            while chunk := response.read(1 << 16):
                got += len(chunk)
                if got > limit:
                    raise _Failed(f"sent more than {limit} bytes, far more than the MNIST file")
                yield chunk, got, announced
    except urllib.error.HTTPError as exc:
        if exc.code in _NOT_THERE:
            raise _Failed(f"HTTP {exc.code} {exc.reason}") from None
        raise _Transient(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _Stalled(f"no connection within {timeout:g} s (timed out while connecting; "
                           f"{TIMEOUT_ENV} sets the limit)") from None
        raise _Transient(f"cannot connect ({exc.reason})") from None
    except TimeoutError:
        what = ("accepted the connection but sent nothing" if stage == "connecting"
                else f"stopped sending after {got} bytes: nothing more")
        raise _Stalled(f"{what} for {timeout:g} s (timed out; {TIMEOUT_ENV} sets the "
                       f"limit)") from None
    except (http.client.HTTPException, OSError) as exc:  # reset, timeout, cut, TLS error
        raise _Transient(f"the transfer failed ({type(exc).__name__}: {exc})") from None
    if announced is not None and announced.isdigit() and got != int(announced):
        raise _Transient(f"the connection closed after {got} of {announced} bytes")


def _unwritable(folder: Path, exc: OSError) -> MnistError:
    return MnistError(f"cannot save the download in {folder} ({exc}): set DLFS_CACHE_DIR to a "
                      f"folder you can write to, with about 300 MB free")
