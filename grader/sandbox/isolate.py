"""Linux namespaces and mounts that cut a run off from the network, the course files and other processes."""

from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Sequence
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 1, 24, 38, 47, 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
SYS_MOUNT_SETATTR = 442  # x86_64 and aarch64 share this number
AT_FDCWD, AT_RECURSIVE = -100, 0x8000
MOUNT_ATTR_RDONLY = 1

_libc = ctypes.CDLL(None, use_errno=True)


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(_libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                       data.encode() if data else None), f"mount {target}")


def _write_id_maps(pid: str, uid: int, gid: int, deny_setgroups: bool = True) -> None:
    files = [("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")]
    if deny_setgroups:  # required when the writer is unprivileged; real root lets the run clear its groups
        files.insert(0, ("setgroups", "deny"))
    for name, text in files:
        with open(f"/proc/{pid}/{name}", "w") as f:
            f.write(text)


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _cover(target: Path, keep: Sequence[Path]) -> None:
    """Mount something empty over `target`, then bind back the needed paths that lay under it."""
    if not target.is_dir():
        _mount("/dev/null", str(target), None, MS_BIND)
        return
    # O_PATH descriptors reach the needed paths after the tmpfs has covered their names.
    stash = [(k, k.is_dir(), os.open(k, os.O_PATH)) for k in keep if _under(k, target) and k != target]
    _mount("tmpfs", str(target), "tmpfs", MS_NOSUID | MS_NODEV, f"size=64k,mode={'0755' if stash else '000'}")
    for path, is_dir, fd in stash:
        if is_dir:
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
        _mount(f"/proc/self/fd/{fd}", str(path), None, MS_BIND | MS_REC)
        os.close(fd)


def _targets(hide: Sequence[str], keep: Sequence[Path], unprivileged: bool) -> list[Path]:
    """What to cover: the hidden paths, and (for an unprivileged run) folders others may not traverse
    on the way to a needed path, such as a /root holding the interpreter. Outermost first, no nesting."""
    wanted = {Path(h).resolve() for h in hide if Path(h).exists()}
    if unprivileged:
        for k in keep:
            for ancestor in reversed(k.parents):
                if ancestor != Path("/") and not ancestor.stat().st_mode & 0o001:
                    wanted.add(ancestor)
                    break
    wanted = {w for w in wanted if w != Path("/") and w not in keep}
    return sorted(w for w in wanted if not any(o != w and _under(w, o) for o in wanted))


def outer(hide: Sequence[str], keep: Sequence[str], workdir: str, workdir_mb: int, run_uid: int) -> list[str]:
    """Step one, in the forked child with the privileges we have (single-threaded).

    New mount and network namespaces (inside a user namespace when not root); cover the course,
    submission and store paths; make every mount read-only; mount a private tmpfs as the working
    directory; and a new pid namespace, so that the next child is its pid 1 and its death takes every
    process it started with it. Returns notes on what could not be done, recorded with the run.
    """
    notes: list[str] = []
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    root = os.geteuid() == 0
    try:
        if root:
            _unshare(CLONE_NEWNS | CLONE_NEWNET)
        else:
            uid, gid = os.geteuid(), os.getegid()  # read first: inside they read as the overflow id
            _unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET)
            _write_id_maps("self", uid, gid)
        _mount("none", "/", None, MS_REC | MS_PRIVATE)  # or our mounts would propagate to the host
    except OSError as exc:
        notes.append(f"no namespaces ({exc}): network, course files and processes are NOT isolated")
        return notes
    keep_paths = [Path(k).resolve() for k in keep if Path(k).exists()]
    for target in _targets(hide, keep_paths, unprivileged=root):
        try:
            _cover(target, keep_paths)
        except OSError as exc:
            notes.append(f"could not hide {target}: {exc}")
    try:
        _set_readonly("/", True, recursive=True)
        _set_readonly("/proc", False)  # the id maps of step two are written there; read-only again after
    except OSError as exc:
        notes.append(f"filesystem not made read-only ({exc})")
    owner = f",uid={run_uid},gid={run_uid}" if root else ""
    try:
        _mount("tmpfs", workdir, "tmpfs", MS_NOSUID | MS_NODEV, f"size={workdir_mb}m,mode=0700{owner}")
    except OSError as exc:
        notes.append(f"no private working directory ({exc})")
    try:
        _unshare(CLONE_NEWPID)
    except OSError as exc:
        notes.append(f"no pid namespace ({exc}): processes the code starts may outlive it")
    return notes


def inner(notes: list[str], ready_fd: int, go_fd: int) -> None:
    """Step two, in the run process: a fresh user and mount namespace, whose id maps the parent writes.

    The fresh user namespace locks every mount of step one (its root cannot unmount or remount them);
    its root is an unprivileged user outside when we were real root (RLIMIT_NPROC binds, the files of
    other users stay theirs). Then /proc goes read-only and every capability is dropped.
    """
    try:
        _unshare(CLONE_NEWUSER | CLONE_NEWNS)
        os.write(ready_fd, b"1")
    except OSError as exc:
        notes.append(f"no user namespace for the run ({exc}): mounts are not locked")
        os.write(ready_fd, b"0")
    if os.read(go_fd, 1) != b"1":
        notes.append("the run's user id could not be mapped")
    else:
        try:  # take on the mapped ids (unshare alone keeps the old ones) and shed root's groups
            os.setgroups([])
        except OSError:
            pass  # setgroups denied (unprivileged set-up): the groups are the user's own
        os.setresgid(0, 0, 0)
        os.setresuid(0, 0, 0)
    try:
        _set_readonly("/proc", True)
        _drop_capabilities()
    except OSError as exc:
        notes.append(f"capabilities not dropped ({exc})")


def map_user(pid: int, run_uid: int, ready_fd: int, go_fd: int) -> None:
    """In the outer process: wait for the run to unshare, then map its root to `run_uid` (root) or to us."""
    if os.read(ready_fd, 1) != b"1":
        os.write(go_fd, b"0")
        return
    try:
        if os.geteuid() == 0 and os.getuid() == 0 and _is_initial_user_namespace():
            _write_id_maps(str(pid), run_uid, run_uid, deny_setgroups=False)
        else:
            _write_id_maps(str(pid), os.geteuid(), os.getegid())
        os.write(go_fd, b"1")
    except OSError:
        os.write(go_fd, b"0")


def _is_initial_user_namespace() -> bool:
    with open("/proc/self/uid_map") as f:
        return f.read().split() == ["0", "0", "4294967295"]


def _set_readonly(path: str, readonly: bool, recursive: bool = False) -> None:
    bit = MOUNT_ATTR_RDONLY
    attr = _MountAttr(bit if readonly else 0, 0 if readonly else bit, 0, 0)
    flags = AT_RECURSIVE if recursive else 0
    result = _libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), flags, ctypes.byref(attr), ctypes.sizeof(attr))
    _check(result, f"mount_setattr {path}")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _drop_capabilities() -> None:
    """No capability, now or after an exec: a root inside can then neither mount nor remount."""
    for cap in range(64):  # the bounding set first: dropping it needs CAP_SETPCAP, which capset removes
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == 22:
            break  # EINVAL: past the last capability this kernel knows
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(_CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)), data), "capset")


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Ask the kernel to send `signum` (SIGKILL unless told) to this process when its parent exits (no orphans)."""
    _libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)
