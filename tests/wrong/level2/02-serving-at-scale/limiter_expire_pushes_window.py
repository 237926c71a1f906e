"""INCR and EXPIRE in one transaction on a single key per client: atomic, but every call,
refused ones included, pushes the expiry forward, so a client that keeps retrying is
locked out forever."""

FAILS = {"l2_rate_limiting"}
# ruff: noqa: E402, F821, B019

import math


class RateLimiter:
    def __init__(self, redis, limit, window_s):
        self.redis = redis
        self.limit = limit
        self.window_s = window_s

    def allow(self, client_id):
        key = f"rl:{client_id}"
        pipe = self.redis.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, math.ceil(self.window_s))
        count, _ = pipe.execute()
        return count <= self.limit
