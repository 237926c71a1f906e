"""Local services the notebooks and tests use: an embedded, private Redis per process."""

from course.services.embedded_redis import (
    embedded_redis_pid,
    redis_client,
    redis_url,
    stop_embedded_redis,
)

__all__ = ["embedded_redis_pid", "redis_client", "redis_url", "stop_embedded_redis"]
