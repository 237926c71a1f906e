"""Reads the count with GET, compares, then writes count + 1 with SET: two clients can read
the same count between the two round trips, so under load more than limit calls pass."""

FAILS = {"l2_rate_limiting"}
# ruff: noqa: E402, F821, B019

import math
import time


class RateLimiter:
    def __init__(self, redis, limit, window_s):
        self.redis = redis
        self.limit = limit
        self.window_s = window_s

    def allow(self, client_id):
        key = f"rl:{client_id}:{int(time.time() // self.window_s)}"
        count = int(self.redis.get(key) or 0)
        if count >= self.limit:
            return False
        self.redis.set(key, count + 1, ex=math.ceil(self.window_s) + 1)
        return True
