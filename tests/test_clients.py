"""Clients generated from the OpenAPI document, with no configuration and no edits, work.

openapi-python-client, and openapi-typescript with openapi-fetch (compiled by
`tsc --strict`), each make a client from openapi/openapi.json that lists, filters on
several values, reads an item and writes, against a real server. Like the docs page test,
one server on a migrated, seeded SQLite file: this tests the document and the generators,
not the data (the API itself is tested on both backends elsewhere).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from service.cli import OPENAPI_PATH
from service.config import PROJECT_ROOT
from tests.servers import Running, service_output

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
NODE_BIN = PROJECT_ROOT / "node_modules" / ".bin"
# Two statuses, so a filter of several values must send both (the server once kept one).
STATUSES = ["threatened", "announced"]
NEW_ACTOR = "client-test-analyst"
# An article a client stores, then reviews what the extractor read in it.
ARTICLE = (
    "Japan imposes sanctions on North Korea over troops in Russia\n\n"
    "TOKYO, Dec 27 (Reuters) - Japan imposed sanctions on North Korea and Russia on Friday"
    " over their deepening military cooperation, the government said. About 10,000 North"
    " Korean soldiers have been sent to Russia, the spokesman said.\n"
)


@dataclass
class Served:
    url: str
    token: str  # a key with the `write` and `review` scopes


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    url = f"sqlite:///{tmp_path_factory.mktemp('clients') / 'register.db'}"
    service_output(url, "migrate")
    service_output(url, "seed")
    created = service_output(
        url,
        "keys",
        "create",
        "--name",
        "generated clients",
        "--scope",
        "write",
        "--scope",
        "review",
    )
    token = next(line for line in created.splitlines() if line.startswith("reg_"))
    logs = tmp_path_factory.mktemp("clients-server")
    server = Running(["-m", "service", "serve", "--workers", "1"], {"DATABASE_URL": url}, logs)
    try:
        yield Served(f"http://127.0.0.1:{server.port}", token)
    finally:
        server.stop()


def _seed_facts(served: Served) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every measure, and one citation to quote in a write, read over plain HTTP."""
    import urllib.request

    def get(path: str) -> Any:
        with urllib.request.urlopen(f"{served.url}{path}", timeout=10) as response:
            return json.load(response)

    measures = get("/v1/measures?limit=200")["items"]
    source = get("/v1/sources?limit=1")["items"][0]["id"]
    citation = get(f"/v1/sources/{source}/citations?limit=1")["items"][0]
    return measures, citation


def test_the_generated_python_client_lists_filters_reads_and_writes(
    served: Served, tmp_path: Path
) -> None:
    measures, citation = _seed_facts(served)
    expected = sorted(m["id"] for m in measures if m["status"] in STATUSES)
    assert {m["status"] for m in measures} > set(STATUSES)

    out = tmp_path / "python-client"
    done = subprocess.run(
        [
            *(str(BIN / "openapi-python-client"), "generate"),
            *("--path", str(OPENAPI_PATH), "--output-path", str(out)),
        ],
        cwd=tmp_path,
        # It formats what it writes with ruff, found on PATH: the venv's own.
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(out))
    try:
        _use_python_client(served, expected, citation)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.split(".")[0] == "the_register_client"]:
            del sys.modules[name]


def _use_python_client(served: Served, expected: list[str], citation: dict[str, Any]) -> None:
    client_module = importlib.import_module("the_register_client")
    actors = importlib.import_module("the_register_client.api.actors")
    measures = importlib.import_module("the_register_client.api.measures")
    models = importlib.import_module("the_register_client.models")
    importlib.import_module("the_register_client.api.actors.post_actors")
    importlib.import_module("the_register_client.api.actors.get_actor_item")
    importlib.import_module("the_register_client.api.measures.get_measures")
    importlib.import_module("the_register_client.api.measures.get_measure_item")

    client = client_module.Client(base_url=served.url)
    page = measures.get_measures.sync(client=client, limit=200)
    assert isinstance(page, models.MeasurePage), page
    assert page.items and page.next_cursor is None

    statuses = [models.MeasureStatus(status) for status in STATUSES]
    filtered = measures.get_measures.sync(client=client, status=statuses, limit=200)
    assert isinstance(filtered, models.MeasurePage), filtered
    assert sorted(m.id for m in filtered.items) == expected

    first = page.items[0]
    item = measures.get_measure_item.sync(client=client, measure_id=first.id)
    assert isinstance(item, models.Measure), item
    assert (item.id, item.title) == (first.id, first.title)

    writer = client_module.AuthenticatedClient(base_url=served.url, token=served.token)
    body = models.ActorCreate(
        id=NEW_ACTOR,
        kind=models.ActorKind.EXPERT,
        name="Client Test Analyst",
        citations=[models.CitationIn(source=citation["source"], quote=citation["quote"])],
    )
    created = actors.post_actors.sync_detailed(client=writer, body=body)
    assert created.status_code == 201, created.content
    assert isinstance(created.parsed, models.Actor) and created.parsed.id == NEW_ACTOR
    read = actors.get_actor_item.sync(client=client, actor_id=NEW_ACTOR)
    assert isinstance(read, models.Actor) and read.name == "Client Test Analyst"
    _review_with_python_client(writer, models)


def _review_with_python_client(writer: Any, models: Any) -> None:
    """Store an article, list what the extractor proposed, accept one, reject one, extract."""
    sources = importlib.import_module("the_register_client.api.sources")
    proposals = importlib.import_module("the_register_client.api.proposals")
    for name in ("post_sources", "post_source_extraction"):
        importlib.import_module(f"the_register_client.api.sources.{name}")
    for name in ("get_proposals", "get_proposal_item", "post_accept", "post_reject"):
        importlib.import_module(f"the_register_client.api.proposals.{name}")

    body = models.SourceCreate(id="client-article", text=ARTICLE, language="en")
    stored = sources.post_sources.sync_detailed(client=writer, body=body)
    assert stored.status_code == 201, stored.content
    assert isinstance(stored.parsed, models.Source) and stored.parsed.text == ARTICLE

    page = proposals.get_proposals.sync(
        client=writer, source="client-article", status=models.ProposalStatus.PENDING
    )
    assert isinstance(page, models.ProposalPage), page
    measure = next(p for p in page.items if p.kind == models.ProposalKind.MEASURE)
    other = next(p for p in page.items if p.id != measure.id)
    read = proposals.get_proposal_item.sync(client=writer, proposal_id=measure.id)
    assert isinstance(read, models.Proposal) and read.record.to_dict()["type"] == "sanction"

    accepted = proposals.post_accept.sync_detailed(client=writer, proposal_id=measure.id)
    # New (201), or an update (200) once another client accepted the same article's measure.
    expected = {"create": 201, "update": 200}[measure.to_dict()["action"]]
    assert accepted.status_code == expected, accepted.content
    assert isinstance(accepted.parsed, models.Proposal)
    assert accepted.parsed.status == models.ProposalStatus.ACCEPTED
    rejected = proposals.post_reject.sync_detailed(
        client=writer, proposal_id=other.id, body=models.Reject(reason="Not in the article.")
    )
    assert rejected.status_code == 200, rejected.content
    assert isinstance(rejected.parsed, models.Proposal) and rejected.parsed.reason

    again = sources.post_source_extraction.sync(client=writer, source_id="client-article")
    assert isinstance(again, models.Extraction), again
    assert again.proposals and {p.status for p in again.proposals} == {
        models.ProposalStatus.PENDING
    }


TYPESCRIPT = """\
import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

const baseUrl = BASE_URL;
const token = TOKEN;
const quoted = CITATION;
const ARTICLE = ARTICLE_TEXT;
const client = createClient<paths>({ baseUrl });

const listed = await client.GET("/v1/measures", { params: { query: { limit: 200 } } });
if (!listed.data) throw new Error(`list: ${JSON.stringify(listed.error)}`);
// Typed JSON, not a union with the downloads' text: these lines are what tsc checks.
const first: string | undefined = listed.data.items[0].id;
if (first === undefined) throw new Error("a measure without an id");
const next: string | null = listed.data.next_cursor;

const filtered = await client.GET("/v1/measures", {
  params: { query: { status: ["threatened", "announced"], limit: 200 } },
});
if (!filtered.data) throw new Error(`filter: ${JSON.stringify(filtered.error)}`);

const item = await client.GET("/v1/measures/{measure_id}", {
  params: { path: { measure_id: first } },
});
if (!item.data) throw new Error(`item: ${JSON.stringify(item.error)}`);
const title: string | undefined = item.data.title;

const created = await client.POST("/v1/actors", {
  headers: { Authorization: `Bearer ${token}` },
  body: {
    id: "ts-client-analyst",
    kind: "expert",
    name: "TypeScript Client Analyst",
    citations: [{ source: quoted.source, quote: quoted.quote }],
  },
});
if (!created.data) throw new Error(`write: ${JSON.stringify(created.error)}`);

// Review: store an article, list what the extractor proposed, accept one, reject one.
const auth = { Authorization: `Bearer ${token}` };
const stored = await client.POST("/v1/sources", {
  headers: auth,
  body: { id: "ts-client-article", text: ARTICLE, language: "en" },
});
if (!stored.data) throw new Error(`source: ${JSON.stringify(stored.error)}`);
const page = await client.GET("/v1/proposals", {
  headers: auth,
  params: { query: { source: "ts-client-article", status: "pending" } },
});
if (!page.data) throw new Error(`proposals: ${JSON.stringify(page.error)}`);
const proposals = page.data.items;
const measure = proposals.find((p) => p.kind === "measure");
const other = proposals.find((p) => p.id !== measure?.id);
if (!measure?.id || !other?.id) throw new Error("no measure proposed, or nothing else");
const accepted = await client.POST("/v1/proposals/{proposal_id}/accept", {
  headers: auth,
  params: { path: { proposal_id: measure.id } },
});
if (!accepted.data) throw new Error(`accept: ${JSON.stringify(accepted.error)}`);
const status: string | undefined = accepted.data.status;
const rejected = await client.POST("/v1/proposals/{proposal_id}/reject", {
  headers: auth,
  params: { path: { proposal_id: other.id } },
  body: { reason: "Not in the article." },
});
if (!rejected.data) throw new Error(`reject: ${JSON.stringify(rejected.error)}`);

console.log(JSON.stringify({
  reviewed: [accepted.response.status, status, rejected.data.status, measure.action],
  count: listed.data.items.length,
  next,
  filtered: filtered.data.items.map((m) => m.id).sort(),
  item: [item.data.id, title],
  created: [created.response.status, created.data.id],
}));
"""


def test_the_generated_typescript_client_compiles_strictly_and_works(
    served: Served, tmp_path: Path
) -> None:
    if not (NODE_BIN / "tsc").exists():
        reason = "openapi-typescript and tsc are missing: run `npm ci` at the top level"
        if os.environ.get("CI") or os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    measures, citation = _seed_facts(served)
    expected = sorted(m["id"] for m in measures if m["status"] in STATUSES)

    work = tmp_path / "typescript-client"
    work.mkdir()
    (work / "node_modules").symlink_to(PROJECT_ROOT / "node_modules")  # tsc's and node's
    (work / "package.json").write_text('{"type": "module"}\n')
    generated = _node(work, "openapi-typescript", str(OPENAPI_PATH), "-o", "schema.d.ts")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    source = (
        TYPESCRIPT.replace("BASE_URL", json.dumps(served.url))
        .replace("TOKEN", json.dumps(served.token))
        .replace("CITATION", json.dumps({k: citation[k] for k in ("source", "quote")}))
        .replace("ARTICLE_TEXT", json.dumps(ARTICLE + "Filed by the TypeScript client.\n"))
    )
    (work / "check.ts").write_text(source)
    compiled = _node(
        work,
        "tsc",
        "--strict",
        "--noEmitOnError",
        *("--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext"),
        *("--skipLibCheck", "check.ts"),
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr

    ran = subprocess.run(["node", "check.js"], cwd=work, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    result = json.loads(ran.stdout)
    assert result["count"] == len(measures) and result["next"] is None
    assert result["filtered"] == expected
    assert result["item"][0] == measures[0]["id"]
    assert result["created"] == [201, "ts-client-analyst"]
    # The measure is new (201), or, once another client accepted the same article's, an
    # update of it (200), as POST and PATCH answer.
    action = result["reviewed"][3]
    assert result["reviewed"] == [
        {"create": 201, "update": 200}[action],
        "accepted",
        "rejected",
        action,
    ]


def _node(cwd: Path, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NODE_BIN / tool), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
