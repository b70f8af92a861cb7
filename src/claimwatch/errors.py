"""Every error claimwatch raises on purpose.

    ClaimwatchError
    ├── ConfigError            a config file that does not validate (names the key and line)
    ├── FetchError             an HTTP fetch that failed (names the URL)
    │   ├── TransientFetchError    retrying later can help (timeouts, 5xx, 429, refused)
    │   └── PermanentFetchError    retrying will not help until something changes
    │       └── BlockedAddressError   private/loopback address or a scheme we do not speak
    └── FeedError              bytes that are not a usable feed (names the feed)

Each error carries what it concerns, so a log line can name it without context.
"""

from __future__ import annotations


class ClaimwatchError(Exception):
    """Root of every error claimwatch raises deliberately."""


class ConfigError(ClaimwatchError):
    """The configuration is invalid; `problems` holds one line per problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


class FetchError(ClaimwatchError):
    """A fetch of `url` failed."""

    transient = False

    def __init__(self, url: str, reason: str, *, retry_after: float | None = None) -> None:
        self.url = url
        self.reason = reason
        # Seconds the server asked us to wait (Retry-After), if it said so.
        self.retry_after = retry_after
        super().__init__(f"{url}: {reason}")


class TransientFetchError(FetchError):
    """Worth retrying later: timeouts, refused connections, 5xx, 429."""

    transient = True


class PermanentFetchError(FetchError):
    """Not worth retrying soon: 4xx, too large, not a feed, redirect loops."""


class BlockedAddressError(PermanentFetchError):
    """The URL resolves to an address or uses a scheme the configuration forbids."""


class FeedError(ClaimwatchError):
    """The bytes fetched for `url` are not a usable feed."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")
