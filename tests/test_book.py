"""The book itself: its chapter lists are the seed's, its table is computed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from tests.conftest import build_app
from tests.html_helpers import read

BOOK = Path(__file__).parents[1] / "book"

#: Each chapter's References, in the order of the book's hand-kept seed Works Cited, as keys.
SEED_CHAPTERS: dict[int, list[str]] = {
    1: [
        "assemblyai2025rule300ms",
        "bentoml2025handbook",
        "clarifai2025comparing",
        "stixor2025stack",
        "nvidia2025nvfp4",
        "openmeter2025metering",
        "deepgram2025pricing",
        "assemblyai2025pricing",
        "elevenlabs2025pricing",
        "openai2025realtime",
        "googlecloud2025speechv2",
        "google2024rail",
        "marktechpost2025runtimes",
        "dao2024flashattention",
        "aws2025ec2",
        "ankursnewsletter2025price",
        "cloudzero2025inference",
        "nvidia2025benchmarking",
        "vllm2025anatomy",
        "chen2024characterization",
        "aimultiple2026engines",
        "redhat2025pagedattention",
        "anyscale2023batching",
        "kwon2023paged",
        "github2025torchserve",
    ],
    2: [
        "google2016tfserving",
        "github2025torchserve",
        "huggingface2025tgi",
        "nvidia2025ensemble",
        "kserve2025docs",
        "bentoml2025choosing",
        "anyscale2025rayserve",
        "clarifai2025comparing",
        "aimultiple2026engines",
        "clarifai2025benchmarking",
        "nvidia2025blackwell",
        "redhat2025pagedattention",
        "kwon2023paged",
        "lmsys2024sglang",
        "aws2025rufus",
        "linkedinthestack2025vllm",
        "redhat2025vllm",
        "towardsdatascience2024tensorrt",
        "baseten2025engine",
        "bentoml2024benchmarking",
        "nvidia2025coldstart",
        "nvidia2025swap",
        "nvidia2025models",
        "nvidia2025mig",
        "pebble2025mps",
        "tensorfusion2025mig",
        "nebius2025vllm",
        "anyscale2023batching",
    ],
    3: [
        "nvidia2025nvfp4",
        "stixor2025stack",
        "nebius2025vllm",
        "dao2024flashattention",
        "kwon2023paged",
        "bentoml2025handbook",
        "clarifai2025comparing",
    ],
    4: [
        "assemblyai2026realtime",
        "deepgram2026best",
        "openai2025realtime",
        "googlecloud2025speech",
        "amazonwebservices2025transcribe",
        "assemblyai2025rule300ms",
    ],
    5: [
        "getstream2025webrtc",
        "videosdk2025websockets",
        "red52025moq",
        "wink2025quic",
        "openai2025realtime",
    ],
    6: [
        "bentoml2025handbook",
        "stixor2025stack",
        "assemblyai2026realtime",
        "deepgram2026best",
    ],
    7: [
        "google2025aip",
        "openai2025apiref",
        "openai2025developers",
    ],
    8: [
        "openai2025chat",
        "openai2025streaming",
        "deepgram2025websocket",
        "assemblyai2025streaming",
        "googlecloud2025streaming",
    ],
    9: [
        "google2025aip",
        "openai2025apiref",
        "microsoftazure2025openai",
    ],
    10: [
        "deepgram2025compliance",
        "owasp2023api",
        "assemblyai2025security",
    ],
    11: [
        "euaiactservicedesk2025timeline",
        "deepgram2025compliance",
        "wiz2026compliance",
        "dlapiper2025obligations",
    ],
    12: [
        "gladia2025latency",
        "anyscale2025latency",
        "assemblyai2025rule300ms",
        "bentoml2025metrics",
        "beyer2016sre",
    ],
    13: [
        "stripe2025meters",
        "stripe2025token",
        "openmeter2025metering",
        "brastranscripts2025pricing",
    ],
    14: [
        "bentoml2025handbook",
        "clarifai2025comparing",
        "marktechpost2025runtimes",
        "beyer2016sre",
    ],
    15: [],
}

#: Works cited in two or more chapters, in the table's order (most chapters,
#: then first chapter, then label). The seed's hand-made table is wrong.
FREQUENCY = [
    ("BentoML, 2025c", [1, 3, 6, 14]),
    ("Clarifai, 2025b", [1, 2, 3, 14]),
    ("AssemblyAI, 2025a", [1, 4, 12]),
    ("Kwon et al., 2023", [1, 2, 3]),
    ("OpenAI, 2025d", [1, 4, 5]),
    ("Stixor, 2025", [1, 3, 6]),
    ("AIMultiple, 2026", [1, 2]),
    ("Anyscale, 2023", [1, 2]),
    ("Dao et al., 2024", [1, 3]),
    ("GitHub, 2025", [1, 2]),
    ("MarkTechPost, 2025", [1, 14]),
    ("NVIDIA, 2025e", [1, 3]),
    ("OpenMeter, 2025", [1, 13]),
    ("Red Hat, 2025a", [1, 2]),
    ("Nebius, 2025", [2, 3]),
    ("AssemblyAI, 2026", [4, 6]),
    ("Deepgram, 2026", [4, 6]),
    ("Google, 2025", [7, 9]),
    ("OpenAI, 2025a", [7, 9]),
    ("Deepgram, 2025b", [10, 11]),
    ("Beyer et al., 2016", [12, 14]),
]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    srcdir = tmp_path_factory.mktemp("book") / "book"
    shutil.copytree(BOOK, srcdir, ignore=shutil.ignore_patterns("_build"))
    return build_app(srcdir, freshenv=True, confoverrides={"html_theme": "alabaster"})


def test_builds_without_warnings(book: SphinxTestApp) -> None:
    assert book.warning.getvalue() == ""


def test_chapter_lists_are_the_seeds(book: SphinxTestApp) -> None:
    data = json.loads(read(book.outdir, "citations.json"))
    assert [c["title"] for c in data["chapters"]][:3] == [
        "The Serving Problem",
        "Model Serving Frameworks",
        "GPU Optimization & Cold Starts",
    ]
    computed = {int(c["number"]): [r["key"] for r in c["references"]] for c in data["chapters"]}
    assert computed == SEED_CHAPTERS


def test_every_citation_matches_and_every_work_is_cited(book: SphinxTestApp) -> None:
    data = json.loads(read(book.outdir, "citations.json"))
    statuses = {item["status"] for c in data["citations"] for item in c["items"]}
    assert statuses == {"resolved"}
    assert all(work["chapters"] for work in data["works"])


def test_frequency_table_is_computed(book: SphinxTestApp) -> None:
    data = json.loads(read(book.outdir, "citations.json"))
    labels = {w["key"]: w["label"] for w in data["works"]}
    number = {c["docname"]: int(c["number"]) for c in data["chapters"]}
    chapters = {w["key"]: [number[d] for d in w["chapters"]] for w in data["works"]}
    html = read(book.outdir, "works-cited.html")
    table = html.split('id="works-cited-frequent"')[1].split("</table>")[0]
    shown = [key for key in labels if f'#ref-{key}"' in table]
    assert sorted((labels[k], chapters[k]) for k in shown) == sorted(FREQUENCY)
    positions = [table.index(f'#ref-{key}"') for key in shown]
    order = [labels[k] for _, k in sorted(zip(positions, shown, strict=True))]
    assert order == [label for label, _ in FREQUENCY]


def test_per_chapter_notes(book: SphinxTestApp) -> None:
    data = json.loads(read(book.outdir, "citations.json"))
    chapter7 = data["chapters"][6]["references"]
    assert chapter7[0]["note"].startswith("AIP-121: Resource-oriented design")
    assert all(r["note"] is None for r in data["chapters"][0]["references"])


def test_sources_are_checked_offline(tmp_path: Path) -> None:
    srcdir = tmp_path / "book"
    shutil.copytree(BOOK, srcdir, ignore=shutil.ignore_patterns("_build"))
    app = build_app(
        srcdir,
        "sourcecheck",
        freshenv=True,
        confoverrides={"citations_verify_network": False, "html_theme": "alabaster"},
    )
    report = json.loads((Path(app.outdir) / "sourcecheck.json").read_text(encoding="utf-8"))
    checks: dict[str, set[str]] = {}
    for work in report["works"]:
        for finding in work["findings"]:
            checks.setdefault(finding["check"], set()).add(work["key"])
    # The seed's placeholders (section indexes and bare domains) are found …
    assert {
        "assemblyai2026realtime",
        "marktechpost2025runtimes",
        "getstream2025webrtc",
        "gladia2025latency",
        "dlapiper2025obligations",
    } <= checks["placeholder-url"]
    # … and the arXiv id that contradicts its year, years without dates, a book
    # cited by chapter rather than page, and online sources with no URL.
    assert checks["arxiv-year"] == {"chen2024characterization"}
    assert checks["missing-pages"] == {"beyer2016sre"}
    assert "deepgram2025pricing" in checks["year-only"]
    assert "dao2024flashattention" in checks["missing-url"]
    assert app.statuscode == 1  # the arXiv contradiction is an error
