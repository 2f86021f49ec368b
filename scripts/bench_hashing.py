"""Measure content-hashing throughput against `openssl dgst -sha256` on the same file."""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from registry.commitments import file_sha256, hash_file

_UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
_WRITE_BLOCK = 1 << 20


def parse_size(text: str) -> int:
    """Parse a byte count such as `1048576`, `256M` or `1G` (binary units)."""
    unit = _UNITS.get(text[-1:].upper())
    try:
        return int(text[:-1]) * unit if unit else int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}") from exc


def write_random_file(path: Path, size: int) -> None:
    with path.open("wb") as stream:
        for start in range(0, size, _WRITE_BLOCK):
            stream.write(os.urandom(min(_WRITE_BLOCK, size - start)))


def best_seconds(run: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def openssl_sha256(openssl: str, path: Path) -> bytes:
    output = subprocess.run(
        [openssl, "dgst", "-sha256", "-r", str(path)], check=True, capture_output=True, text=True
    ).stdout
    return bytes.fromhex(output.split()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=parse_size, default=256 << 20, help="e.g. 256M, 1G")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; best counts")
    args = parser.parse_args()
    openssl = shutil.which("openssl")
    if openssl is None:
        print("openssl not found on PATH", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.bin"
        write_random_file(path, args.size)
        if openssl_sha256(openssl, path) != file_sha256(path):
            print("SHA-256 differs from openssl", file=sys.stderr)
            return 1
        floor = best_seconds(lambda: openssl_sha256(openssl, path), args.repeat)
        measured = {
            "openssl dgst -sha256": floor,
            "file_sha256 (whole file only)": best_seconds(lambda: file_sha256(path), args.repeat),
            "hash_file (SHA-256 + 1 MiB chunk root)": best_seconds(
                lambda: hash_file(path), args.repeat
            ),
        }
    print(f"file size: {args.size:,} bytes, best of {args.repeat}")
    for name, seconds in measured.items():
        rate = args.size / seconds / 1e6
        print(f"{name:<40} {rate:>8.0f} MB/s  {floor / seconds:.2f}x openssl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
