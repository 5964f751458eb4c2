"""Resource limits of one sandboxed run, and applying them inside the child as rlimits."""

from __future__ import annotations

import resource
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Limits:
    """What one run may use. Wall time is enforced by the parent; the rest by the kernel in the child."""

    cpu_s: int = 60  # RLIMIT_CPU of the whole run (all calls together)
    memory_mb: int = 4096  # address space the run may add to what the fork server already maps
    file_mb: int = 16  # RLIMIT_FSIZE: caps every file it writes, its captured stdout/stderr included
    workdir_mb: int = 64  # size of the private tmpfs working directory
    nproc: int = 64  # RLIMIT_NPROC: threads count too; binds because the run is in its own user namespace
    nofile: int = 256  # RLIMIT_NOFILE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Limits:
        return cls(**{k: int(v) for k, v in data.items() if k in cls.__dataclass_fields__})


def _mapped_bytes() -> int:
    """Current virtual size of this process (torch alone maps about 1 GB before any tensor exists)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def apply(limits: Limits, *, cap_address_space: bool) -> list[str]:
    """Set the rlimits of the calling process; returns notes on what could not be applied.

    `cap_address_space` is False on a GPU, where the CUDA driver reserves terabytes of
    virtual addresses and RLIMIT_AS would make every context creation fail.
    """
    notes: list[str] = []
    mb = 1024 * 1024
    wanted = [
        (resource.RLIMIT_CPU, limits.cpu_s, limits.cpu_s + 2),  # SIGXCPU first, SIGKILL two seconds later
        (resource.RLIMIT_FSIZE, limits.file_mb * mb, limits.file_mb * mb),
        (resource.RLIMIT_NPROC, limits.nproc, limits.nproc),
        (resource.RLIMIT_NOFILE, limits.nofile, limits.nofile),
        (resource.RLIMIT_CORE, 0, 0),
    ]
    if cap_address_space:
        cap = _mapped_bytes() + limits.memory_mb * mb
        wanted.append((resource.RLIMIT_AS, cap, cap))
    else:
        notes.append("memory: RLIMIT_AS not set (CUDA reserves address space); GPU memory is bounded by the device")
    for which, soft, hard in wanted:
        try:
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError) as exc:
            notes.append(f"rlimit {which} not applied: {exc}")
    return notes
