"""A ModelScope-shaped server for end-to-end runs: `/openapi/v1/models?owner=ORG…`.

Numbered pages of at most 50 items inside the OpenAPI envelope, newest `last_modified` first,
with ETags. Whether the real server sends ETags is not known; this one does, so that the
conditional-request path is exercised.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.loopback import Loopback, Reply, Request, json_reply, with_etag
from tests.public_data import fixture_json

MAX_PAGE_SIZE = 50
WINDOW = 3000


def ms_template() -> dict[str, Any]:
    """The first item of the hand-written Qwen page (see fixtures/modelscope/ORIGINS.md)."""
    payload = fixture_json("modelscope/models_Qwen.json")
    return payload["data"]["models"][0]


def ms_models(org: str, count: int) -> list[dict[str, Any]]:
    """`count` items for `org` shaped like the template; item 0 is the most recently modified."""
    template = ms_template()
    items = []
    for index in range(count):
        item = json.loads(json.dumps(template))
        item["id"] = f"{org}/model-{index:04d}"
        item["display_name"] = f"model-{index:04d}"
        item["created_at"] = f"2025-{1 + index // 28 % 12:02d}-{1 + index % 28:02d}T08:00:00Z"
        item["last_modified"] = f"2025-{12 - index // 28 % 12:02d}-{28 - index % 28:02d}T08:00:00Z"
        items.append(item)
    return items


class ModelScopeHub:
    def __init__(self, loopback: Loopback):
        self.loopback = loopback
        self.orgs: dict[str, list[dict[str, Any]]] = {}
        # The SDK validates `sort=last_modified` for datasets only; how the server refuses it for
        # models is not recorded, so both plausible answers can be played: "400" or "200".
        self.refuse_sort: str | None = None
        loopback.route("/openapi/v1/models", self.handle)

    def handle(self, request: Request) -> Reply:
        page_number = int(request.arg("page_number", "1") or 1)
        page_size = int(request.arg("page_size", "10") or 10)
        request_id = str(uuid.uuid5(uuid.NAMESPACE_URL, request.raw_path))  # stable, so ETags are too
        if self.refuse_sort and request.arg("sort"):
            refusal = {"success": False, "request_id": request_id, "message": "invalid sort: last_modified"}
            return json_reply(refusal, status=int(self.refuse_sort))
        if page_size > MAX_PAGE_SIZE or page_number < 1 or page_number * page_size > WINDOW:
            refusal = {
                "success": False,
                "request_id": request_id,
                "message": f"page_number * page_size must be <= {WINDOW}, page_size <= {MAX_PAGE_SIZE}",
            }
            return json_reply(refusal, status=400)
        items = self.orgs.get(request.arg("owner") or "", [])
        start = (page_number - 1) * page_size
        data = {
            "models": items[start : start + page_size],
            "total_count": len(items),
            "page_number": page_number,
            "page_size": page_size,
        }
        return with_etag(request, json_reply({"success": True, "request_id": request_id, "data": data}))
