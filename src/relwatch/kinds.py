"""What each source kind declares for sources.toml: its options as a typed, frozen dataclass.

An options class names its kind, the module that reads it (`MODULE`), the key that names one
source of it (`IDENTITY`), its real host (`DEFAULT_BASE_URL`, overridable per source with
`base_url`; None: the scheme and host of its `url`) and the environment variables that may hold a
token for that host (`TOKEN_ENV`). Each field is one key, with its help text and checks in the
field's metadata (`Option`). Reading a config loads this module only: no source's network or
parsing code, so the query commands stay cheap (tests/test_startup.py).

To add a kind: an options class here, listed in KINDS, and a module in `relwatch.sources` that
implements `relwatch.sources.base.SourceKind`.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar, TypeVar

from relwatch.errors import ConfigError
from relwatch.models import Openness

URL_PATTERN = r"https?://[^/\s?#]+\S*"
HUGGINGFACE_URL = "https://huggingface.co"
MODELSCOPE_URL = "https://modelscope.cn"
OPENROUTER_URL = "https://openrouter.ai"
MODELSCOPE_MAX_PAGE_SIZE = 50  # ModelScope's listing answers at most this many models a page
LEDGER_URL = "https://raw.githubusercontent.com/jvrck/openrouterlist/main/data/history/prices.json"


@dataclass(frozen=True, kw_only=True)
class Option:
    """How one key of a source table in sources.toml is checked."""

    type: type | str  # a Python type, or "regex", "tier", "list[str]"
    help: str
    required: bool = False
    default: Any = None
    pattern: str | None = None  # a string value must match it whole
    minimum: int | None = None
    maximum: int | None = None

    def check(self, value: Any, at: str) -> Any:
        """`value` as the option holds it (a tier as `Openness`, a list as a tuple); raises
        ConfigError naming `at` (file, vendor, source and key) when it does not fit."""
        checked = self._check_type(value, at)
        if self.pattern is not None and not re.fullmatch(self.pattern, checked):
            raise ConfigError(f"{at}: {checked!r} is not {self.help}")
        if self.minimum is not None and checked < self.minimum:
            raise ConfigError(f"{at}: {checked} is below the minimum of {self.minimum}")
        if self.maximum is not None and checked > self.maximum:
            raise ConfigError(f"{at}: {checked} is above the maximum of {self.maximum}")
        return checked

    def _check_type(self, value: Any, at: str) -> Any:
        if self.type == "regex":
            check_type(value, str, at)
            try:
                re.compile(value)
            except re.error as exc:
                raise ConfigError(f"{at}: not a regular expression: {exc}") from None
            return value
        if self.type == "tier":
            check_type(value, str, at)
            try:
                return Openness(value)
            except ValueError:
                tiers = ", ".join(t.value for t in Openness)
                raise ConfigError(f"{at}: unknown tier '{value}' (one of: {tiers})") from None
        if self.type == "list[str]":
            check_type(value, list, at)
            for item in value:
                check_type(item, str, at)
            return tuple(value)
        assert isinstance(self.type, type)
        return check_type(value, self.type, at)


def check_type(value: Any, expected: type, at: str) -> Any:
    """`value` itself if it is an `expected` (a bool is no int); ConfigError naming `at` otherwise."""
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise ConfigError(f"{at}: expected {_type_name(expected)}, got {_type_name(type(value))} {value!r}")
    return value


def _type_name(kind: type) -> str:
    names = {str: "a string", int: "an integer", bool: "true/false", list: "a list", dict: "a table", float: "a number"}
    return names.get(kind, kind.__name__)


def option(
    help: str,
    *,
    type: type | str,
    default: Any = MISSING,
    pattern: str | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> Any:
    """A dataclass field for one key: required when it has no `default`."""
    required = default is MISSING
    checks = Option(
        type=type,
        help=help,
        required=required,
        default=None if required else default,
        pattern=pattern,
        minimum=minimum,
        maximum=maximum,
    )
    return field(default=default, metadata={"option": checks})


@dataclass(frozen=True, kw_only=True)
class SourceOptions:
    """The options of one source: subclassed once per kind."""

    KIND: ClassVar[str]
    MODULE: ClassVar[str]
    IDENTITY: ClassVar[str]
    DEFAULT_BASE_URL: ClassVar[str | None] = None
    TOKEN_ENV: ClassVar[tuple[str, ...]] = ()
    # Which side of the open/closed picture the kind shows: "open" (published weights),
    # "closed" (served or announced models: catalogues, release notes) or "prices".
    SIDE: ClassVar[str]

    @classmethod
    def table_keys(cls) -> dict[str, Option]:
        """Each key of the kind's source table, in order, with its checks."""
        return {f.name: f.metadata["option"] for f in fields(cls)}

    @property
    def identity(self) -> str:
        """The value of the key that names the source (its org, repository, author, URL …)."""
        return str(getattr(self, self.IDENTITY))

    def stored(self) -> dict[str, Any]:
        """The keys that are set, as plain values (a tier as its name): the `sources.options` column."""
        return {
            f.name: str(value) if isinstance(value, Openness) else value
            for f in fields(self)
            if (value := getattr(self, f.name)) is not None
        }


@dataclass(frozen=True, kw_only=True)
class HubOrgOptions(SourceOptions):
    """A hub listing of one organisation's repositories (`huggingface`, `modelscope`)."""

    IDENTITY: ClassVar[str] = "org"
    SIDE: ClassVar[str] = "open"

    org: str


@dataclass(frozen=True, kw_only=True)
class HuggingfaceOptions(HubOrgOptions):
    KIND: ClassVar[str] = "huggingface"
    MODULE: ClassVar[str] = "relwatch.sources.huggingface"
    DEFAULT_BASE_URL: ClassVar[str | None] = HUGGINGFACE_URL
    TOKEN_ENV: ClassVar[tuple[str, ...]] = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")

    org: str = option("a Hugging Face user or organisation, e.g. 'google'", type=str)
    page_size: int = option("models per listing page", type=int, default=500, minimum=1, maximum=1000)
    full_sweep_days: int = option(
        "days between full reads of the listing (0: every sync); syncs in between read only what changed",
        type=int,
        default=7,
        minimum=0,
        maximum=365,
    )


@dataclass(frozen=True, kw_only=True)
class ModelscopeOptions(HubOrgOptions):
    KIND: ClassVar[str] = "modelscope"
    MODULE: ClassVar[str] = "relwatch.sources.modelscope"
    DEFAULT_BASE_URL: ClassVar[str | None] = MODELSCOPE_URL
    TOKEN_ENV: ClassVar[tuple[str, ...]] = ("MODELSCOPE_API_TOKEN",)

    org: str = option("a ModelScope user or organisation, e.g. 'Qwen'", type=str)
    page_size: int = option(
        "models per listing page",
        type=int,
        default=MODELSCOPE_MAX_PAGE_SIZE,
        minimum=1,
        maximum=MODELSCOPE_MAX_PAGE_SIZE,
    )


@dataclass(frozen=True, kw_only=True)
class GithubOptions(SourceOptions):
    KIND: ClassVar[str] = "github"
    SIDE: ClassVar[str] = "open"
    MODULE: ClassVar[str] = "relwatch.sources.github"
    IDENTITY: ClassVar[str] = "repo"
    DEFAULT_BASE_URL: ClassVar[str | None] = "https://api.github.com"
    TOKEN_ENV: ClassVar[tuple[str, ...]] = ("GITHUB_TOKEN", "GH_TOKEN")

    repo: str = option(
        "a repository as 'owner/name', e.g. 'QwenLM/Qwen3'",
        type=str,
        pattern=r"(?!\.\.?/)[A-Za-z0-9._-]+/(?!\.\.?$)[A-Za-z0-9._-]+",
    )
    prereleases: bool = option("include releases marked as prereleases", type=bool, default=True)
    models: str | None = option(
        "what a model release's tag or name holds, e.g. 'ERNIE-[0-9]' (matched in any case); "
        "without it, a release whose tag or name reads as a model name and version is kept",
        type="regex",
        default=None,
    )


@dataclass(frozen=True, kw_only=True)
class MentionOptions(SourceOptions):
    """A page whose prose mentions model ids (`feed`, `changelog`): its URL and what an id looks like."""

    IDENTITY: ClassVar[str] = "url"
    SIDE: ClassVar[str] = "closed"

    url: str
    models: str
    tier: Openness = Openness.API
    ignore_case: bool = True


MENTION_TIER = "the access tier a mention implies"
MENTION_IGNORE_CASE = "match `models` whatever the case"


def _mention_url(page: str, example_url: str) -> Any:
    return option(f"an http(s) URL of {page}, e.g. '{example_url}'", type=str, pattern=URL_PATTERN)


def _mention_models(where: str) -> Any:
    return option(
        f"what a model id looks like {where}, e.g. 'gemini-[0-9a-z.\\-]+' "
        "(matched inside words too, so write the whole id)",
        type="regex",
    )


@dataclass(frozen=True, kw_only=True)
class FeedOptions(MentionOptions):
    KIND: ClassVar[str] = "feed"
    MODULE: ClassVar[str] = "relwatch.sources.feed"

    url: str = _mention_url("a feed", "https://blog.google/technology/ai/rss/")
    models: str = _mention_models("in titles and summaries")
    tier: Openness = option(MENTION_TIER, type="tier", default=Openness.API)
    ignore_case: bool = option(MENTION_IGNORE_CASE, type=bool, default=True)


@dataclass(frozen=True, kw_only=True)
class ChangelogOptions(MentionOptions):
    KIND: ClassVar[str] = "changelog"
    MODULE: ClassVar[str] = "relwatch.sources.changelog"

    url: str = _mention_url("a release-notes page", "https://ai.google.dev/gemini-api/docs/changelog")
    models: str = _mention_models("on the page")
    tier: Openness = option(MENTION_TIER, type="tier", default=Openness.API)
    ignore_case: bool = option(MENTION_IGNORE_CASE, type=bool, default=True)
    section: str | None = option(
        "CSS selector of the elements that are sections, for HTML without date headings", type=str, default=None
    )
    date_selector: str | None = option(
        "CSS selector of the element that holds a section's date", type=str, default=None
    )


@dataclass(frozen=True, kw_only=True)
class OpenrouterOptions(SourceOptions):
    KIND: ClassVar[str] = "openrouter"
    SIDE: ClassVar[str] = "closed"
    MODULE: ClassVar[str] = "relwatch.sources.openrouter"
    IDENTITY: ClassVar[str] = "author"
    DEFAULT_BASE_URL: ClassVar[str | None] = OPENROUTER_URL
    TOKEN_ENV: ClassVar[tuple[str, ...]] = ("OPENROUTER_API_KEY",)

    author: str = option(
        "an OpenRouter author slug, the part of a model id before '/', e.g. 'google', 'qwen', 'meta-llama'",
        type=str,
    )


@dataclass(frozen=True, kw_only=True)
class ModelsdevOptions(SourceOptions):
    KIND: ClassVar[str] = "modelsdev"
    SIDE: ClassVar[str] = "closed"
    MODULE: ClassVar[str] = "relwatch.sources.modelsdev"
    IDENTITY: ClassVar[str] = "provider"
    DEFAULT_BASE_URL: ClassVar[str | None] = "https://models.dev"

    provider: str = option(
        "the models.dev provider key of the vendor's own API, e.g. 'google', 'alibaba', 'deepseek'", type=str
    )
    family: str | None = option(
        "keep only models whose models.dev family matches this regular expression, e.g. '^(qwen|qwq|qvq)'",
        type="regex",
        default=None,
    )


@dataclass(frozen=True, kw_only=True)
class PriceHistoryOptions(SourceOptions):
    KIND: ClassVar[str] = "price-history"
    SIDE: ClassVar[str] = "prices"
    MODULE: ClassVar[str] = "relwatch.sources.pricehistory"
    IDENTITY: ClassVar[str] = "author"
    DEFAULT_BASE_URL: ClassVar[str | None] = "https://raw.githubusercontent.com"  # the host of the default `url`

    url: str = option(
        "the URL of a price ledger in the shape of jvrck/openrouterlist data/history/prices.json",
        type=str,
        default=LEDGER_URL,
        pattern=r"https?://\S+",
    )
    author: str = option(
        "an OpenRouter author slug (the part of a model id before '/'), e.g. 'google': the ledger's "
        "models of that author are read",
        type=str,
    )


KINDS: dict[str, type[SourceOptions]] = {
    cls.KIND: cls
    for cls in (
        HuggingfaceOptions,
        ModelscopeOptions,
        GithubOptions,
        FeedOptions,
        ChangelogOptions,
        OpenrouterOptions,
        ModelsdevOptions,
        PriceHistoryOptions,
    )
}

Options = TypeVar("Options", bound=SourceOptions)


def options_as(options: SourceOptions, kind: type[Options]) -> Options:
    """`options` as the `kind` class they are; TypeError if a source of another kind reached code
    that reads this kind (a programming error, never a config one)."""
    if not isinstance(options, kind):
        raise TypeError(f"{type(options).__name__} given where {kind.__name__} is read")
    return options
