"""JupyterHub for one course on one machine.

Learners and instructors log in with their own accounts on this machine (PAM). Each gets a
JupyterLab server running as that account, with the course's Python environment as its kernel:

- instructors (Unix group formgrade-<course_id>) get formgrader on the course folder and run the
  `course` commands in its terminal (release, collect, grade, feedback --release);
- learners (Unix group nbgrader-<course_id>) get nbgrader's Assignments tab on their home folder:
  fetch a level, submit it, fetch their feedback and report.

Both Unix groups become JupyterHub groups of the same names at each login, which is how nbgrader's
JupyterHub integration tells who takes which course. nbgrader's exchange (`c.Exchange.root` in the
course's nbgrader_config.py, `exchange/` in the course folder by default) is shared through file
permissions, set when the hub starts (course/hub/prepare.py says who may read and write what).
Servers idle for an hour are stopped by jupyterhub-idle-culler.

Run it as root: `course hub` (a try-out with demo accounts on 127.0.0.1, see the README), or
`COURSE_ROOT=/srv/course jupyterhub -f deploy/jupyterhub/jupyterhub_config.py` behind a TLS proxy.
Environment: COURSE_ROOT (the course folder; default: this repository), COURSE_HUB_PORT (8000),
COURSE_HUB_API_PORT (8081), COURSE_HUB_PROXY_API_PORT (8001), COURSE_HUB_IDLE_TIMEOUT (3600 s).
"""

import os
import shutil
import sys
from pathlib import Path

from course.config import load_config
from course.hub.jupyterhub import CourseAuthenticator, CourseSpawner, HubSettings
from course.hub.prepare import prepare_course, prepare_exchange, state_dir, write_jupyter_configs
from course.hub.runtime import hub_python

c = get_config()  # noqa: F821 -- provided by JupyterHub when it loads this file

hub = HubSettings.from_environment(default_root=Path(__file__).resolve().parents[2])

# --- The course folder and the exchange, ready for many accounts (idempotent) ------------------
prepare_course(hub.root, hub.instructors)
prepare_exchange(Path(load_config(hub.root).Exchange.root), hub.course_id, hub.instructors)
write_jupyter_configs(hub.root, hub.instructors)
state = state_dir(hub.root)
# The course's Python environment runs every account's server and kernel (course/hub/runtime.py)
python = hub_python()

# --- Where it listens: on this machine only (put a TLS reverse proxy in front for a real cohort) --
c.JupyterHub.bind_url = f"http://127.0.0.1:{hub.port}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{hub.api_port}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{hub.proxy_api_port}"
# Debian's node-configurable-http-proxy keeps its modules in /usr/share/nodejs, where a Node.js
# from elsewhere (e.g. NodeSource) does not look by itself.
if os.path.isdir("/usr/share/nodejs"):
    os.environ["NODE_PATH"] = os.pathsep.join(
        p for p in (os.environ.get("NODE_PATH"), "/usr/share/nodejs") if p)
c.ConfigurableHTTPProxy.command = [shutil.which("configurable-http-proxy")
                                   or "configurable-http-proxy"]
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")

# --- Who may log in: the course's instructors and learners, with their Unix passwords ----------
c.JupyterHub.authenticator_class = CourseAuthenticator
c.CourseAuthenticator.allowed_groups = {hub.instructors, hub.learners}
c.CourseAuthenticator.course_groups = f"{hub.instructors},{hub.learners}"
c.CourseAuthenticator.manage_groups = True
c.CourseAuthenticator.admin_users = set()  # instructors need no hub admin rights

# --- Each account's server --------------------------------------------------------------------
c.JupyterHub.spawner_class = CourseSpawner
c.CourseSpawner.course_root = str(hub.root)
c.CourseSpawner.instructors = hub.instructors
c.Spawner.cmd = [str(python), "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# nbgrader's JupyterHubAuthPlugin reads the account's own groups with the server's token.
c.Spawner.server_token_scopes = ["users:activity!user", "read:users:name!user",
                                 "read:users:groups!user"]

# --- Idle servers stop after an hour ----------------------------------------------------------
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                f"--timeout={int(os.environ.get('COURSE_HUB_IDLE_TIMEOUT', '3600'))}"],
}]
