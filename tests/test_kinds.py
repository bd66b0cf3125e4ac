"""Source kinds: each declares a typed options class and its module follows the SourceKind contract;
the store hands back typed release records."""

import dataclasses

import pytest

from relwatch.config import parse_config
from relwatch.kinds import KINDS, FeedOptions, HuggingfaceOptions, options_as
from relwatch.licences import LicenceClass
from relwatch.models import Evidence, Openness, Release
from relwatch.sources import registry
from relwatch.sources.base import IncrementalKind


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_module_declares_its_options_class(kind):
    module = registry.load(kind)
    assert module.OPTIONS is KINDS[kind]
    assert isinstance(module.COMPLETE_LISTING, bool) and isinstance(module.STEADY_COUNT, bool)
    assert callable(module.fetch)
    assert KINDS[kind].IDENTITY in KINDS[kind].table_keys()
    assert all(option.help for option in KINDS[kind].table_keys().values())


def test_only_the_hub_lists_incrementally():
    assert [kind for kind in KINDS if registry.incremental(kind)] == ["huggingface"]
    assert isinstance(registry.load("huggingface"), IncrementalKind)


def test_options_are_typed_attributes_and_frozen():
    text = '[vendors.g]\n[[vendors.g.sources]]\nkind = "huggingface"\norg = "google"\n'
    (hub,) = parse_config(text, "t.toml").sources
    options = options_as(hub.options, HuggingfaceOptions)
    assert (options.org, options.page_size, options.full_sweep_days) == ("google", 500, 7)
    assert options.identity == "google"
    assert options.stored() == {"org": "google", "page_size": 500, "full_sweep_days": 7}
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.org = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        options.orgs  # type: ignore[attr-defined]  # noqa: B018  (a misspelt key is an error, not None)
    with pytest.raises(TypeError, match="HuggingfaceOptions given where FeedOptions is read"):
        options_as(options, FeedOptions)


def test_a_release_row_reads_back_as_the_same_record():
    release = Release(
        id="baidu/ernie-4.5",
        vendor="baidu",
        family="ernie-4.5",
        name="ERNIE 4.5",
        tier=Openness.OPEN,
        licence_class=LicenceClass.PERMISSIVE,
        licences=["apache-2.0"],
        kinds=["huggingface"],
        evidence=[Evidence(tier=Openness.OPEN, reason="weights", artifact="huggingface:baidu/x", artifacts=2)],
    )
    assert Release.from_row(release.as_row()) == release
    record = release.as_record()
    assert record["vendor"] == "baidu" and "vendor_id" not in record and record["licences"] == ["apache-2.0"]


def test_a_stored_value_that_is_no_tier_reads_as_none():
    row = Release(id="a/b", vendor="a", family="b", name="B").as_row()
    row |= {"tier": "bogus", "licence_class": "bogus", "evidence": '[{"tier": "bogus"}, 3]', "kinds": "{}"}
    release = Release.from_row(row)
    assert (release.tier, release.licence_class, release.evidence, release.kinds) == (None, None, [], [])
