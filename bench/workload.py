"""A sync workload: which labs the hub serves, the sources.toml that reads them, and its network floor."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from hub import HF_MAX_PAGE, Hub, api_models, changelog_entries, changelog_page, openrouter_catalogue, org_name

OPENROUTER_PER_LAB = 30
CHANGELOG_SECTIONS = 60


@dataclass(frozen=True, kw_only=True)
class Workload:
    vendors: int
    repos: int  # per vendor, on its Hugging Face org
    page_size: int = 500  # relwatch's default `page_size`
    mixed: int = 0  # this many vendors also have an OpenRouter and a changelog source

    @property
    def artifacts(self) -> int:
        api = sum(len(api_models(i, self.repos, OPENROUTER_PER_LAB)) for i in range(self.mixed))
        announced = sum(2 * len(changelog_entries(i, self.repos, CHANGELOG_SECTIONS)) for i in range(self.mixed))
        return self.vendors * self.repos + api + announced

    @property
    def sources(self) -> int:
        return self.vendors + 2 * self.mixed

    @property
    def hf_pages(self) -> int:
        """Requests one org's listing takes: the longest chain of sequential requests of any source."""
        return max(1, math.ceil(self.repos / min(self.page_size, HF_MAX_PAGE)))

    @property
    def requests(self) -> int:
        """Requests of a full sync: every HF page, each changelog page, and the catalogue once (shared)."""
        return self.vendors * self.hf_pages + self.mixed + min(self.mixed, 1)

    @property
    def quiet_requests(self) -> int:
        """Requests of a sync with no news: one per source, the shared catalogue once."""
        return self.vendors + self.mixed + min(self.mixed, 1)

    def floor(self, latency: float) -> float:
        """What a perfect client could not beat: the longest chain of sequential page requests × latency."""
        return self.hf_pages * latency

    def host_floor(self, latency: float, per_host: int) -> float:
        """The floor when at most `per_host` requests may be in flight to the one host that serves all."""
        return max(self.hf_pages, math.ceil(self.requests / per_host)) * latency

    def describe(self) -> str:
        text = f"{self.vendors}×{self.repos:,} HF (pages of {self.page_size})"
        return text + (f" + {self.mixed}×(OpenRouter, changelog)" if self.mixed else "")


def serve(hub: Hub, workload: Workload) -> None:
    """Put the workload's labs, catalogue and changelog pages on the hub."""
    for index in range(workload.vendors):
        hub.add_lab(index, workload.repos)
    if workload.mixed:
        labs = list(range(workload.mixed))
        catalogue = openrouter_catalogue(labs, workload.repos, OPENROUTER_PER_LAB)
        hub.add_page("/api/v1/models", catalogue, "application/json")
        for index in labs:
            page = changelog_page(index, workload.repos, CHANGELOG_SECTIONS)
            hub.add_page(f"/changelog/{org_name(index)}", page, "text/html")


def vendor_key(index: int) -> str:
    return f"v{index:04d}"


def write_config(path: Path, workload: Workload, base_url: str, settings: dict[str, float | int]) -> Path:
    """A sources.toml that reads the workload from `base_url`, with `settings` as its [settings]."""
    lines = ["[settings]", *(f"{key} = {value}" for key, value in settings.items())]
    for index in range(workload.vendors):
        org = org_name(index)
        lines += [
            "",
            f"[vendors.{vendor_key(index)}]",
            f'name = "Lab {index}"',
            f"[[vendors.{vendor_key(index)}.sources]]",
            'kind = "huggingface"',
            f'org = "{org}"',
            f"page_size = {workload.page_size}",
            f'base_url = "{base_url}"',
        ]
        if index < workload.mixed:
            lines += [
                f"[[vendors.{vendor_key(index)}.sources]]",
                'kind = "openrouter"',
                f'author = "{org}"',
                f'base_url = "{base_url}"',
                f"[[vendors.{vendor_key(index)}.sources]]",
                'kind = "changelog"',
                f'url = "{base_url}/changelog/{org}"',
                f"models = '{org}-[0-9a-z.\\-]+'",
            ]
    path.write_text("\n".join(lines) + "\n")
    return path
