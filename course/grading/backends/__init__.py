"""Where jobs run: a local pool of processes (local.py) or RQ workers (rq/)."""
