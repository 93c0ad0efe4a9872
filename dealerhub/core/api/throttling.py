"""Per-token rate limits in Redis (fixed one-minute windows, atomic INCR)."""

from __future__ import annotations

import logging
import time

import redis
from django.conf import settings
from rest_framework.throttling import BaseThrottle

from accounts.models import ApiToken

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60


_clients: dict[str, redis.Redis] = {}


def _redis() -> redis.Redis:
    """One connection pool per process (and per URL, so tests can point elsewhere)."""
    url = settings.REDIS_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=0.2, socket_timeout=0.2)
    return _clients[url]


def token_limit(token: ApiToken) -> int:
    client = getattr(token.user, "api_client", None)
    if client is not None:
        return client.rate_limit_per_minute
    return getattr(settings, "API_TOKEN_RATE_PER_MINUTE", 1200)


def clock() -> float:
    """Seconds since the epoch (one place, so a test can hold the window still)."""
    return time.time()


class TokenRateThrottle(BaseThrottle):
    """Throttle requests made with an API token; 429 with Retry-After past the limit.

    Fails open: if Redis is unreachable the request is served (and logged), because the
    API must keep working while Redis is down.
    """

    def allow_request(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        now = clock()
        window = int(now // WINDOW_SECONDS)
        self._wait = (window + 1) * WINDOW_SECONDS - now
        key = f"throttle:token:{token.key_hash[:24]}:{window}"
        try:
            pipe = _redis().pipeline()
            pipe.incr(key)
            pipe.expire(key, WINDOW_SECONDS + 5)
            count, _ = pipe.execute()
        except redis.RedisError:
            logger.warning("throttle unavailable (Redis down); serving token %s", token.pk)
            return True
        return count <= token_limit(token)

    def wait(self) -> float:
        return max(1.0, self._wait)
