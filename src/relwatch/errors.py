"""Errors that end up as one line for the user, never a traceback, and the exit codes they map to."""

from __future__ import annotations

EXIT_OK = 0
EXIT_SOURCES_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3


class RelwatchError(Exception):
    """Base of errors whose message is meant for the user as it is."""


class ConfigError(RelwatchError):
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
