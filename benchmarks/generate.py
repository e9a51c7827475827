"""Deterministic generator of synthetic MyST books for the scale benchmark.

One call writes a whole Sphinx project: ``conf.py``, ``index.md`` (a
``:numbered:`` toctree of chapters plus an unnumbered Works Cited page),
``chNNN/index.md`` chapters (some with sub-documents ``chNNN/sKK.md``),
``refs.bib`` and ``book.json`` (a manifest the runner and tests read).

The same seed gives the same text in every *variant*:

``"extension"``
    ``[Source: Org, 2025]`` citations resolved by ``sphinx_ext``.
``"floor"``
    The same text, ``myst_parser`` only: the citations stay literal text.
    This is what Sphinx and MyST cost anyway.
``"bibtex"``
    sphinxcontrib-bibtex's per-chapter recipe: ``{cite:p}`key``` roles and,
    per chapter, a ``bibliography`` filtered on the chapter's documents.

Example::

    >>> from pathlib import Path
    >>> import tempfile
    >>> from benchmarks.generate import generate_book, edit_chapter
    >>> d = Path(tempfile.mkdtemp())
    >>> book = generate_book(d / "book", chapters=4, works_per_chapter=3,
    ...                      citations_per_chapter=6)
    >>> (d / "book" / "ch001" / "index.md").exists()
    True
    >>> len(book.works)
    12
    >>> edit = edit_chapter(d / "book")
    >>> edit.chapter, edit.key in book.keys
    (2, True)

Bibliography labels follow the markup contract: an organization's name,
``Surname``, ``A & B`` or ``A et al.``; works sharing label and year over the
*whole* bibliography get letters a, b, c ordered by title ignoring a leading
A/An/The.  The generator computes them the same way, so every generated
citation is unambiguous and resolves.  A bibliography bigger than the works
cited (``bib_entries``) only adds entries whose label and year no cited work
uses, so the book's text is the same whatever its size.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Variant = Literal["extension", "floor", "bibtex"]
VARIANTS: tuple[Variant, ...] = ("extension", "floor", "bibtex")

REPO_ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------
# Name and word pools
# --------------------------------------------------------------------------

REAL_ORGS = (
    "Deepgram",
    "AssemblyAI",
    "BentoML",
    "Anyscale",
    "NVIDIA",
    "Google Cloud",
    "Red Hat",
    "Clarifai",
    "Stixor",
    "OpenMeter",
    "ElevenLabs",
    "OpenAI",
    "Google",
    "MarkTechPost",
    "AWS",
    "CloudZero",
    "vLLM",
    "AIMultiple",
    "GitHub",
    "Hugging Face",
    "KServe",
    "LMSYS",
    "Baseten",
    "Nebius",
    "Pebble",
    "TensorFusion",
    "GetStream",
    "VideoSDK",
    "Red5",
    "WINK",
    "OWASP",
    "Wiz",
    "DLA Piper",
    "Gladia",
    "Stripe",
    "Microsoft Azure",
    "Amazon Web Services",
    "Towards Data Science",
    "World Health Organization",
    "Mozilla",
    "Cloudflare",
    "Fastly",
    "Akamai",
    "IETF",
    "W3C",
    "NIST",
    "ENISA",
    "European Commission",
    "Meta AI",
    "DeepMind",
    "Cohere",
    "Mistral AI",
    "Together AI",
    "Fireworks AI",
    "Replicate",
    "Modal",
    "Groq",
    "Cerebras",
    "SambaNova",
    "Intel",
    "AMD",
    "Arm",
    "Qualcomm",
    "Apple",
    "Speechmatics",
    "Rev",
    "Soniox",
    "Picovoice",
    "Vonage",
    "Twilio",
    "Agora",
    "LiveKit",
    "Daily",
    "Datadog",
    "Grafana Labs",
    "Honeycomb",
    "PagerDuty",
    "CNCF",
    "Linux Foundation",
    "PyTorch Foundation",
    "ONNX",
    "Apache Software Foundation",
    "Redis",
    "Confluent",
    "Databricks",
    "Snowflake",
    "Microsoft Research",
    "IBM Research",
    "Oracle",
    "Salesforce",
    "Uber Engineering",
    "Netflix",
)
ORG_STEMS = (
    "Aster",
    "Borealis",
    "Cobalt",
    "Driftwood",
    "Ember",
    "Fjord",
    "Granite",
    "Halcyon",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Onyx",
    "Polaris",
    "Quill",
    "Rivet",
    "Sable",
    "Tundra",
    "Umbra",
    "Vertex",
    "Willow",
    "Xenon",
    "Yarrow",
    "Zephyr",
    "Basalt",
    "Cirrus",
    "Delta",
    "Falcon",
    "Harbor",
    "Larch",
    "Mosaic",
    "Orchid",
    "Pylon",
    "Quartz",
    "Summit",
    "Tidal",
)
ORG_SUFFIXES = (
    " Labs",
    " Systems",
    " AI",
    " Research",
    " Cloud",
    " Networks",
    " Audio",
    " Institute",
)
REAL_SURNAMES = (
    "Kwon",
    "Li",
    "Zhuang",
    "Sheng",
    "Zheng",
    "Yu",
    "Gonzalez",
    "Zhang",
    "Stoica",
    "Dao",
    "Fu",
    "Ermon",
    "Rudra",
    "Beyer",
    "Jones",
    "Petoff",
    "Murphy",
    "Chen",
    "Wang",
    "Liu",
    "Smith",
    "Johnson",
    "Brown",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "García",
    "Núñez",
    "Søndergaard",
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Tanaka",
    "Suzuki",
    "Takahashi",
    "Watanabe",
    "Ito",
    "Yamamoto",
    "Nakamura",
    "Kobayashi",
    "Kim",
    "Park",
    "Choi",
    "Jung",
    "Kang",
    "Cho",
    "Yoon",
    "Jang",
    "Lim",
    "Han",
    "Singh",
    "Kumar",
    "Sharma",
    "Gupta",
    "Patel",
    "Reddy",
    "Rao",
    "Iyer",
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Dubois",
    "Lefebvre",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Leroy",
    "Shazeer",
    "Vaswani",
    "Parmar",
    "Uszkoreit",
    "Gomez",
    "Kaiser",
    "Polosukhin",
    "Abadi",
    "Barham",
    "Dean",
    "Ghemawat",
    "Isard",
    "Kudlur",
    "Levenberg",
)
SURNAME_HEADS = (
    "Ander",
    "Bal",
    "Cor",
    "Dal",
    "Eck",
    "Fal",
    "Gar",
    "Hal",
    "Ing",
    "Jan",
    "Kel",
    "Lind",
    "Mar",
    "Nor",
    "Ost",
    "Pal",
    "Quin",
    "Ros",
    "Stein",
    "Tor",
    "Ul",
    "Van",
    "Wes",
    "Yor",
    "Zel",
    "Brom",
    "Crane",
    "Dun",
    "Ell",
    "Frost",
)
SURNAME_TAILS = (
    "sen",
    "berg",
    "ford",
    "ley",
    "man",
    "ton",
    "wood",
    "dale",
    "stock",
    "by",
    "croft",
    "well",
    "mont",
    "ridge",
    "holm",
    "quist",
    "ard",
    "ini",
    "ez",
    "ov",
)
FIRST_NAMES = (
    "Woosuk",
    "Zhuohan",
    "Siyuan",
    "Ying",
    "Lianmin",
    "Cody",
    "Joseph",
    "Hao",
    "Ion",
    "Tri",
    "Daniel",
    "Stefano",
    "Atri",
    "Christopher",
    "Betsy",
    "Chris",
    "Jennifer",
    "Niall",
    "Ashish",
    "Noam",
    "Niki",
    "Jakob",
    "Llion",
    "Aidan",
    "Łukasz",
    "Illia",
    "Martín",
    "Paul",
    "Jeffrey",
    "Sanjay",
    "Michael",
    "Manjunath",
    "Josh",
    "Anna",
    "Maria",
    "Elena",
    "Sofia",
    "Lucas",
    "Mateo",
    "Yuki",
    "Haruto",
    "Min-jun",
    "Seo-yeon",
    "Priya",
    "Arjun",
    "Aisha",
    "Fatima",
    "Omar",
    "Chloé",
    "Émile",
    "Giulia",
    "Marco",
    "Ingrid",
    "Lars",
    "Astrid",
    "Olga",
    "Pavel",
)
ADJECTIVES = (
    "Adaptive",
    "Bounded",
    "Continuous",
    "Distributed",
    "Efficient",
    "Fast",
    "Granular",
    "Hierarchical",
    "Incremental",
    "Joint",
    "Kernel-Level",
    "Latency-Aware",
    "Memory-Efficient",
    "Nonblocking",
    "Optimal",
    "Paged",
    "Quantized",
    "Robust",
    "Speculative",
    "Tail-Tolerant",
    "Unified",
    "Variable",
    "Weighted",
    "Zero-Copy",
    "Elastic",
    "Streaming",
    "Sparse",
    "Predictive",
)
NOUNS = (
    "Attention",
    "Batching",
    "Caching",
    "Decoding",
    "Encoders",
    "Failover",
    "GPU Sharing",
    "Hedging",
    "Inference",
    "Jitter Buffers",
    "KV Caches",
    "Load Shedding",
    "Metering",
    "Networking",
    "Orchestration",
    "Prefill",
    "Queueing",
    "Routing",
    "Scheduling",
    "Transcription",
    "Upsampling",
    "Voice Pipelines",
    "Warm Pools",
    "Autoscaling",
    "Backpressure",
    "Checkpointing",
    "Diarization",
    "Endpointing",
    "Serving",
    "Tokenization",
)
DOMAINS = (
    "Large Language Models",
    "Speech Recognition",
    "Real-Time Audio",
    "Multi-Tenant Clusters",
    "Edge Devices",
    "Streaming APIs",
    "Voice Agents",
    "Transformer Serving",
    "Batch Workloads",
    "Mixed Precision",
    "Serverless GPUs",
    "Production Systems",
    "Long Contexts",
    "Text-to-Speech",
    "Usage Billing",
)
VENUES = (
    "Proceedings of the ACM Symposium on Operating Systems Principles",
    "Proceedings of the USENIX Symposium on Operating Systems Design and Implementation",
    "Proceedings of Machine Learning and Systems",
    "Advances in Neural Information Processing Systems",
    "Proceedings of the International Conference on Machine Learning",
    "Proceedings of Interspeech",
    "Proceedings of the IEEE International Conference on Acoustics, Speech and Signal Processing",
    "Proceedings of the European Conference on Computer Systems",
)
JOURNALS = (
    "Communications of the ACM",
    "ACM Computing Surveys",
    "IEEE Micro",
    "Journal of Machine Learning Research",
    "ACM Transactions on Computer Systems",
    "IEEE/ACM Transactions on Audio, Speech, and Language Processing",
    "Transactions on Machine Learning Research",
)
PUBLISHERS = (
    "O'Reilly Media",
    "Manning",
    "MIT Press",
    "Addison-Wesley",
    "No Starch Press",
    "Pragmatic Bookshelf",
    "Springer",
)
FILLER = (
    "latency",
    "throughput",
    "the serving stack",
    "request queues",
    "GPU memory",
    "streaming sessions",
    "the scheduler",
    "tail latency",
    "batch size",
    "the decoder",
    "cold starts",
    "the audio frontend",
    "each replica",
    "the load balancer",
    "token budgets",
    "the control plane",
    "warm capacity",
    "p99 targets",
    "the billing pipeline",
    "partial transcripts",
    "backpressure",
    "the inference server",
    "the model registry",
    "regional failover",
)
VERBS = (
    "dominates",
    "shapes",
    "bounds",
    "reduces",
    "amplifies",
    "hides",
    "exposes",
    "stabilises",
    "doubles",
    "limits",
    "decouples",
    "absorbs",
    "interacts with",
    "depends on",
    "trades against",
    "drifts with",
    "competes with",
)
CONNECTIVES = (
    "In practice,",
    "Under sustained load,",
    "For streaming audio,",
    "At scale,",
    "In most deployments,",
    "During incidents,",
    "With continuous batching,",
    "On shared GPUs,",
    "Across regions,",
    "For short utterances,",
)
#: distinct first letters of titles inside a same-label-and-year group, so
#: their order is the same compared case-sensitively or not
INITIALS = sorted({a[0].lower() for a in ADJECTIVES})
LOCATOR_FORMS = ("p.", "pp.", "ch.", "sec.", "§")
ARTICLES = ("A ", "An ", "The ")


# --------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------


@dataclass
class Work:
    """One bibliography entry and how authors cite it."""

    key: str
    entry_type: str
    org: str | None
    #: (surname, given names) pairs; empty for an organization
    persons: tuple[tuple[str, str], ...]
    year: int
    title: str
    fields: dict[str, str]
    letter: str = ""

    @property
    def label(self) -> str:
        """The author part of a citation: ``Org``, ``A``, ``A & B``, ``A et al.``."""
        if self.org is not None:
            return self.org
        if len(self.persons) == 1:
            return self.persons[0][0]
        if len(self.persons) == 2:
            return f"{self.persons[0][0]} & {self.persons[1][0]}"
        return f"{self.persons[0][0]} et al."

    def cite_text(self, use_and: bool = False) -> str:
        """``Label, 2025b`` as an author writes it inside ``[Source: …]``."""
        label = self.label
        if use_and and self.org is None and len(self.persons) == 2:
            label = f"{self.persons[0][0]} and {self.persons[1][0]}"
        return f"{label}, {self.year}{self.letter}"

    def bibtex(self) -> str:
        """The entry as BibTeX source."""
        if self.org is not None:
            author = "{" + self.org + "}"
        else:
            author = " and ".join(f"{last}, {first}" for last, first in self.persons)
        lines = [
            f"@{self.entry_type}{{{self.key},",
            f"  author = {{{author}}},",
            f"  title = {{{self.title}}},",
            f"  year = {{{self.year}}},",
        ]
        lines += [f"  {name} = {{{value}}}," for name, value in self.fields.items()]
        lines.append("}")
        return "\n".join(lines)


@dataclass(frozen=True)
class CiteItem:
    """One work inside a ``[Source: …]`` bracket."""

    work: int
    locator: str = ""
    by_key: bool = False
    use_and: bool = False


@dataclass(frozen=True)
class Citation:
    """A ``[Source: a; b]`` bracket: one or more items."""

    items: tuple[CiteItem, ...]


Segment = str | Citation


@dataclass
class Doc:
    """A document: title and Markdown blocks (paragraphs hold citations)."""

    docname: str
    title: str
    chapter: int
    blocks: list[tuple[str, list[Segment]]] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


@dataclass
class Book:
    """The variant-independent model of a generated book."""

    chapters: int
    works_per_chapter: int
    citations_per_chapter: int
    seed: int
    works: list[Work]
    docs: list[Doc]
    popular: list[int]
    #: chapter number (1-based) -> indices of the works it cites
    chapter_works: dict[int, set[int]]

    @property
    def keys(self) -> list[str]:
        """Keys of every entry in the bibliography."""
        return [w.key for w in self.works]

    def citations(self) -> Iterable[Citation]:
        """Every citation bracket in reading order."""
        for doc in self.docs:
            for _, segs in doc.blocks:
                for seg in segs:
                    if isinstance(seg, Citation):
                        yield seg


@dataclass(frozen=True)
class EditInfo:
    """What :func:`edit_chapter` changed."""

    chapter: int
    docname: str
    key: str
    text: str


# --------------------------------------------------------------------------
# Bibliography
# --------------------------------------------------------------------------


def _ascii(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", norm.encode("ascii", "ignore").decode().lower())


def title_sort_key(title: str) -> str:
    """Sort key for year letters: the title without a leading A/An/The."""
    for article in ARTICLES:
        if title.startswith(article):
            return title[len(article) :]
    return title


class _BibMaker:
    """Makes works with unique keys, unique titles and controlled label/year groups."""

    def __init__(self, rng: random.Random, years: tuple[int, int]) -> None:
        self.rng = rng
        self.years = years
        self.keys: set[str] = set()
        self.titles: set[str] = set()  # casefolded sort keys
        self.label_years: set[tuple[str, int]] = set()
        self.orgs = list(REAL_ORGS) + [s + t for s in ORG_STEMS for t in ORG_SUFFIXES]
        self.surnames = list(REAL_SURNAMES) + [h + t for h in SURNAME_HEADS for t in SURNAME_TAILS]

    def _title(self, first_letter: str | None = None) -> str:
        rng = self.rng
        for _ in range(10_000):
            adj = rng.choice(ADJECTIVES)
            if first_letter is not None:
                starts = [a for a in ADJECTIVES if a[0].lower() == first_letter]
                adj = rng.choice(starts)
            form = rng.randrange(4)
            if form == 0:
                title = f"{adj} {rng.choice(NOUNS)} for {rng.choice(DOMAINS)}"
            elif form == 1:
                title = f"{adj} {rng.choice(NOUNS)}: {rng.choice(NOUNS)} in {rng.choice(DOMAINS)}"
            elif form == 2:
                title = f"{adj} {rng.choice(NOUNS)} and {rng.choice(NOUNS)} at Scale"
            else:
                other = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
                title = f"{adj} {rng.choice(NOUNS)} with {other}"
            if rng.random() < 0.15:
                title = rng.choice(ARTICLES) + title
            if rng.random() < 0.3:
                title += f" ({rng.choice(('v', 'Part ', 'Edition '))}{rng.randint(2, 9)})"
            sort_key = title_sort_key(title).casefold()
            if sort_key not in self.titles:
                self.titles.add(sort_key)
                return title
        raise RuntimeError("title pool exhausted")

    def _label_year(self, kind: str) -> tuple[str | None, tuple[tuple[str, str], ...], int]:
        rng = self.rng
        for _ in range(100_000):
            year = rng.randint(*self.years)
            if kind == "org":
                org: str | None = rng.choice(self.orgs)
                persons: tuple[tuple[str, str], ...] = ()
                label = org or ""
            else:
                n = {"p1": 1, "p2": 2}.get(kind) or rng.randint(3, 8)
                names = rng.sample(self.surnames, n)
                persons = tuple((s, rng.choice(FIRST_NAMES)) for s in names)
                org = None
                label = (
                    names[0]
                    if n == 1
                    else f"{names[0]} & {names[1]}"
                    if n == 2
                    else f"{names[0]} et al."
                )
            if (label, year) not in self.label_years:
                self.label_years.add((label, year))
                return org, persons, year
        raise RuntimeError("label/year pool exhausted")

    def _key(
        self, org: str | None, persons: Sequence[tuple[str, str]], year: int, title: str
    ) -> str:
        stem = _ascii(org.split()[0] if org else persons[0][0]) or "anon"
        word = next(
            (_ascii(w) for w in title_sort_key(title).split() if len(_ascii(w)) > 3), "work"
        )
        key = f"{stem}{year}{word}"
        n = 1
        while key in self.keys:
            n += 1
            key = f"{stem}{year}{word}{n}"
        self.keys.add(key)
        return key

    def _fields(
        self, org: str | None, persons: Sequence[tuple[str, str]], year: int
    ) -> tuple[str, dict[str, str]]:
        rng = self.rng
        slug = f"{rng.randrange(16**6):06x}"
        if org is not None:
            host = _ascii(org) or "example"
            kind = rng.random()
            if kind < 0.6:
                return "misc", {
                    "howpublished": "Blog post",
                    "url": f"https://{host}.example.com/blog/{slug}",
                    "note": f"Accessed {year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                }
            if kind < 0.8:
                return "techreport", {
                    "institution": org,
                    "number": f"TR-{year}-{rng.randint(1, 99):02d}",
                    "url": f"https://{host}.example.com/reports/{slug}",
                }
            return "manual", {"organization": org, "url": f"https://docs.{host}.example.com/{slug}"}
        kind = rng.random()
        doi = f"10.{rng.randint(1000, 9999)}/{slug}"
        first = rng.randint(1, 900)
        pages = f"{first}--{first + rng.randint(5, 20)}"
        if kind < 0.45:
            return "inproceedings", {
                "booktitle": rng.choice(VENUES),
                "pages": pages,
                "publisher": "ACM",
                "doi": doi,
            }
        if kind < 0.85:
            return "article", {
                "journal": rng.choice(JOURNALS),
                "volume": str(rng.randint(1, 60)),
                "number": str(rng.randint(1, 12)),
                "pages": pages,
                "doi": doi,
            }
        return "book", {
            "publisher": rng.choice(PUBLISHERS),
            "isbn": f"978-{rng.randint(0, 9)}-{rng.randint(100, 999)}-"
            f"{rng.randint(10000, 99999)}-{rng.randint(0, 9)}",
        }

    def _kind(self) -> str:
        r = self.rng.random()
        return "org" if r < 0.45 else "p1" if r < 0.6 else "p2" if r < 0.75 else "p3"

    def make(self, n: int, group_share: float) -> list[Work]:
        """Make *n* works; about *group_share* of them in same label+year groups."""
        works: list[Work] = []
        while len(works) < n:
            kind = self._kind()
            org, persons, year = self._label_year(kind)
            size = 1
            if self.rng.random() < group_share / 2:
                size = min(self.rng.randint(2, 3), n - len(works))
            letters: list[str | None] = (
                list(self.rng.sample(INITIALS, size)) if size > 1 else [None]
            )
            group: list[Work] = []
            for letter in letters:
                # same author(s) for the group; 3+ authors: vary co-authors
                if org is None and len(persons) > 2 and group:
                    rest = self.rng.sample(self.surnames, len(persons) - 1)
                    persons = (persons[0], *((s, self.rng.choice(FIRST_NAMES)) for s in rest))
                title = self._title(letter)
                entry_type, fields = self._fields(org, persons, year)
                group.append(
                    Work(
                        self._key(org, persons, year, title),
                        entry_type,
                        org,
                        persons,
                        year,
                        title,
                        fields,
                    )
                )
            works.extend(group)
        assign_letters(works)
        return works


def assign_letters(works: Sequence[Work]) -> None:
    """Give works sharing label and year the letters a, b, c by title."""
    groups: dict[tuple[str, int], list[Work]] = {}
    for w in works:
        groups.setdefault((w.label, w.year), []).append(w)
    for group in groups.values():
        if len(group) == 1:
            group[0].letter = ""
            continue
        group.sort(key=lambda w: title_sort_key(w.title).casefold())
        for i, w in enumerate(group):
            w.letter = "abcdefghijklmnopqrstuvwxyz"[i]


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(CONNECTIVES), rng.choice(FILLER), rng.choice(VERBS), rng.choice(FILLER)]
    if rng.random() < 0.6:
        words += ["when", rng.choice(FILLER), rng.choice(VERBS), rng.choice(FILLER)]
    if rng.random() < 0.4:
        words += ["by", f"{rng.randint(2, 95)}%"]
    return " ".join(words)


def _locator(rng: random.Random) -> str:
    form = rng.choice(LOCATOR_FORMS)
    n = rng.randint(1, 400)
    if form == "pp.":
        return f"pp. {n}-{n + rng.randint(1, 12)}"
    if form == "ch.":
        return f"ch. {rng.randint(1, 20)}"
    if form == "sec.":
        return f"sec. {rng.randint(1, 12)}.{rng.randint(1, 9)}"
    if form == "§":
        return f"§ {rng.randint(1, 40)}"
    return f"p. {n}"


def _citations_for_chapter(
    rng: random.Random,
    local: Sequence[int],
    popular: Sequence[int],
    n_works: int,
    count: int,
    works: Sequence[Work],
) -> list[Citation]:
    primaries = (list(local) + [-1] * max(0, count - len(local)))[:count]
    out: list[Citation] = []
    for primary in primaries:
        if primary < 0:
            r = rng.random()
            primary = (
                rng.choice(popular)
                if r < 0.2 and popular
                else rng.randrange(n_works)
                if r < 0.3
                else rng.choice(local)
            )
        chosen = [primary]
        if rng.random() < 0.12:
            pool = list(local) + list(popular)
            for _ in range(rng.randint(1, 2)):
                extra = rng.choice(pool)
                if extra not in chosen:
                    chosen.append(extra)
        if len(chosen) > 1:
            items = tuple(CiteItem(w, use_and=rng.random() < 0.3) for w in chosen)
        else:
            r = rng.random()
            if r < 0.12:
                items = (CiteItem(primary, locator=_locator(rng)),)
            elif r < 0.18:
                items = (CiteItem(primary, by_key=True),)
            else:
                items = (CiteItem(primary, use_and=rng.random() < 0.3),)
        out.append(Citation(items))
    rng.shuffle(out)
    return out


def build_model(
    chapters: int,
    works_per_chapter: int,
    citations_per_chapter: int,
    bib_entries: int | None = None,
    subdocs_per_chapter: int = 3,
    seed: int = 0,
    popular_share: float = 0.04,
    group_share: float = 0.12,
) -> Book:
    """Build the variant-independent model of a book (no files written)."""
    rng = random.Random(seed)
    n_works = chapters * works_per_chapter
    if bib_entries is not None and bib_entries < n_works:
        raise ValueError(f"bib_entries={bib_entries} < works cited ({n_works})")
    maker = _BibMaker(random.Random(seed * 7919 + 1), (2005, 2026))
    works = maker.make(n_works, group_share)
    popular = sorted(rng.sample(range(n_works), max(1, round(n_works * popular_share))))
    docs: list[Doc] = []
    chapter_works: dict[int, set[int]] = {}
    for ch in range(1, chapters + 1):
        local = list(range((ch - 1) * works_per_chapter, ch * works_per_chapter))
        cits = _citations_for_chapter(rng, local, popular, n_works, citations_per_chapter, works)
        chapter_works[ch] = {it.work for c in cits for it in c.items}
        nsub = rng.randint(0, subdocs_per_chapter)
        base = f"ch{ch:03d}"
        chapter_docs = [
            Doc(
                f"{base}/index",
                f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} in {rng.choice(DOMAINS)}",
                ch,
            )
        ]
        chapter_docs.extend(
            Doc(f"{base}/s{k:02d}", f"{rng.choice(NOUNS)} and {rng.choice(NOUNS)}", ch)
            for k in range(1, nsub + 1)
        )
        chapter_docs[0].children = [d.docname.split("/")[1] for d in chapter_docs[1:]]
        # spread the citations over the chapter's documents, in order
        per_doc: list[list[Citation]] = [[] for _ in chapter_docs]
        for c in cits:
            per_doc[rng.randrange(len(chapter_docs))].append(c)
        for doc, doc_cits in zip(chapter_docs, per_doc, strict=True):
            doc.blocks.append(("p", [_sentence(rng) + ". " + _sentence(rng) + "."]))
            for i, c in enumerate(doc_cits):
                if i % 5 == 0:
                    doc.blocks.append(("h2", [f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"]))
                segs: list[Segment] = []
                if rng.random() < 0.6:
                    segs.append(_sentence(rng) + ". ")
                segs += [_sentence(rng) + " ", c, "."]
                if rng.random() < 0.5:
                    segs.append(" " + _sentence(rng) + ".")
                doc.blocks.append(("p", segs))
                if rng.random() < 0.08:
                    doc.blocks.append(("ul", [_sentence(rng) for _ in range(rng.randint(2, 4))]))
                if rng.random() < 0.05:
                    code = (
                        f"replicas = {rng.randint(1, 64)}\n"
                        f"max_batch_tokens = {rng.randint(1, 64) * 1024}\n"
                        f"timeout_ms = {rng.randint(50, 900)}"
                    )
                    doc.blocks.append(("code", [code]))
        docs.extend(chapter_docs)
    if bib_entries is not None and bib_entries > n_works:
        # extra, uncited entries: new label/year pairs only, so letters of the
        # cited works (and so the book's text) do not change
        extra_maker = _BibMaker(random.Random(seed * 7919 + 2), (1990, 2026))
        extra_maker.keys = set(maker.keys)
        extra_maker.titles = set(maker.titles)
        extra_maker.label_years = set(maker.label_years)
        extras = extra_maker.make(bib_entries - n_works, group_share)
        works = works + extras
    return Book(
        chapters,
        works_per_chapter,
        citations_per_chapter,
        seed,
        works,
        docs,
        popular,
        chapter_works,
    )


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def render_citation(c: Citation, works: Sequence[Work], variant: Variant) -> str:
    """Render a citation bracket as the given variant writes it."""
    if variant == "bibtex":
        targets = []
        for it in c.items:
            post = f"{{{it.locator}}}" if it.locator else ""
            targets.append(works[it.work].key + post)
        return "{cite:p}`" + ",".join(targets) + "`"
    parts = []
    for it in c.items:
        w = works[it.work]
        if it.by_key:
            parts.append(w.key)
        else:
            parts.append(w.cite_text(it.use_and) + (f", {it.locator}" if it.locator else ""))
    return "[Source: " + "; ".join(parts) + "]"


def _render_doc(
    doc: Doc, book: Book, variant: Variant, chapter_docnames: list[str], is_last: bool
) -> str:
    out = [f"# {doc.title}", ""]
    for kind, segs in doc.blocks:
        if kind == "h2":
            out += [f"## {segs[0]}", ""]
        elif kind == "p":
            out += [
                "".join(
                    s if isinstance(s, str) else render_citation(s, book.works, variant)
                    for s in segs
                ),
                "",
            ]
        elif kind == "ul":
            out += [f"- {s}" for s in segs if isinstance(s, str)] + [""]
        elif kind == "code":
            out += ["```toml", str(segs[0]), "```", ""]
    if doc.children:
        out += ["```{toctree}", ":maxdepth: 1", "", *doc.children, "```", ""]
    if variant == "bibtex" and is_last:
        if len(chapter_docnames) == 1:
            flt = "docname in docnames"
        else:
            flt = "docnames & {" + ", ".join(f'"{d}"' for d in chapter_docnames) + "}"
        out += ["## References", "", "```{bibliography}", f":filter: {flt}", "```", ""]
    return "\n".join(out)


def _conf(variant: Variant, repo_root: Path) -> str:
    common = (
        'project = "Synthetic Book"\nauthor = "Benchmark"\nlanguage = "en"\n'
        'exclude_patterns = ["_build"]\n'
    )
    if variant == "floor":
        return common + 'extensions = ["myst_parser"]\n'
    if variant == "bibtex":
        return common + (
            'extensions = ["myst_parser", "sphinxcontrib.bibtex"]\n'
            'bibtex_bibfiles = ["refs.bib"]\n'
            'bibtex_reference_style = "author_year"\n'
            'suppress_warnings = ["bibtex.duplicate_citation", "bibtex.duplicate_label"]\n'
        )
    return (
        "import sys\n\n"
        f"sys.path.insert(0, {str(repo_root)!r})\n\n"
        + common
        + 'extensions = ["myst_parser", "sphinx_ext"]\n'
        'bibtex_bibfiles = ["refs.bib"]\n'
    )


def _works_cited(variant: Variant) -> str:
    head = "# Works Cited\n\n"
    if variant == "extension":
        return head + "```{works-cited}\n```\n"
    if variant == "bibtex":
        return head + "```{bibliography}\n:cited:\n```\n"
    return head + "Every work this book cites, and how often.\n"


def write_book(book: Book, path: Path, variant: Variant, repo_root: Path = REPO_ROOT) -> None:
    """Write *book* as a Sphinx project of the given variant into *path*."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    path.mkdir(parents=True, exist_ok=True)

    def write(rel: str, text: str) -> None:
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")

    write("conf.py", _conf(variant, repo_root))
    chapters = [f"ch{ch:03d}/index" for ch in range(1, book.chapters + 1)]
    write(
        "index.md",
        "\n".join(
            [
                "# Synthetic Book",
                "",
                f"A generated book of {book.chapters} chapters.",
                "",
                "```{toctree}",
                ":numbered:",
                ":maxdepth: 2",
                "",
                *chapters,
                "```",
                "",
                "```{toctree}",
                ":caption: Back matter",
                ":maxdepth: 1",
                "",
                "works-cited",
                "```",
                "",
            ]
        ),
    )
    write("works-cited.md", _works_cited(variant))
    by_chapter: dict[int, list[Doc]] = {}
    for doc in book.docs:
        by_chapter.setdefault(doc.chapter, []).append(doc)
    for docs in by_chapter.values():
        names = [d.docname for d in docs]
        for i, doc in enumerate(docs):
            write(doc.docname + ".md", _render_doc(doc, book, variant, names, i == len(docs) - 1))
    write("refs.bib", "\n\n".join(w.bibtex() for w in book.works) + "\n")
    n_items = sum(len(c.items) for c in book.citations())
    manifest = {
        "variant": variant,
        "chapters": book.chapters,
        "works_per_chapter": book.works_per_chapter,
        "citations_per_chapter": book.citations_per_chapter,
        "seed": book.seed,
        "bib_entries": len(book.works),
        "docs": [d.docname for d in book.docs],
        "citations": sum(1 for _ in book.citations()),
        "cite_items": n_items,
        "popular": [book.works[i].key for i in book.popular],
        "chapter_keys": {
            str(ch): sorted(book.works[i].key for i in ws) for ch, ws in book.chapter_works.items()
        },
        "works": {
            w.key: {
                "cite": w.cite_text(),
                "label": w.label,
                "year": w.year,
                "letter": w.letter,
                "title": w.title,
            }
            for w in book.works
        },
    }
    write("book.json", json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")


def generate_book(
    path: Path | str,
    chapters: int,
    works_per_chapter: int = 10,
    citations_per_chapter: int = 50,
    bib_entries: int | None = None,
    subdocs_per_chapter: int = 3,
    seed: int = 0,
    variant: Variant = "extension",
    repo_root: Path = REPO_ROOT,
) -> Book:
    """Generate a book and write it into *path* (see the module docstring).

    *works_per_chapter* works are introduced by each chapter (each cited there at
    least once); about 4% of all works are "popular" and cited across many
    chapters.  *citations_per_chapter* counts ``[Source: …]`` brackets (some name
    several works).  Each chapter gets 0..*subdocs_per_chapter* sub-documents.
    """
    book = build_model(
        chapters, works_per_chapter, citations_per_chapter, bib_entries, subdocs_per_chapter, seed
    )
    write_book(book, Path(path), variant, repo_root)
    return book


def edit_chapter(path: Path | str, chapter: int | None = None) -> EditInfo:
    """Add one citation, of a work cited in other chapters, to a chapter.

    The chapter defaults to the middle one; the work is the popular work cited
    in the most chapters that this chapter does not cite yet.  The citation is
    added as a new paragraph right after the chapter's title, so the frequency
    table, the Works Cited page and the chapter's References all change.
    """
    root = Path(path)
    manifest = json.loads((root / "book.json").read_text(encoding="utf-8"))
    n = manifest["chapters"]
    ch = chapter if chapter is not None else max(1, (n + 1) // 2)
    cited = set(manifest["chapter_keys"][str(ch)])
    counts: dict[str, int] = {}
    for keys in manifest["chapter_keys"].values():
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
    candidates = [k for k in manifest["popular"] if k not in cited] or [
        k for k in counts if k not in cited
    ]
    key = max(candidates, key=lambda k: (counts.get(k, 0), k))
    if manifest["variant"] == "bibtex":
        cite = "{cite:p}`" + key + "`"
    else:
        cite = "[Source: " + manifest["works"][key]["cite"] + "]"
    text = f"A later measurement revisits this claim {cite}."
    docname = f"ch{ch:03d}/index"
    doc = root / f"{docname}.md"
    lines = doc.read_text(encoding="utf-8").split("\n")
    lines[1:1] = ["", text]
    doc.write_text("\n".join(lines), encoding="utf-8", newline="\n")
    manifest["chapter_keys"][str(ch)] = sorted(cited | {key})
    (root / "book.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8", newline="\n"
    )
    return EditInfo(ch, docname, key, text)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m benchmarks.generate OUT --chapters 50``."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("out", type=Path)
    p.add_argument("--chapters", type=int, default=50)
    p.add_argument("--works-per-chapter", type=int, default=10)
    p.add_argument("--citations-per-chapter", type=int, default=50)
    p.add_argument("--bib-entries", type=int, default=None)
    p.add_argument("--subdocs-per-chapter", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--variant", choices=VARIANTS, default="extension")
    a = p.parse_args(argv)
    book = generate_book(
        a.out,
        a.chapters,
        a.works_per_chapter,
        a.citations_per_chapter,
        a.bib_entries,
        a.subdocs_per_chapter,
        a.seed,
        a.variant,
    )
    print(
        f"{a.out}: {len(book.docs)} documents, {len(book.works)} entries, "
        f"{sum(1 for _ in book.citations())} citations"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
