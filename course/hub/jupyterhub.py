"""What deploy/jupyterhub/jupyterhub_config.py plugs into JupyterHub for the course.

- `CourseAuthenticator`: PAM (the machine's own accounts and passwords); the JupyterHub groups of
  an account follow its Unix groups formgrade-<course> and nbgrader-<course> at each login, which
  is what nbgrader's JupyterHubAuthPlugin reads.
- `CourseSpawner`: each account's server runs as that account with the course's Python
  environment (its kernel too); instructors get formgrader on the course folder, learners the
  assignment list on their home folder. Learners' files are private to them (umask 077);
  instructors' new files stay writable by the course's other instructors (umask 007).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from jupyterhub.auth import PAMAuthenticator
from jupyterhub.spawner import LocalProcessSpawner
from jupyterhub.utils import maybe_future
from traitlets import Unicode

from .accounts import instructor_group, learner_group


@dataclass(frozen=True)
class HubSettings:
    """Where the course is and where the hub listens (from the environment `course hub` sets)."""

    root: Path
    course_id: str
    port: int
    api_port: int
    proxy_api_port: int

    @classmethod
    def from_environment(cls, default_root: Path) -> HubSettings:
        from ..config import COURSE_ID, load_config

        root = Path(os.environ.get("COURSE_ROOT") or default_root).resolve()
        course_id = load_config(root).CourseDirectory.get("course_id") or COURSE_ID
        return cls(root, course_id, int(os.environ.get("COURSE_HUB_PORT", "8000")),
                   int(os.environ.get("COURSE_HUB_API_PORT", "8081")),
                   int(os.environ.get("COURSE_HUB_PROXY_API_PORT", "8001")))

    @property
    def instructors(self) -> str:
        return instructor_group(self.course_id)

    @property
    def learners(self) -> str:
        return learner_group(self.course_id)


class CourseAuthenticator(PAMAuthenticator):
    """PAM login; JupyterHub groups taken from the account's course Unix groups."""

    course_groups = Unicode("", help="Comma-separated Unix groups mirrored as JupyterHub groups.",
                            config=True)

    async def authenticate(self, handler, data):
        name = await maybe_future(super().authenticate(handler, data))
        if not name:
            return None
        from .accounts import members

        wanted = [g for g in self.course_groups.split(",") if g]
        return {"name": name, "groups": sorted(g for g in wanted if name in members(g))}


class CourseSpawner(LocalProcessSpawner):
    """A local server per account, set up for its role in the course."""

    course_root = Unicode("", config=True, help="The course folder.")
    instructors = Unicode("", config=True, help="The course's instructor (formgrade) group.")

    def _is_instructor(self) -> bool:
        return any(g.name == self.instructors for g in self.user.groups)

    def make_preexec_fn(self, name):
        become_user = super().make_preexec_fn(name)
        umask = 0o007 if self._is_instructor() else 0o077

        def preexec():
            become_user()
            os.umask(umask)

        return preexec

    def get_env(self):
        env = super().get_env()
        root = Path(self.course_root)
        role = "instructor" if self._is_instructor() else "learner"
        env.update({
            "COURSE_ROOT": str(root),
            # the role's settings (the account's own ~/.jupyter still comes first)
            "JUPYTER_CONFIG_PATH": str(root / ".course" / "hub" / "jupyter" / role),
            # the server's interpreter first (its kernel and the course's commands), then the rest
            "PATH": os.pathsep.join([os.path.dirname(self.cmd[0]), env.get("PATH", os.defpath)]),
        })
        if role == "instructor":
            env["COURSE_GROUPSHARED"] = "1"
        return env

    async def start(self):
        self.notebook_dir = self.course_root if self._is_instructor() else "~"
        return await super().start()
