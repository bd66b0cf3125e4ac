"""A Hub look-up stores only the repository it asked for: an answer for another one is refused."""

import pytest

from tests.conftest import query
from tests.loopback import json_reply
from tests.test_hub_lookup import model_info, sync
from tests.test_hub_lookup import world as hub_world

world = pytest.fixture(hub_world.__wrapped__, name="world")


def test_an_answer_for_another_repository_is_refused_and_a_case_variant_kept(world, cli):
    loopback, config, db, _refs, answered = world
    hostile, recased = answered[0], answered[1]
    loopback.route(f"/api/models/{hostile}", lambda r: json_reply(model_info("evil/other-repo", "mit")))
    loopback.route(f"/api/models/{recased}", lambda r: json_reply(model_info(recased.upper(), "mit")))
    lookups = sync(cli, config, db)["lookups"]
    assert lookups["found"] == len(answered) - 1
    assert any(hostile in line and "another repository ('evil/other-repo')" in line for line in lookups["errors"])
    ids = {row[0].lower() for row in query(db, "SELECT external_id FROM artifacts")}
    assert "evil/other-repo" not in ids and recased.lower() in ids
