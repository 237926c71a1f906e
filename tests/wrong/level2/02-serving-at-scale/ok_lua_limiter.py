"""A window that starts at the client's first call, counted by a Lua script (INCR, and
PEXPIRE only when the key is new), which Redis runs atomically; Retry-After comes from PTTL.
Correct, and works on Redis 6.2."""

FAILS = set()
# ruff: noqa: E402, F821, B019

import math

_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
"""


class RateLimiter:
    def __init__(self, redis, limit, window_s):
        self.redis = redis
        self.limit = limit
        self.window_s = window_s
        self._script = redis.register_script(_SCRIPT)

    def allow(self, client_id):
        key = f"lua-rl:{self.window_s}:{client_id}"
        return int(self._script(keys=[key], args=[int(self.window_s * 1000)])) <= self.limit

    def retry_after(self, client_id):
        ms = self.redis.pttl(f"lua-rl:{self.window_s}:{client_id}")
        return max(1, math.ceil(ms / 1000)) if ms > 0 else 1
