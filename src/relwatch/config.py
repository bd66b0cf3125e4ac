"""sources.toml → typed, validated configuration."""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from relwatch.errors import ConfigError
from relwatch.kinds import KINDS, SourceOptions, check_type
from relwatch.models import match_vendor

CONFIG_ENV = "RELWATCH_CONFIG"
VENDOR_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
COMMON_SOURCE_KEYS = {"kind", "base_url", "send_token"}


@dataclass(frozen=True, kw_only=True)
class SourceConfig:
    vendor: str
    kind: str
    base_url: str
    options: SourceOptions  # the kind's options class (`relwatch.kinds`)
    id: str  # stable: `vendor/kind/identity`, e.g. `google/huggingface/google`
    send_token: bool = False  # a `base_url` other than the kind's official https origin gets a token only if set
    official: bool = False  # `base_url` is the kind's own https origin (DEFAULT_BASE_URL)

    @property
    def token_allowed(self) -> bool:
        """Whether the kind's token may go to `base_url` (issue 11: tokens go to official origins only)."""
        return self.official or self.send_token


@dataclass(frozen=True, kw_only=True)
class VendorConfig:
    key: str
    name: str
    aliases: tuple[str, ...] = ()
    families: tuple[tuple[str, str], ...] = ()  # (regex, family) overrides, in order
    sources: tuple[SourceConfig, ...] = ()


@dataclass(frozen=True, kw_only=True)
class HttpSettings:
    """The `[settings]` table: how politely and how patiently a sync talks to hosts.

    Times are seconds, sizes bytes. Each key's allowed range is in SETTING_RANGES.
    """

    timeout: float = 30.0  # seconds without progress on connect, one read or one write
    request_deadline: float = 120.0  # seconds for one request: connect, headers and body together
    source_deadline: float = 900.0  # seconds for one source: all its pages, retries and waits
    sync_deadline: float = 3600.0  # seconds for the whole sync
    retries: int = 4  # further attempts after a timeout, reset, 429 or 5xx
    backoff: float = 1.0  # seconds before the first retry; doubles each time, plus jitter
    max_backoff: float = 60.0
    max_wait: float = 120.0  # a longer Retry-After parks the source until then (7 days at most)
    per_host: int = 4  # requests in flight to one host
    max_response_bytes: int = 32 * 1024 * 1024  # decoded bytes of one response
    max_pages: int = 1000  # pages of one listing; past it the listing is read as incomplete
    derivative_requests: int = 100  # Hub requests per sync for adoption polls (sources/derivatives.py); 0: none
    token_base_urls: frozenset[str] = frozenset()  # not a key: the base URLs a token may go to
    api_base_urls: frozenset[str] = frozenset()  # not a key: base URLs of API listings (no cross-origin redirect)


SETTING_RANGES: dict[str, tuple[float, float]] = {
    "timeout": (0.1, 3600.0),
    "request_deadline": (1.0, 86400.0),
    "source_deadline": (1.0, 7 * 86400.0),
    "sync_deadline": (1.0, 7 * 86400.0),
    "retries": (0, 20),
    "backoff": (0.0, 3600.0),
    "max_backoff": (0.0, 86400.0),
    "max_wait": (0.0, 7 * 86400.0),
    "per_host": (1, 64),
    "max_response_bytes": (1024, 1024**3),
    "max_pages": (1, 100_000),
    "derivative_requests": (0, 10_000),
}


@dataclass(frozen=True, kw_only=True)
class Config:
    path: str
    vendors: dict[str, VendorConfig] = field(default_factory=dict)
    settings: HttpSettings = field(default_factory=HttpSettings)

    @property
    def sources(self) -> list[SourceConfig]:
        return [s for v in self.vendors.values() for s in v.sources]

    def resolve_vendor(self, name: str) -> str:
        """Map a vendor key, display name or alias to its key; raise ConfigError listing choices."""
        key = match_vendor(name, ((v.key, v.name, v.aliases) for v in self.vendors.values()))
        if key is None:
            known = ", ".join(sorted(self.vendors))
            raise ConfigError(f"unknown vendor '{name}' in {self.path} (configured: {known})")
        return key

    def resolve_vendors(self, names: list[str] | None) -> list[str]:
        if not names:
            return list(self.vendors)
        return list(dict.fromkeys(self.resolve_vendor(n) for n in names))


def default_config_text() -> str:
    from importlib import resources  # only the built-in config needs it: a few ms of imports

    return resources.files("relwatch").joinpath("sources.toml").read_text(encoding="utf-8")


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Load the config named by `path`, else $RELWATCH_CONFIG, else the packaged default."""
    chosen = path or os.environ.get(CONFIG_ENV)
    if chosen:
        file = Path(chosen)
        try:
            text = file.read_text(encoding="utf-8-sig")  # a byte-order mark some editors write is allowed
        except OSError as exc:
            raise ConfigError(f"cannot read config {file}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{file}: not UTF-8 text") from None
        return parse_config(text, str(file))
    return parse_config(default_config_text(), "sources.toml (built-in default)")


def parse_config(text: str, where: str) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    vendors_table = data.get("vendors")
    if not isinstance(vendors_table, dict) or not vendors_table:
        raise ConfigError(f"{where}: no [vendors.<name>] tables")
    unknown_top = set(data) - {"vendors", "settings"}
    if unknown_top:
        raise ConfigError(f"{where}: unknown top-level key '{sorted(unknown_top)[0]}'")
    vendors = {}
    for key, table in vendors_table.items():
        vendors[key] = _parse_vendor(key, table, where)
    _check_unique_ids(vendors, where)
    _check_alias_collisions(vendors, where)
    settings = _parse_settings(data.get("settings", {}), where)
    allowed = frozenset(s.base_url for v in vendors.values() for s in v.sources if s.token_allowed)
    apis = frozenset(s.base_url for v in vendors.values() for s in v.sources if s.options.DEFAULT_BASE_URL)
    return Config(path=where, vendors=vendors, settings=replace(settings, token_base_urls=allowed, api_base_urls=apis))


def _check_alias_collisions(vendors: dict[str, VendorConfig], where: str) -> None:
    """Raise ConfigError, naming both vendors, when an alias is another vendor's key or an alias of
    two vendors (in any case): `sync alibaba` would otherwise reach whichever vendor comes first."""
    owners: dict[str, str] = {key: key for key in vendors}
    for vendor in vendors.values():
        for alias in dict.fromkeys(a.strip().lower() for a in vendor.aliases):
            other = owners.get(alias)
            if other is not None and other != vendor.key:
                what = f"the key of vendor '{other}'" if alias == other else f"also an alias of vendor '{other}'"
                raise ConfigError(f"{where}: vendor '{vendor.key}', alias '{alias}' is {what}")
            owners[alias] = vendor.key


def _parse_settings(table: Any, where: str) -> HttpSettings:
    at = f"{where}: [settings]"
    _typed(table, dict, at)
    defaults = HttpSettings()
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in SETTING_RANGES:
            allowed = ", ".join(f.name for f in fields(HttpSettings) if f.name in SETTING_RANGES)
            raise ConfigError(f"{at}: unknown key '{key}' (allowed: {allowed})")
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        _typed(value, expected, f"{at}, key '{key}'")
        low, high = SETTING_RANGES[key]
        if not (math.isfinite(value) and low <= value <= high):
            raise ConfigError(f"{at}, key '{key}': {value} is out of range ({low:g} to {high:g})")
        values[key] = value
    return HttpSettings(**values)


def _parse_vendor(key: str, table: Any, where: str) -> VendorConfig:
    at = f"{where}: vendor '{key}'"
    if not VENDOR_KEY.match(key):
        raise ConfigError(f"{at}: vendor keys are lower-case letters, digits, '-' and '_'")
    if not isinstance(table, dict):
        raise ConfigError(f"{at}: expected a table [vendors.{key}]")
    allowed = {"name", "aliases", "families", "sources"}
    extra = set(table) - allowed
    if extra:
        raise ConfigError(f"{at}: unknown key '{sorted(extra)[0]}' (allowed: {', '.join(sorted(allowed))})")
    name = _typed(table.get("name", key), str, f"{at}, key 'name'")
    aliases = _typed(table.get("aliases", []), list, f"{at}, key 'aliases'")
    for alias in aliases:
        _typed(alias, str, f"{at}, key 'aliases'")
    families = _parse_families(table.get("families", {}), f"{at}, key 'families'")
    raw_sources = _typed(table.get("sources", []), list, f"{at}, key 'sources'")
    sources = tuple(_parse_source(key, index, item, at) for index, item in enumerate(raw_sources, start=1))
    return VendorConfig(key=key, name=name, aliases=tuple(aliases), families=families, sources=sources)


class FamilyPattern(Protocol):
    """A compiled `families` pattern (RE2): what classification calls on it."""

    def search(self, text: str) -> object | None: ...


def compile_family(pattern: str) -> FamilyPattern:
    """A `families` pattern compiled case-insensitively with RE2, so matching is linear in the
    name's length (issue 16: `(a+)+$` must not hang a sync). ValueError with RE2's reason if RE2
    cannot compile it (look-around, backreferences)."""
    from relwatch.patterns import compile_models

    compiled: FamilyPattern = compile_models(pattern, ignore_case=True)
    return compiled


def _parse_families(value: Any, at: str) -> tuple[tuple[str, str], ...]:
    """`[vendors.X.families]`: pattern → family, each pattern checked as `compile_family` will use
    it; a pattern that matches the empty string (it would claim every artifact) is refused."""
    table = _typed(value, dict, at)
    pairs = []
    for pattern, family in table.items():
        _typed(family, str, f"{at} '{pattern}'")
        if not family.strip():
            raise ConfigError(f"{at} {pattern!r}: the family name is empty")
        try:
            compiled = compile_family(pattern)
        except ValueError as exc:
            raise ConfigError(
                f"{at}: pattern {pattern!r} is not supported by the linear-time matcher RE2: {exc}"
            ) from None
        if compiled.search("") is not None:
            raise ConfigError(f"{at}: pattern {pattern!r} matches the empty string, so it would match every name")
        pairs.append((pattern, family))
    return tuple(pairs)


def _parse_source(vendor: str, index: int, table: Any, vendor_at: str) -> SourceConfig:
    at = f"{vendor_at}, source {index}"
    if not isinstance(table, dict):
        raise ConfigError(f"{at}: expected a table [[vendors.{vendor}.sources]]")
    kind = table.get("kind")
    if kind is None:
        raise ConfigError(f"{at}: missing key 'kind' (one of: {', '.join(KINDS)})")
    kind = _typed(kind, str, f"{at}, key 'kind'")
    if kind not in KINDS:
        raise ConfigError(f"{at}: unknown kind '{kind}' (one of: {', '.join(KINDS)})")
    spec = KINDS[kind]
    at = f"{at} ({kind})"
    keys = spec.table_keys()
    allowed = COMMON_SOURCE_KEYS | set(keys)
    extra = set(table) - allowed
    if extra:
        raise ConfigError(f"{at}: unknown key '{sorted(extra)[0]}' (allowed: {', '.join(sorted(allowed))})")
    options: dict[str, Any] = {}
    for key, option in keys.items():
        if key not in table:
            if option.required:
                raise ConfigError(f"{at}: missing key '{key}' ({option.help})")
            options[key] = option.default
            continue
        if isinstance(table[key], str) and USERINFO.match(table[key]):  # before any message quotes it
            raise ConfigError(f"{at}, key '{key}': {CREDENTIALS_REFUSED}")
        options[key] = option.check(table[key], f"{at}, key '{key}'")
        if isinstance(options[key], str) and not options[key].strip():
            raise ConfigError(f"{at}, key '{key}': is empty (expected {option.help})")
        if key == spec.IDENTITY and isinstance(options[key], str) and options[key] != options[key].strip():
            raise ConfigError(f"{at}, key '{key}': {options[key]!r} has leading or trailing spaces")
        if option.type == "regex":
            _check_linear(options[key], f"{at}, key '{key}'")
    identity = options[spec.IDENTITY]
    if spec.DEFAULT_BASE_URL:
        _check_name(identity, f"{at}, key '{spec.IDENTITY}'")
    default_base_url = spec.DEFAULT_BASE_URL or _origin(identity)
    base_url = _base_url(_typed(table.get("base_url", default_base_url), str, f"{at}, key 'base_url'"), at)
    send_token = _typed(table.get("send_token", False), bool, f"{at}, key 'send_token'")
    official = bool(spec.TOKEN_ENV) and base_url == spec.DEFAULT_BASE_URL and base_url.startswith("https://")
    return SourceConfig(
        vendor=vendor,
        kind=kind,
        base_url=base_url,
        options=spec(**options),
        id=f"{vendor}/{kind}/{identity}",
        send_token=send_token,
        official=official,
    )


def _check_linear(pattern: str, at: str) -> None:
    """Patterns are matched with RE2 (linear time), so `(a+)+$` cannot hang a sync: one RE2 cannot
    compile (a backreference, a look-around) is a config error here, not a failure mid-sync, and so
    is one that matches the empty string (it would find an id between every two characters)."""
    from relwatch.patterns import compile_models

    try:
        compiled = compile_models(pattern, ignore_case=False)
    except ValueError as exc:
        raise ConfigError(f"{at}: pattern {pattern!r} is not supported by the linear-time matcher RE2: {exc}") from None
    if compiled.match("") is not None:
        raise ConfigError(f"{at}: pattern {pattern!r} matches the empty string")


# A URL with credentials (`https://alice:pw@host/…`) in any option: refused like in `base_url`.
USERINFO = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s]*@")
CREDENTIALS_REFUSED = "credentials in the URL are not accepted (a token comes from the environment; see send_token)"

NAME_PART = re.compile(r"[A-Za-z0-9._-]{1,100}", re.ASCII)


def _check_name(identity: str, at: str) -> None:
    """An API source's identity (an organisation, author, provider, or `owner/name`) goes into a
    URL: it is one or two parts of letters, digits, `.`, `_` and `-` (up to 100 each, GitHub's
    limit; `a/.github` is a repository), none `.` nor holding `..`. ConfigError otherwise
    (`acme/../../x?y=1`)."""
    parts = identity.split("/")
    if len(parts) > 2 or not all(NAME_PART.fullmatch(p) and p != "." and ".." not in p for p in parts):
        raise ConfigError(f"{at}: {identity!r} is not a name (letters, digits, '.', '_', '-'; 'owner/name' at most)")


def _base_url(url: str, at: str) -> str:
    """`base_url` normalised: scheme and host lower-cased (RFC 3986 §6.2.2.1: they are
    case-insensitive), the default port and a trailing slash dropped.

    ConfigError for anything but an absolute http(s) URL with a host, and for credentials in it
    (`http://user:pw@host`): tokens come from the environment only, so a secret never sits in the
    config, the database's `sources.base_url` or a recording.
    """
    at = f"{at}, key 'base_url'"
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # `http://[::1`
        raise ConfigError(f"{at}: {url!r} is not a URL ({exc})") from None
    if "@" in parts.netloc:  # checked first: no later message repeats the URL with its secret
        raise ConfigError(f"{at}: {CREDENTIALS_REFUSED}")
    if any(c.isspace() for c in url):
        raise ConfigError(f"{at}: {url!r} holds white space")
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"{at}: {url!r} has an invalid port") from None
    if scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{at}: {url!r} is not an http(s) URL")
    if parts.fragment or parts.query:
        raise ConfigError(f"{at}: {url!r} has a query or fragment")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or port == {"http": 80, "https": 443}[scheme] else f"{host}:{port}"
    return f"{scheme}://{netloc}{parts.path}".rstrip("/")


def _origin(url: str) -> str:
    """`https://host/path?q` → `https://host`: where a page-URL source is read by default."""
    match = re.match(r"^https?://[^/\s?#]+", url)
    return match.group(0) if match else url


def _check_unique_ids(vendors: dict[str, VendorConfig], where: str) -> None:
    """ConfigError when two sources read the same thing: the same id, up to case (Hub organisations,
    GitHub owners and OpenRouter authors are case-insensitive; so are a URL's scheme and host)."""
    seen: dict[str, str] = {}
    for vendor in vendors.values():
        for source in vendor.sources:
            key = _identity_key(source.id)
            if key in seen:
                if seen[key] == source.id:
                    raise ConfigError(f"{where}: vendor '{vendor.key}': source '{source.id}' is listed twice")
                raise ConfigError(
                    f"{where}: vendor '{vendor.key}': sources '{seen[key]}' and '{source.id}' differ only by case"
                    " (the upstream names are case-insensitive): keep one"
                )
            seen[key] = source.id


def _identity_key(source_id: str) -> str:
    """`source_id` compared case-insensitively, except a URL identity's path, query and fragment."""
    prefix, _, identity = source_id.partition("/")
    kind, _, identity = identity.partition("/")
    try:
        parts = urlsplit(identity)
    except ValueError:
        return source_id.lower()
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        rest = identity[len(parts.scheme) + 3 + len(parts.netloc) :]
        return f"{prefix}/{kind}/{parts.scheme.lower()}://{parts.netloc.lower()}{rest}"
    return source_id.lower()


def _typed(value: Any, expected: type, at: str) -> Any:
    return check_type(value, expected, at)
