"""A JupyterHub for one course on one machine (deploy/jupyterhub/jupyterhub_config.py, `course hub`).

`accounts` makes the course's Unix groups and demo accounts, `prepare` gives the course folder and
nbgrader's exchange the permissions a shared machine needs and writes each role's Jupyter
configuration, `jupyterhub` holds what the configuration file plugs into JupyterHub, and `run`
starts it.
"""
