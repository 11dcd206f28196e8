"""Who may read a site's data: the instance folder (database, queue, secret key) and the back-ups.

Anyone who can read the secret key or the database can forge an administrator's session, so nothing
there is ever readable by other users of the machine. By default everything is the owner's alone
(files 0600, folders 0700). When the site and its grading worker run as two users (deploy/), the
administrator shares the instance folder with their common group (`chmod 2770`): then its files may
be the group's too (0660), never anyone else's. The secret key and the back-ups stay the owner's alone.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

OWNER_ONLY = 0o077  # the umask of every command that writes data
SHARED_WITH_GROUP = 0o007
PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700
SECRET_FILE = "secret_key"
BACKUP_KEY_FILE = "backup_key"
SHOWN_PROBLEMS = 5


@dataclass(frozen=True)
class ModeProblem:
    path: Path
    mode: int
    allowed: int

    def sentence(self) -> str:
        too_much = self.mode & ~self.allowed
        who = "others" if too_much & 0o007 else "its group"
        fix = f"chmod {self.allowed & self.mode & 0o777:o} {self.path}"
        return f"{self.path} is {self.mode:04o}: {who} can read or change it ({fix})"


def shared_with_group(instance: Path) -> bool:
    """Whether the administrator shares the instance folder with a group (group rwx, nothing for others)."""
    try:
        mode = instance.stat().st_mode
    except OSError:
        return False
    return mode & 0o070 == 0o070 and mode & 0o007 == 0


def data_umask(instance: Path) -> int:
    """The umask for a command that writes the data of the site at `instance`."""
    return SHARED_WITH_GROUP if shared_with_group(instance) else OWNER_ONLY


def use_data_umask(instance: Path) -> int:
    """Set this process's umask (and its children's) for writing data; returns the old one."""
    return os.umask(data_umask(instance))


def give_to_instance_owner(instance: Path, backups: Path) -> list[Path]:
    """After a command ran as root on a site whose instance folder belongs to its service user: hand
    the files root made there (a migrated database, a restored queue) to that user and group, or the
    site could not open them. The back-up key and the back-ups stay root's. Returns what changed."""
    if os.geteuid() != 0 or not instance.is_dir():
        return []
    owner = instance.stat()
    if owner.st_uid == 0:
        return []
    changed = []
    for path in instance.rglob("*"):
        if path.name == BACKUP_KEY_FILE or _inside(path, backups):
            continue
        info = path.lstat()
        if info.st_uid == 0 and not stat.S_ISLNK(info.st_mode):
            os.chown(path, owner.st_uid, owner.st_gid, follow_symlinks=False)
            changed.append(path)
    return changed


def make_private_folder(folder: Path) -> Path:
    """`folder` (and its missing parents) made, and the folder itself set to 0700."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    folder.chmod(PRIVATE_FOLDER)
    return folder


def mode_problems(instance: Path, backups: Path) -> list[ModeProblem]:
    """Every file and folder of the instance and back-ups folders that others (or, where it must be
    the owner's alone, its group) can reach; symbolic links are not followed."""
    group = shared_with_group(instance)
    problems: list[ModeProblem] = []
    for root, owner_only in ((instance, False), (backups, True)):
        if not root.exists():
            continue
        for path in [root, *sorted(root.rglob("*"))]:
            if path.is_symlink() or (root == instance and _inside(path, backups)):
                continue
            info = path.lstat()
            folder = stat.S_ISDIR(info.st_mode)
            alone = owner_only or path.name in (SECRET_FILE, BACKUP_KEY_FILE)
            allowed = PRIVATE_FOLDER if folder else PRIVATE_FILE
            if group and not alone:
                allowed |= 0o070 if folder else 0o060
            mode = stat.S_IMODE(info.st_mode)
            if mode & ~allowed & 0o077:
                problems.append(ModeProblem(path, mode, allowed))
    return problems


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def doctor_row(instance: Path, backups: Path) -> tuple[str, bool, str]:
    """The row `grader doctor` shows about the data's modes: (name, ok, detail)."""
    problems = mode_problems(instance, backups)
    if not instance.exists():
        return "data files private", True, f"{instance} is not made yet (the first command that writes does)"
    if not problems:
        shared = " and its group" if shared_with_group(instance) else ""
        return "data files private", True, f"{instance} and {backups}: only their owner{shared} can read them"
    listing = "; ".join(problem.sentence() for problem in problems[:SHOWN_PROBLEMS])
    more = f" (and {len(problems) - SHOWN_PROBLEMS} more)" if len(problems) > SHOWN_PROBLEMS else ""
    return "data files private", False, listing + more
