"""Errors that end up as one line for the user, never a traceback; each class carries its exit code.

The codes are the README's exit-code table: 0 success, 1 a source failed or looks suspect,
2 bad config or usage, 3 another sync holds the database, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_SOURCES_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_INTERRUPTED = 130


class RelwatchError(Exception):
    """Base of errors whose message is meant for the user as it is; exits 1 unless a subclass says otherwise."""

    exit_code = EXIT_SOURCES_FAILED


class UsageError(RelwatchError):
    """A command line that cannot be run as given: a bad option value, a missing database, an unknown id."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """A problem in a config file, worded as one line naming the file, vendor and key."""


class SourceError(RelwatchError):
    """A source could not be read: bad response, bad payload, network failure."""


class RateLimited(SourceError):
    """The host asked us to wait longer than a sync should; `until` is an ISO UTC time."""

    def __init__(self, message: str, until: str):
        super().__init__(message)
        self.until = until


class NotRecorded(RelwatchError):
    """A replayed sync asked for a URL that the recording does not hold."""


class SyncLocked(RelwatchError):
    """Another sync holds the database."""

    exit_code = EXIT_LOCKED
