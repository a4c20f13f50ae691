"""Landlock: the kernel restricts this process and its descendants to an allow-list of file
hierarchies, with no privilege needed (Linux 5.13+). Newer ABIs also deny TCP bind/connect
(ABI 4) and scope signals and abstract unix sockets to the sandbox (ABI 6).

Why Landlock for files: it needs no root and no namespace (so it also works inside Docker's
default profile, where unshare is refused), it binds root as well as any user, and a rule is a
file hierarchy, which is exactly what a kernel may touch: the Python installation, read-only,
and its scratch folder. It does not cover connect() to a unix socket by path (not before ABI 9):
the namespaces and the kernel's own uid do.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterable
from dataclasses import dataclass

from grader.sandbox import syscalls

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1

READ = EXECUTE | READ_FILE | READ_DIR
WRITE = (WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_DIR | MAKE_REG | MAKE_SOCK | MAKE_FIFO
         | MAKE_SYM | REFER | TRUNCATE)
SOCKETS = READ_FILE | READ_DIR | MAKE_SOCK | REMOVE_FILE  # a kernel's channel folder
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # those a file may get
_RULE_PATH_BENEATH = 1


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


@dataclass(frozen=True)
class Rule:
    path: str
    access: int


def abi_version() -> int:
    """Landlock's ABI version, or 0 where the kernel has none (or it is disabled)."""
    try:
        return syscalls.syscall(syscalls.LANDLOCK_CREATE_RULESET, None, 0, 1,
                                what="landlock_create_ruleset")
    except OSError:
        return 0


def handled_rights(abi: int) -> int:
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    if abi >= 5:
        rights |= IOCTL_DEV
    return rights


def restrict_self(rules: Iterable[Rule], abi: int, deny_tcp: bool = True) -> None:
    """Allow exactly `rules` from now on, for this process and every process it starts;
    deny TCP (ABI 4+, if asked) and signals or abstract sockets to processes outside (ABI 6+).
    A path that does not exist is skipped. Sets no_new_privs (Landlock requires it)."""
    _restrict(rules, handled_rights(abi), abi, deny_tcp, scoped=abi >= 6)


def restrict_further(rules: Iterable[Rule], rights: int, abi: int) -> None:
    """One more layer over the first: from now on, `rights` only where `rules` allow them
    (every other right stays as the first layer left it)."""
    _restrict(rules, rights & handled_rights(abi), abi, deny_tcp=False, scoped=False)


def _restrict(rules: Iterable[Rule], handled: int, abi: int, deny_tcp: bool,
              scoped: bool) -> None:
    attr = _RulesetAttr(handled, NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 and deny_tcp else 0,
                        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if scoped else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = syscalls.syscall(syscalls.LANDLOCK_CREATE_RULESET, ctypes.byref(attr), size, 0,
                               what="landlock_create_ruleset")
    try:
        for rule in rules:
            _add(ruleset, rule, handled)
        syscalls.prctl(syscalls.PR_SET_NO_NEW_PRIVS, 1)
        syscalls.syscall(syscalls.LANDLOCK_RESTRICT_SELF, ruleset, 0,
                         what="landlock_restrict_self")
    finally:
        os.close(ruleset)


def _add(ruleset: int, rule: Rule, handled: int) -> None:
    try:
        fd = os.open(rule.path, os.O_PATH | os.O_CLOEXEC)
    except FileNotFoundError:
        return
    try:
        access = rule.access & handled
        if not os.path.isdir(rule.path):
            access &= FILE_RIGHTS
        beneath = _PathBeneath(access, fd)
        syscalls.syscall(syscalls.LANDLOCK_ADD_RULE, ruleset, _RULE_PATH_BENEATH,
                         ctypes.byref(beneath), 0, what=f"landlock_add_rule {rule.path}")
    finally:
        os.close(fd)
