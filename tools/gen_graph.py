#!/usr/bin/env python3
"""Deterministic generator of real-looking Logseq graphs, for benchmarks and end-to-end tests.

    python3 tools/gen_graph.py OUT_DIR --pages N [--seed S]

Writes OUT_DIR/logseq/config.edn (:file/name-format :triple-lowbar), OUT_DIR/pages/*.md,
OUT_DIR/journals/yyyy_MM_dd.md, OUT_DIR/assets/ (the images pages link to, and one they do not) and
OUT_DIR/manifest.json. The same N and seed give the same bytes
(standard library only; no set or hash order reaches the output).

Pages are modelled on real graphs (the Readwise export in examples/, Logseq's documentation
graph): Readwise book pages (`- id::` on the bullet line, `#flashcard`, answers on
continuation lines), note pages with page properties, nested blocks indented with tabs or with
spaces, `[[links]]`, `#tags`, `((block refs))` and embeds, tasks with LOGBOOK drawers, code fences,
quotes, tables, emoji and non-ASCII text; card decks (native `#card` with child answers, clozes,
`card-*` schedules); journals; short stub pages. A few pages carry one of the mistakes the linter
reports, in a rotating order so that even a small graph has each of them.

manifest.json holds exact counts computed while writing: pages, bytes, lines, blocks, cards
(native, non-native, with clozes), ids (valid sites, distinct, duplicated, invalid, upper-case,
ignored), block references (resolving, unresolved, malformed) and the expected number of
diagnostics per rule code (tests/test_gen_graph.py checks them against `logseq-lsp`).
"""
import argparse
import datetime
import json
import os
import random
import sys

VERSION = 2

CODES = [
    "card-no-answer", "card-answer-inline", "card-empty-question", "card-tag-not-native",
    "cloze-malformed", "card-schedule-invalid", "card-schedule-orphan", "id-invalid",
    "id-duplicate", "id-ignored", "id-before-title", "id-not-lowercase", "block-ref-unresolved",
    "block-ref-malformed", "property-ignored", "property-malformed", "indent-mixed",
    "heading-splits-block", "fence-unclosed", "property-invalid", "query-invalid",
    "query-unknown-key", "asset-missing", "asset-unused",
]
SEVERITY = {
    "card-no-answer": "warning", "card-answer-inline": "information",
    "card-empty-question": "warning", "card-tag-not-native": "hint", "cloze-malformed": "error",
    "card-schedule-invalid": "error", "card-schedule-orphan": "warning", "id-invalid": "error",
    "id-duplicate": "error", "id-ignored": "warning", "id-before-title": "hint",
    "id-not-lowercase": "hint", "block-ref-unresolved": "warning",
    "block-ref-malformed": "warning", "property-ignored": "warning",
    "property-malformed": "warning", "indent-mixed": "warning", "heading-splits-block": "warning",
    "fence-unclosed": "warning", "property-invalid": "warning", "query-invalid": "error",
    "query-unknown-key": "hint", "asset-missing": "warning", "asset-unused": "information",
}

# ---------------------------------------------------------------------------------------------
# Vocabulary: a few domains people keep notes and flashcards on.

DOMAINS = {
    "Kubernetes": {
        "terms": ["Pod", "Deployment", "ReplicaSet", "Service", "Ingress", "ConfigMap", "Secret",
                  "kubelet", "etcd", "the API server", "the scheduler", "a namespace", "a node",
                  "the control plane", "a liveness probe", "a sidecar container", "Helm",
                  "a persistent volume", "kube-proxy", "a DaemonSet", "a StatefulSet", "the CNI plugin"],
        "verbs": ["schedules", "restarts", "exposes", "mounts", "watches", "reconciles", "replicates",
                  "load-balances", "isolates", "labels", "evicts", "scales"],
        "books": ["Kubernetes in Action", "Kubernetes Patterns", "Cloud Native DevOps", "Production Kubernetes"],
        "authors": ["Marko Lukša", "Bilgin Ibryam", "John Arundel", "Josh Rosso"],
        "tags": ["devops", "kubernetes", "containers", "cloud"],
    },
    "Biology": {
        "terms": ["the mitochondrion", "ATP synthase", "the ribosome", "messenger RNA", "a codon",
                  "the cell membrane", "osmosis", "the Krebs cycle", "an enzyme", "a chloroplast",
                  "meiosis", "a gene", "natural selection", "the Golgi apparatus", "a neuron",
                  "the nephron", "hemoglobin", "an allele", "photosynthesis", "the cytoskeleton"],
        "verbs": ["produces", "transports", "encodes", "regulates", "binds", "catalyses", "converts",
                  "divides", "signals", "folds", "stores", "breaks down"],
        "books": ["Molecular Biology of the Cell", "The Selfish Gene", "Campbell Biology", "The Gene"],
        "authors": ["Bruce Alberts", "Richard Dawkins", "Lisa Urry", "Siddhartha Mukherjee"],
        "tags": ["biology", "science", "medicine", "exam"],
    },
    "Rome": {
        "terms": ["the Senate", "Julius Caesar", "the Republic", "a legion", "the consul",
                  "Augustus", "the Punic Wars", "Carthage", "the aqueduct", "the tribune",
                  "Cicero", "the Rubicon", "Hadrian's Wall", "the Forum", "Pompey", "the plebs",
                  "the Praetorian Guard", "Marcus Aurelius", "the Colosseum", "Byzantium"],
        "verbs": ["conquers", "reforms", "defends", "founds", "besieges", "rules", "taxes", "builds",
                  "betrays", "negotiates with", "crosses", "celebrates"],
        "books": ["SPQR", "Rubicon", "The Twelve Caesars", "Meditations"],
        "authors": ["Mary Beard", "Tom Holland", "Suetonius", "Marcus Aurelius"],
        "tags": ["history", "rome", "antiquity", "reading"],
    },
    "Rust": {
        "terms": ["the borrow checker", "a lifetime", "a trait object", "an iterator", "Box",
                  "Rc", "Arc", "a Mutex", "the match expression", "a closure", "an enum",
                  "the Result type", "an async task", "a slice", "cargo", "a macro", "the Drop trait",
                  "a reference", "unsafe code", "a generic parameter"],
        "verbs": ["borrows", "moves", "clones", "implements", "returns", "wraps", "dereferences",
                  "allocates", "drops", "spawns", "matches", "compiles"],
        "books": ["The Rust Programming Language", "Programming Rust", "Rust for Rustaceans", "Rust Atomics and Locks"],
        "authors": ["Steve Klabnik", "Jim Blandy", "Jon Gjengset", "Mara Bos"],
        "tags": ["rust", "programming", "systems", "til"],
    },
    "Cooking": {
        "terms": ["a roux", "the Maillard reaction", "sourdough starter", "a vinaigrette", "brine",
                  "the mother sauces", "risotto", "a cast-iron pan", "umami", "caramelisation",
                  "a stock", "mise en place", "emulsification", "a braise", "gluten", "miso",
                  "a béchamel", "tempering chocolate", "kimchi", "the crème brûlée"],
        "verbs": ["thickens", "browns", "ferments", "seasons", "reduces", "balances", "emulsifies",
                  "tenderises", "deglazes", "proofs", "cures", "glazes"],
        "books": ["Salt Fat Acid Heat", "The Food Lab", "On Food and Cooking", "The Flavor Bible"],
        "authors": ["Samin Nosrat", "J. Kenji López-Alt", "Harold McGee", "Karen Page"],
        "tags": ["cooking", "recipes", "food", "weekend"],
    },
    "Statistics": {
        "terms": ["the p-value", "a confidence interval", "Bayes' theorem", "the prior",
                  "the standard error", "a random variable", "the central limit theorem",
                  "overfitting", "regression to the mean", "a null hypothesis", "variance",
                  "a likelihood", "bootstrapping", "a Poisson process", "the median",
                  "a type I error", "statistical power", "a histogram", "the posterior", "a z-score"],
        "verbs": ["estimates", "measures", "approximates", "biases", "predicts", "bounds", "samples",
                  "summarises", "rejects", "updates", "weights", "explains"],
        "books": ["Statistical Rethinking", "The Art of Statistics", "Thinking, Fast and Slow", "How to Lie with Statistics"],
        "authors": ["Richard McElreath", "David Spiegelhalter", "Daniel Kahneman", "Darrell Huff"],
        "tags": ["statistics", "math", "data", "learning"],
    },
    "Spanish": {
        "terms": ["el subjuntivo", "ser y estar", "el pretérito", "la cigüeña", "por y para",
                  "el imperfecto", "los verbos reflexivos", "la ñ", "el condicional", "mañana",
                  "el gerundio", "los pronombres", "el acento", "la concordancia", "desayunar",
                  "el voseo", "la pregunta", "el participio", "añorar", "el futuro"],
        "verbs": ["expresses", "replaces", "marks", "agrees with", "follows", "changes", "describes",
                  "contrasts with", "conjugates like", "softens", "emphasises", "precedes"],
        "books": ["Cien años de soledad", "Practice Makes Perfect Spanish", "La sombra del viento", "Madrigal's Magic Key to Spanish"],
        "authors": ["Gabriel García Márquez", "Gilda Nissenberg", "Carlos Ruiz Zafón", "Margarita Madrigal"],
        "tags": ["spanish", "language", "vocab", "daily"],
    },
    "Networking": {
        "terms": ["TCP", "the three-way handshake", "a subnet", "DNS", "BGP", "a router", "NAT",
                  "the MTU", "TLS", "a socket", "UDP", "congestion control", "an ARP table",
                  "a VLAN", "QUIC", "the TTL", "a firewall rule", "DHCP", "anycast", "a load balancer"],
        "verbs": ["routes", "encrypts", "resolves", "fragments", "acknowledges", "forwards", "drops",
                  "retransmits", "negotiates", "filters", "caches", "announces"],
        "books": ["Computer Networking: A Top-Down Approach", "TCP/IP Illustrated", "High Performance Browser Networking", "Networking for Systems Administrators"],
        "authors": ["James Kurose", "W. Richard Stevens", "Ilya Grigorik", "Michael W. Lucas"],
        "tags": ["networking", "infra", "protocols", "ops"],
    },
}
DOMAIN_NAMES = list(DOMAINS)
for _name, _d in DOMAINS.items():
    _d["name"] = _name

ADJ = ["important", "subtle", "surprising", "useful", "fragile", "essential", "misunderstood",
       "elegant", "expensive", "common", "rare", "underrated", "tricky", "simple", "central"]
CONNECT = ["because", "although", "so", "while", "whereas", "and therefore", "which means",
           "unless", "until", "after"]
OPENERS = ["In practice,", "Remember that", "Note:", "Interesting:", "Key idea:", "Surprisingly,",
           "As the book puts it,", "In short,", "Crucially,", "From the lecture:", "Rule of thumb:"]
EMOJI = ["😀", "🚀", "📚", "🧠", "✅", "⚠️", "💡", "🔥", "🤔", "📝", "🎯", "🇪🇸"]
FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Elif", "Farid", "Grace", "Hiro", "Inés", "Jonas",
         "Kiri", "Lena", "Malik", "Noor", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tomás"]
LAST = ["Alvarez", "Brandt", "Chen", "Dubois", "Eriksson", "Fischer", "García", "Haddad", "Ito",
        "Jensen", "Kowalski", "Larsen", "Müller", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi",
        "Sato", "Tanaka"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]  # not %a: no locale in the output
PROJECTS = ["Website redesign", "Thesis", "Garden plan", "Q3 roadmap", "Home server", "Marathon training",
            "Podcast", "Book club", "Tax return", "Kitchen renovation", "Conference talk", "Onboarding"]
LANGS = ["python", "rust", "bash", "yaml", "clojure", "sql", "js"]


class Gen:
    """Global state: the random source, page titles, ids and references, and the tallies."""

    def __init__(self, seed, n_pages):
        self.rng = random.Random(seed)
        self.n_pages = n_pages
        self.titles = []          # every page title so far (for [[links]])
        self.people = []          # the titles of person pages
        self.title_keys = set()   # lower-case, for uniqueness (membership only)
        self.id_pool = []         # valid ids (lower case) that references may target
        self.id_sites = {}        # lower-case id -> number of effective id sites
        self.used = set()         # every UUID written anywhere (membership only)
        self.ignored_ids = []     # ids only in ignored property groups (references to them break)
        self.diag = {c: 0 for c in CODES}
        self.stat = {
            "cards_native": 0, "cards_non_native": 0, "cards_cloze": 0,
            "ids_invalid": 0, "ids_upper_case": 0, "ids_ignored": 0,
            "refs_resolving": 0, "refs_unresolved": 0, "refs_embed": 0, "refs_malformed": 0,
            "page_refs": 0,
        }
        self.error_cycle = 0
        self.assets = []          # files written to assets/ (each linked once)

    # -- random helpers
    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p):
        return self.rng.random() < p

    def uuid(self, upper=False):
        while True:
            h = "%032x" % self.rng.getrandbits(128)
            h = h[:12] + "4" + h[13:16] + "89ab"[self.rng.randrange(4)] + h[17:]
            u = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
            if u not in self.used:
                self.used.add(u)
                return u.upper() if upper else u

    def ulid(self):
        return "01" + "".join(self.pick("0123456789abcdefghjkmnpqrstvwxyz") for _ in range(24))

    # -- ids and references
    def new_id(self, upper=False):
        """A fresh id on a block's effective property group; returns it as written."""
        u = self.uuid(upper=upper)
        lc = u.lower()
        self.id_pool.append(lc)
        self.id_sites[lc] = self.id_sites.get(lc, 0) + 1
        if upper:
            self.diag["id-not-lowercase"] += 1
            self.stat["ids_upper_case"] += 1
        return u

    def copied_id(self):
        """An existing id written on another block (a copied block): both become duplicates."""
        lc = self.pick(self.id_pool)
        self.id_sites[lc] += 1
        return lc

    def ref(self, embed=False):
        if not self.id_pool:
            return ""
        u = self.pick(self.id_pool)
        self.stat["refs_resolving"] += 1
        if embed:
            self.stat["refs_embed"] += 1
            return "{{embed ((%s))}}" % u
        return "((%s))" % u

    def broken_ref(self):
        """A reference to no block of the graph: a deleted block, or an id Logseq ignores."""
        if self.ignored_ids and self.chance(0.3):
            u = self.pick(self.ignored_ids)
        else:
            u = self.uuid()
        self.stat["refs_unresolved"] += 1
        self.diag["block-ref-unresolved"] += 1
        return "((%s))" % u

    # -- text
    def domain(self):
        return DOMAINS[self.pick(DOMAIN_NAMES)]

    def sentence(self, d, inline=True):
        t = self.pick(d["terms"])
        r = self.rng.random()
        if r < 0.35:
            s = f"{t[0].upper()}{t[1:]} {self.pick(d['verbs'])} {self.pick(d['terms'])}"
        elif r < 0.6:
            s = (f"{self.pick(OPENERS)} {t} {self.pick(d['verbs'])} {self.pick(d['terms'])} "
                 f"{self.pick(CONNECT)} {self.pick(d['terms'])} is {self.pick(ADJ)}")
        elif r < 0.8:
            s = (f"{t[0].upper()}{t[1:]} is {self.pick(ADJ)} {self.pick(CONNECT)} it "
                 f"{self.pick(d['verbs'])} {self.pick(d['terms'])}, not {self.pick(d['terms'])}")
        else:
            s = (f"Why {self.pick(d['terms'])} {self.pick(d['verbs'])} {t}: the "
                 f"{self.pick(ADJ)} part is how {self.pick(d['terms'])} {self.pick(d['verbs'])} it")
        s += "."
        if inline:
            s = self.decorate(s, d)
        return s

    def decorate(self, s, d):
        """Adds the inline syntax real notes carry."""
        r = self.rng.random()
        if r < 0.18 and self.titles:
            s += f" See [[{self.pick(self.titles)}]]."
            self.stat["page_refs"] += 1
        elif r < 0.28:
            s += f" #{self.pick(d['tags'])}"
            self.stat["page_refs"] += 1
        elif r < 0.33:
            s += f" #[[{self.pick(d['terms']).removeprefix('the ').removeprefix('a ')}]]"
            self.stat["page_refs"] += 1
        elif r < 0.38:
            s += f" {self.pick(EMOJI)}"
        elif r < 0.42:
            s = f"**{s}**"
        elif r < 0.45:
            s += f" `{self.pick(['kubectl get pods', 'cargo build', 'SELECT 1', 'ls -la', 'x = 1'])}`"
        elif r < 0.48 and self.id_pool:
            s += f" (as in {self.ref()})"
        return s

    def paragraph(self, d, n):
        return " ".join(self.sentence(d) for _ in range(n))

    def title(self, kind, d):
        """A unique page title."""
        for attempt in range(1000):
            if kind == "book":
                t = self.pick(d["books"])
                if attempt or t.lower() in self.title_keys:
                    t = f"{t} ({self.pick(['2nd edition', 'notes', 'highlights', 'reread', 'summary'])} {attempt + 1})"
            elif kind == "person":
                t = f"{self.pick(FIRST)} {self.pick(LAST)}"
            elif kind == "deck":
                term = self.pick(d["terms"]).removeprefix("the ").removeprefix("a ").removeprefix("an ")
                t = (f"{d['name']}/{self.pick(['Flashcards', 'Deck', 'Review', 'Exam prep', 'Drill'])}/"
                     f"{term[0].upper()}{term[1:]}")
            elif kind == "question":
                term = self.pick(d["terms"])
                t = f"What is {term.removeprefix('the ').removeprefix('a ')}?"
            elif kind == "namespace":
                term = self.pick(d["terms"]).removeprefix("the ").removeprefix("a ").removeprefix("an ")
                t = f"{d['name']}/{term[0].upper()}{term[1:]}"
            elif kind == "lecture":
                term = self.pick(d["terms"])
                t = f"{d['name']} lecture {self.rng.randrange(1, 41)}: {term[0].upper()}{term[1:]}"
            elif kind == "how":
                t = f"How {self.pick(d['terms'])} {self.pick(d['verbs'])} {self.pick(d['terms'])}"
            else:
                term = self.pick(d["terms"]).removeprefix("the ").removeprefix("a ").removeprefix("an ")
                t = f"{term[0].upper()}{term[1:]}" + self.pick(
                    ["", "", " basics", " notes", " in practice", " vs " + self.pick(d["terms"]), " — open questions"])
            if attempt > 20:
                t = f"{t} {attempt}"
            if t.lower() not in self.title_keys:
                self.title_keys.add(t.lower())
                self.titles.append(t)
                if kind == "person":
                    self.people.append(t)
                return t
        raise RuntimeError("no unique title")

    def next_error(self):
        k = ERRORS[self.error_cycle % len(ERRORS)]
        self.error_cycle += 1
        return k


def file_stem(title):
    """The file name Logseq writes for a title under :triple-lowbar (names.rs stem_from_title)."""
    out = []
    for i, c in enumerate(title):
        if c in ':*?"<>|#\\':
            out.append("%%%02X" % ord(c))
        elif c == "." and i == 0:
            out.append("%2E")
        elif c == "/":
            out.append("___")
        else:
            out.append(c)
    return "".join(out)


class Page:
    """One page being written: lines, its indentation style, and its block count."""

    def __init__(self, g, style):
        self.g = g
        self.style = style  # "tab" or "space"
        self.lines = []
        self.blocks = 0
        self.pre = False

    def ind(self, level):
        return "\t" * level if self.style == "tab" else "  " * level

    def bullet(self, level, text):
        self.lines.append(f"{self.ind(level)}- {text}" if text else f"{self.ind(level)}-")
        self.blocks += 1

    def cont(self, level, text):
        self.lines.append(f"{self.ind(level)}  {text}")

    def heading(self, n, text):
        self.lines.append("#" * n + " " + text)
        self.blocks += 1

    def raw(self, line):
        self.lines.append(line)

    def page_properties(self, props):
        for k, v in props:
            self.lines.append(f"{k}:: {v}")
        self.lines.append("")
        self.pre = True
        self.blocks += 1


# ---------------------------------------------------------------------------------------------
# Blocks that carry no diagnostic.

def note_block(g, p, d, level, depth):
    """A note block with optional properties, continuation lines and children."""
    r = g.rng.random()
    if r < 0.08:
        text = f"{g.pick(['TODO', 'DONE', 'LATER', 'NOW'])} {g.sentence(d)}"
    elif r < 0.12:
        text = f"## {g.sentence(d, inline=False)[:-1]}"
    elif r < 0.15:
        text = f"{g.pick(EMOJI)} {g.sentence(d)}"
    else:
        text = g.sentence(d)
    p.bullet(level, text)
    if g.chance(0.12):
        p.cont(level, f"id:: {g.new_id(upper=False)}")
    if g.chance(0.06):
        p.cont(level, f"collapsed:: {g.pick(['true', 'false'])}")
    if text.startswith("DONE") and g.chance(0.5):
        day = datetime.date(2024, 5, g.rng.randrange(1, 28))
        p.cont(level, ":LOGBOOK:")
        stamp = f"{day:%Y-%m-%d} {WEEKDAYS[day.weekday()]}"
        p.cont(level, f"CLOCK: [{stamp} 09:{day.day:02d}:00]--[{stamp} 10:{day.day:02d}:00] =>  01:00:00")
        p.cont(level, ":END:")
    elif text.startswith("TODO") and g.chance(0.4):
        due = datetime.date(2024, 7, g.rng.randrange(1, 29))
        p.cont(level, f"SCHEDULED: <{due:%Y-%m-%d} {WEEKDAYS[due.weekday()]}>")
    r = g.rng.random()
    if r < 0.25:
        for _ in range(g.rng.randrange(1, 4)):
            p.cont(level, g.sentence(d))
    elif r < 0.30:
        lang = g.pick(LANGS)
        p.cont(level, f"```{lang}")
        for line in code_lines(g, lang):
            p.cont(level, line)
        p.cont(level, "```")
    elif r < 0.33:
        p.cont(level, "#+BEGIN_QUOTE")
        p.cont(level, g.sentence(d, inline=False))
        p.cont(level, "#+END_QUOTE")
    elif r < 0.35:
        p.cont(level, "| term | meaning |")
        p.cont(level, "| --- | --- |")
        for _ in range(g.rng.randrange(2, 5)):
            p.cont(level, f"| {g.pick(d['terms'])} | {g.pick(ADJ)} |")
    elif r < 0.37:
        name = f"image_{g.rng.randrange(10**12)}_0.png"
        g.assets.append(name)
        p.cont(level, f"![{g.pick(d['terms'])}.png](../assets/{name})")
    elif r < 0.39:
        p.cont(level, f"> {g.sentence(d)}")
    elif r < 0.41:
        for k in range(1, g.rng.randrange(3, 5)):
            p.cont(level, f"{k}. {g.sentence(d, inline=False)}")
    if depth > 0:
        for _ in range(g.rng.randrange(0, 4)):
            if g.chance(0.6):
                note_block(g, p, d, level + 1, depth - 1)


def code_lines(g, lang):
    """Code whose lines would be bullets, properties, refs and tags outside a fence: all inert."""
    if lang == "python":
        return ["def review(cards):", "    # #card and [[links]] in code are not references",
                "    return [c for c in cards if c.due]"]
    if lang == "rust":
        return ["fn main() {", "    let v: Vec<u32> = (1..4).collect();", "    println!(\"{v:?}\");", "}"]
    if lang == "bash":
        return ["- not a block: this line is inside a fence", "kubectl get pods -n kube-system",
                "echo \"id:: 00000000-0000-0000-0000-000000000000\""]
    if lang == "yaml":
        return ["apiVersion: v1", "kind: Pod", "metadata:", "  name: web", "  labels:",
                "    app: web  # ((not-a-ref))"]
    if lang == "clojure":
        return ["(defn due? [card now]", "  (<= (:card-next-schedule card) now))"]
    if lang == "sql":
        return ["SELECT title, count(*) FROM blocks", "WHERE content LIKE '%#card%'", "GROUP BY title;"]
    return ["const cards = blocks.filter(b => b.tags.includes('card'));", "console.log(`${cards.length} cards`);"]


def schedule_lines(g):
    reps = g.rng.randrange(0, 9)
    day = g.rng.randrange(1, 29)
    return [
        f"card-last-interval:: {g.pick(['-1', '4', '10.8', '23.33', '61.2'])}",
        f"card-repeats:: {reps}",
        f"card-ease-factor:: {g.pick(['2.5', '2.36', '1.3', '2.7', '2.18'])}",
        f"card-next-schedule:: 2024-0{g.rng.randrange(1, 10)}-{day:02d}T{g.rng.randrange(24):02d}:00:00.000Z",
        f"card-last-reviewed:: 2024-0{g.rng.randrange(1, 10)}-{day:02d}T{g.rng.randrange(24):02d}:{g.rng.randrange(60):02d}:15.317Z",
        f"card-last-score:: {g.pick(['1', '3', '5', 'nil'])}",
    ]


def native_card(g, p, d, level):
    """A Logseq card: `#card` on the question, the answer in a child block."""
    q = g.sentence(d, inline=False)[:-1]
    r = g.rng.random()
    g.stat["cards_native"] += 1
    if r < 0.25:
        # A cloze card: nothing to reveal but the clozes.
        term = g.pick(d["terms"])
        cue = f" \\\\ {g.pick(ADJ)}" if g.chance(0.3) else ""
        p.bullet(level, f"{g.pick(OPENERS)} {{{{cloze {term}{cue}}}}} {g.pick(d['verbs'])} {g.pick(d['terms'])}. #card")
        g.stat["cards_cloze"] += 1
        if g.chance(0.4):
            for line in schedule_lines(g):
                p.cont(level, line)
        return
    tag = "#card" if r < 0.8 else ("#[[card]]" if r < 0.9 else "#card #flashcard")
    if r < 0.93:
        p.bullet(level, f"{q}? {tag}")
    else:
        # `tags:: card` makes the title the question.
        p.bullet(level, f"{q}?")
        p.cont(level, "tags:: card")
    if g.chance(0.3):
        p.cont(level, f"id:: {g.new_id()}")
    if g.chance(0.5):
        for line in schedule_lines(g):
            p.cont(level, line)
    p.bullet(level + 1, g.sentence(d))
    if g.chance(0.3):
        p.bullet(level + 1, g.sentence(d))
        if g.chance(0.5):
            p.bullet(level + 2, g.sentence(d))


def flashcard_with_child(g, p, d, level):
    """A card only through `#flashcard` (anki-sync style), answer in a child: not native."""
    p.bullet(level, f"{g.sentence(d, inline=False)[:-1]}? #flashcard")
    g.stat["cards_non_native"] += 1
    g.diag["card-tag-not-native"] += 1
    p.bullet(level + 1, g.sentence(d))


# ---------------------------------------------------------------------------------------------
# Blocks with one known mistake each (ERRORS rotates through them).

def err_card_no_answer(g, p, d, level):
    p.bullet(level, f"{g.sentence(d, inline=False)[:-1]}? #card")
    g.stat["cards_native"] += 1
    g.diag["card-no-answer"] += 1


def err_card_empty_question(g, p, d, level):
    p.bullet(level, "#card")
    g.stat["cards_native"] += 1
    g.diag["card-empty-question"] += 1
    p.bullet(level + 1, g.sentence(d))


def err_cloze_anki(g, p, d, level):
    p.bullet(level, f"Imported from Anki: {{{{c1::{g.pick(d['terms'])}}}}} {g.pick(d['verbs'])} {g.pick(d['terms'])}.")
    g.diag["cloze-malformed"] += 1


def err_schedule_invalid(g, p, d, level):
    p.bullet(level, f"{g.sentence(d, inline=False)[:-1]}? #card")
    g.stat["cards_native"] += 1
    lines = schedule_lines(g)
    # Not a number: Logseq cannot use it and reviews with its default ease 2.5 (srs.cljs@0.10.9
    # `get-next-interval`, `safe-parse-float`). An ease below 1.3 is used as is (only a hint).
    lines[2] = "card-ease-factor:: fast"
    for line in lines:
        p.cont(level, line)
    g.diag["card-schedule-invalid"] += 1
    p.bullet(level + 1, g.sentence(d))


def err_schedule_orphan(g, p, d, level):
    # The tag was removed; the schedule stayed.
    p.bullet(level, g.sentence(d, inline=False))
    for line in schedule_lines(g):
        p.cont(level, line)
    g.diag["card-schedule-orphan"] += 1


def err_id_invalid(g, p, d, level):
    p.bullet(level, g.sentence(d))
    p.cont(level, f"id:: {g.uuid()[:23]}")
    g.stat["ids_invalid"] += 1
    g.diag["id-invalid"] += 1


def err_id_duplicate(g, p, d, level):
    if not g.id_pool:
        return err_id_invalid(g, p, d, level)
    p.bullet(level, g.sentence(d))
    p.cont(level, f"id:: {g.copied_id()}")


def err_id_ignored(g, p, d, level):
    p.bullet(level, g.sentence(d, inline=False))
    p.cont(level, f"source:: [[{g.pick(d['books'])}]]")
    p.cont(level, g.sentence(d, inline=False))
    u = g.uuid()
    g.ignored_ids.append(u)
    p.cont(level, f"id:: {u}")
    g.stat["ids_ignored"] += 1
    g.diag["id-ignored"] += 1


def err_id_upper(g, p, d, level):
    p.bullet(level, g.sentence(d))
    p.cont(level, f"id:: {g.new_id(upper=True)}")


def err_ref_unresolved(g, p, d, level):
    p.bullet(level, f"{g.sentence(d, inline=False)} Details in {g.broken_ref()}")


def err_ref_malformed(g, p, d, level):
    if g.id_pool and g.chance(0.7):
        inner = f" {g.pick(g.id_pool)} "
    else:
        inner = g.pick(["TODO link", "see above", "63c66a0c"])
    p.bullet(level, f"{g.sentence(d, inline=False)} Compare (({inner})).")
    g.stat["refs_malformed"] += 1
    g.diag["block-ref-malformed"] += 1


def err_property_ignored(g, p, d, level):
    p.bullet(level, g.sentence(d, inline=False))
    p.cont(level, f"status:: {g.pick(['draft', 'done', 'reviewing'])}")
    p.cont(level, g.sentence(d, inline=False))
    p.cont(level, f"rating:: {g.rng.randrange(1, 6)}")
    g.diag["property-ignored"] += 1


def err_property_malformed(g, p, d, level):
    p.bullet(level, g.sentence(d, inline=False))
    p.cont(level, f"status::{g.pick(['draft', 'done', 'reviewing'])}")
    g.diag["property-malformed"] += 1


def err_heading_splits(g, p, d, level):
    p.bullet(level, g.sentence(d, inline=False))
    p.cont(level, f"# {g.sentence(d, inline=False)[:-1]}")
    p.blocks += 1
    p.cont(level, g.sentence(d, inline=False))
    g.diag["heading-splits-block"] += 1


def err_property_invalid(g, p, d, level):
    """A key graph-parser drops (property.cljs `valid-property-name?`: `{:some,prop nil}` is no EDN)."""
    p.bullet(level, g.sentence(d, inline=False))
    p.cont(level, f"{g.pick(['some,prop', '[[status]]', 'a;b'])}:: {g.pick(['draft', 'done'])}")
    g.diag["property-invalid"] += 1


def err_query(g, p, d, level):
    """An advanced query: an unclosed map (query-invalid), or a misspelt key (query-unknown-key)."""
    p.bullet(level, f"Open tasks about {g.pick(d['terms'])}")
    p.cont(level, "#+BEGIN_QUERY")
    p.cont(level, '{:title "Open tasks"')
    p.cont(level, ' :query [:find (pull ?b [*]) :where [?b :block/marker "TODO"]]')
    if (g.diag["query-invalid"] + g.diag["query-unknown-key"]) % 2:
        p.cont(level, " :collapse? true}")
        g.diag["query-unknown-key"] += 1
    else:
        g.diag["query-invalid"] += 1
    p.cont(level, "#+END_QUERY")


def err_asset_missing(g, p, d, level):
    """An image that exists next to one that does not (a typo in the timestamp)."""
    n = len(g.assets)
    name = f"image_{1700000000000 + n}_0.png"
    g.assets.append(name)
    p.bullet(level, f"{g.sentence(d, inline=False)} ![figure](../assets/{name})")
    p.cont(level, f"![figure](../assets/image_{1700000000000 + n}_1.png)")
    g.diag["asset-missing"] += 1


ERRORS = [err_card_no_answer, err_card_empty_question, err_cloze_anki, err_schedule_invalid,
          err_schedule_orphan, err_id_invalid, err_id_duplicate, err_id_ignored, err_id_upper,
          err_ref_unresolved, err_ref_malformed, err_property_ignored, err_property_malformed,
          err_heading_splits, "indent-mixed", "fence-unclosed", err_property_invalid, err_query,
          err_asset_missing]


def mixed_indent(g, p, d):
    """At top level of a tab-indented page: a child indented with two spaces under a tab child.
    Logseq nests it under the tab child; with tabs 2 or 4 wide it looks like that child's sibling."""
    p.bullet(0, g.sentence(d, inline=False))
    p.raw(f"\t- {g.sentence(d, inline=False)}")
    p.blocks += 1
    p.raw(f"  - {g.sentence(d, inline=False)}")
    p.blocks += 1
    g.diag["indent-mixed"] += 1


def unclosed_fence(g, p, d):
    """The page's last block: a fence never closed."""
    p.bullet(0, f"Snippet for {g.pick(d['terms'])}:")
    p.cont(0, "```python")
    p.cont(0, "def main():")
    p.cont(0, "    print('hello')")
    g.diag["fence-unclosed"] += 1


# ---------------------------------------------------------------------------------------------
# Pages.

def body_with_errors(g, p, d, n_blocks, error_rate, allow_end_error=True):
    """Top-level blocks of a note page, with at most one mistake."""
    err = g.next_error() if g.chance(error_rate) else None
    if err == "indent-mixed" and p.style != "tab":
        err = err_property_malformed
    at = g.rng.randrange(n_blocks)
    end_error = None
    for i in range(n_blocks):
        if err is not None and i == at:
            if err == "indent-mixed":
                mixed_indent(g, p, d)
            elif err == "fence-unclosed":
                end_error = err
            else:
                err(g, p, d, 0 if g.chance(0.6) else 1 if p.blocks else 0)
            continue
        r = g.rng.random()
        if r < 0.06:
            native_card(g, p, d, 0)
        elif r < 0.08:
            flashcard_with_child(g, p, d, 0)
        elif r < 0.10 and g.id_pool:
            p.bullet(0, f"{g.pick(['Quote', 'Context', 'Related', 'Background'])}: {g.ref(embed=g.chance(0.4))}")
        else:
            note_block(g, p, d, 0, depth=g.pick([0, 1, 1, 2, 2, 3]))
    if end_error == "fence-unclosed":
        unclosed_fence(g, p, d)


def note_page(g, title, d):
    p = Page(g, "tab" if g.chance(0.75) else "space")
    if g.chance(0.6):
        props = [("type", f"[[{g.pick(['Concept', 'Note', 'Topic', 'Summary', 'Project'])}]]")]
        if g.chance(0.7):
            props.append(("tags", ", ".join(f"[[{t}]]" if g.chance(0.3) else t for t in g.rng.sample(d["tags"], 2))))
        if g.chance(0.15):
            props.append(("alias", f"{title} (alias)"))
        if g.chance(0.3):
            props.append(("status", g.pick(["seed", "growing", "evergreen"])))
        p.page_properties(props)
    body_with_errors(g, p, d, g.rng.randrange(3, 20), error_rate=0.22)
    return p


def stub_page(g, title, d):
    p = Page(g, "tab")
    if g.chance(0.5):
        p.page_properties([("type", f"[[{g.pick(['Person', 'Place', 'Tool', 'Company'])}]]")])
    p.bullet(0, g.sentence(d))
    if g.chance(0.3):
        p.bullet(0, "")
    return p


def deck_page(g, title, d):
    p = Page(g, "tab" if g.chance(0.85) else "space")
    p.page_properties([("tags", f"flashcards, {g.pick(d['tags'])}"), ("deck", title.split('/')[0])])
    err = g.next_error() if g.chance(0.4) else None
    if err in ("indent-mixed", "fence-unclosed"):
        err = err_card_no_answer
    n = g.rng.randrange(6, 30)
    at = g.rng.randrange(n)
    for i in range(n):
        if err is not None and i == at:
            err(g, p, d, 0)
        elif g.chance(0.85):
            native_card(g, p, d, 0)
        elif g.chance(0.5):
            flashcard_with_child(g, p, d, 0)
        else:
            note_block(g, p, d, 0, depth=1)
    return p


def readwise_page(g, title, d):
    """A Readwise export: the metadata block, chapters as `#` headings, highlights as bullets."""
    p = Page(g, "space")
    author = g.pick(d["authors"])
    p.heading(1, title)
    p.raw("")
    p.raw(f"deck:: [[Readwise::{title}]]\\")
    p.raw(f"author:: [[{author}]]\\")
    p.raw(f"full-title:: \"{title}\"\\")
    p.raw("category:: #books\\")
    p.raw("\\")
    p.raw(f"tags:: {' '.join(d['tags'][:3])}  ")
    g.diag["property-ignored"] += 1
    g.stat["page_refs"] += 2 + 1 + 3  # deck and author links, #books, tags
    p.raw("")
    doc = g.rng.randrange(10**7, 10**8)
    p.raw(f"![](https://readwise-assets.s3.amazonaws.com/media/reader/parsed_document_assets/{doc}/cover.jpeg)")
    p.heading(2, "Highlights")
    for ch in range(1, g.rng.randrange(3, 9)):
        p.heading(4, f"Chapter {ch}. {g.sentence(d, inline=False)[:-1]}")
        for sec in range(1, g.rng.randrange(2, 5)):
            p.heading(5, f"{ch}.{sec}. {g.pick(d['terms'])[0].upper()}{g.pick(d['terms'])[1:]}")
            for _ in range(g.rng.randrange(1, 7)):
                readwise_highlight(g, p, d, doc)
    return p


def readwise_highlight(g, p, d, doc):
    link = f"([View Highlight](https://read.readwise.io/read/{g.ulid()}))"
    body = g.paragraph(d, g.rng.randrange(2, 7))
    r = g.rng.random()
    if r < 0.35:
        # `- id::` on the bullet line, question on the next line, answer inline.
        p.bullet(0, f"id:: {g.new_id()}")
        g.diag["id-before-title"] += 1
        p.raw(f"   {g.sentence(d, inline=False)[:-1]}? #flashcard ")
        p.raw(f"    {body}")
        p.raw("  ")
        p.raw(f"    {link}")
        card = True
    elif r < 0.65:
        extra = "  #code" if g.chance(0.1) else ""
        p.bullet(0, f"{g.sentence(d, inline=False)[:-1]}? #flashcard {extra}")
        p.raw(f"    {body}")
        if g.chance(0.3):
            p.raw(f"     • {g.sentence(d, inline=False)}")
            p.raw(f"     • {g.sentence(d, inline=False)}")
        p.raw("  ")
        p.raw(f"    {link}")
        card = True
    elif r < 0.75:
        # An image highlight: the tag at the end of the last line.
        p.bullet(0, g.sentence(d, inline=False))
        p.raw(f"     ![](https://readwise-assets.s3.amazonaws.com/media/reader/parsed_document_assets/{doc}/fig{g.rng.randrange(100)}.jpg) #flashcard ")
        p.raw("  ")
        p.raw("  ")
        p.raw(f"    {link}")
        card = True
    elif r < 0.87:
        p.bullet(0, f"id:: {g.new_id()}")
        g.diag["id-before-title"] += 1
        p.raw("  ")
        p.raw(f"  {body}")
        p.raw("  ")
        p.raw(f"    {link}")
        card = False
    else:
        p.bullet(0, body)
        p.raw("  ")
        p.raw(f"    {link}")
        card = False
    if card:
        g.stat["cards_non_native"] += 1
        g.diag["card-tag-not-native"] += 1
        g.diag["card-answer-inline"] += 1
    p.bullet(0, "")


def journal_page(g, date, d):
    p = Page(g, "tab" if g.chance(0.8) else "space")
    n = g.rng.randrange(1, 9)
    for _ in range(n):
        r = g.rng.random()
        if r < 0.2 and (g.people or g.titles):
            person = g.pick(g.people or g.titles)
            p.bullet(0, f"Met with [[{person}]] about [[{g.pick(PROJECTS)}]] #meeting")
            g.stat["page_refs"] += 3
            for _ in range(g.rng.randrange(1, 4)):
                p.bullet(1, g.sentence(d))
        elif r < 0.4:
            p.bullet(0, f"{g.pick(['TODO', 'DONE', 'LATER'])} {g.sentence(d, inline=False)[:-1]} [[{g.pick(PROJECTS)}]]")
            g.stat["page_refs"] += 1
        elif r < 0.5 and g.id_pool:
            p.bullet(0, f"Reread {g.ref()} {g.pick(EMOJI)}")
        elif r < 0.55:
            native_card(g, p, d, 0)
        else:
            note_block(g, p, d, 0, depth=g.pick([0, 1, 2]))
    if g.chance(0.1):
        err = g.next_error()
        if err == "indent-mixed" and p.style == "tab":
            mixed_indent(g, p, d)
        elif err in ("indent-mixed", "fence-unclosed"):
            unclosed_fence(g, p, d)
        else:
            err(g, p, d, 0)
    return p


# ---------------------------------------------------------------------------------------------

CONFIG_EDN = """{:meta/version 1
 :preferred-format "Markdown"
 :preferred-workflow :now
 :hidden []
 :journal/page-title-format "MMM do, yyyy"
 :file/name-format :triple-lowbar
 :ui/show-brackets? true
 :feature/enable-journals? true
 :default-templates {:journals ""}
 :favorites ["Start here"]
 ;; generated by tools/gen_graph.py
 }
"""


def generate(out, n_pages, seed):
    g = Gen(seed, n_pages)
    n_journals = n_pages * 15 // 100
    n_named = n_pages - n_journals
    kinds = []
    for i in range(n_named):
        r = g.rng.random()
        kinds.append("readwise" if r < 0.05 else "deck" if r < 0.14 else "stub" if r < 0.30 else "note")
    files = []  # (relative path, text)
    start = datetime.date(2024, 6, 30)
    j = 0
    for i, kind in enumerate(kinds):
        d = g.domain()
        if kind == "readwise":
            title = g.title("book", d)
            p = readwise_page(g, title, d)
        elif kind == "deck":
            title = g.title("deck", d)
            p = deck_page(g, title, d)
        elif kind == "stub":
            title = g.title(g.pick(["person", "plain"]), d)
            p = stub_page(g, title, d)
        else:
            title = g.title(g.pick(["plain", "plain", "namespace", "question", "lecture", "how"]), d)
            p = note_page(g, title, d)
        files.append((f"pages/{file_stem(title)}.md", p))
        # Journals are written along the way, so their references point at any earlier page.
        while j < n_journals and j * n_named <= (i + 1) * n_journals:
            date = start - datetime.timedelta(days=j)
            files.append((f"journals/{date:%Y_%m_%d}.md", journal_page(g, date, g.domain())))
            j += 1
    while j < n_journals:
        date = start - datetime.timedelta(days=j)
        files.append((f"journals/{date:%Y_%m_%d}.md", journal_page(g, date, g.domain())))
        j += 1

    os.makedirs(os.path.join(out, "logseq"), exist_ok=True)
    os.makedirs(os.path.join(out, "pages"), exist_ok=True)
    os.makedirs(os.path.join(out, "journals"), exist_ok=True)
    with open(os.path.join(out, "logseq", "config.edn"), "w", encoding="utf-8", newline="") as f:
        f.write(CONFIG_EDN)
    with open(os.path.join(out, "logseq", "custom.css"), "w", encoding="utf-8", newline="") as f:
        f.write("/* generated */\n")
    # The images the pages link to, and one no page links to (asset-unused).
    os.makedirs(os.path.join(out, "assets"), exist_ok=True)
    for name in sorted(set(g.assets)) + ["old-screenshot_1600000000000_0.png"]:
        with open(os.path.join(out, "assets", name), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n")
    g.diag["asset-unused"] += 1
    # Backups Logseq keeps are not pages: a checker must skip them.
    bak = os.path.join(out, "logseq", "bak", "pages", "Old")
    os.makedirs(bak, exist_ok=True)
    with open(os.path.join(bak, "2024-01-01T00_00_00.000Z.Desktop.md"), "w", encoding="utf-8", newline="") as f:
        f.write("- a backup with mistakes that must not be reported #card\n  id:: not-a-uuid\n")

    total_bytes = 0
    total_lines = 0
    blocks = 0
    crlf = 0
    for rel, p in files:
        eol = "\n"
        if g.chance(0.02):
            eol = "\r\n"
            crlf += 1
        text = eol.join(p.lines) + eol
        data = text.encode("utf-8")
        path = os.path.join(out, rel)
        with open(path, "wb") as f:
            f.write(data)
        total_bytes += len(data)
        total_lines += data.count(b"\n")
        blocks += p.blocks

    dup_ids = [k for k, v in g.id_sites.items() if v > 1]
    g.diag["id-duplicate"] = sum(g.id_sites[k] for k in dup_ids)
    severity = {"error": 0, "warning": 0, "information": 0, "hint": 0}
    for c, n in g.diag.items():
        severity[SEVERITY[c]] += n
    st = g.stat
    manifest = {
        "generator": "tools/gen_graph.py",
        "version": VERSION,
        "seed": seed,
        "pages": len(files),
        "journals": n_journals,
        "bytes": total_bytes,
        "mb": round(total_bytes / 1e6, 2),
        "average_page_bytes": total_bytes // max(1, len(files)),
        "lines": total_lines,
        "crlf_pages": crlf,
        "blocks": blocks,
        "cards": {
            "total": st["cards_native"] + st["cards_non_native"],
            "native": st["cards_native"],
            "non_native": st["cards_non_native"],
            "cloze": st["cards_cloze"],
        },
        "ids": {
            "valid_sites": sum(g.id_sites.values()),
            "distinct": len(g.id_sites),
            "duplicated": len(dup_ids),
            "invalid": st["ids_invalid"],
            "upper_case": st["ids_upper_case"],
            "ignored": st["ids_ignored"],
        },
        "block_refs": {
            "total": st["refs_resolving"] + st["refs_unresolved"],
            "resolving": st["refs_resolving"],
            "unresolved": st["refs_unresolved"],
            "embeds": st["refs_embed"],
            "malformed": st["refs_malformed"],
        },
        "page_refs_approx": st["page_refs"],
        "diagnostics": dict(g.diag),
        "diagnostics_by_severity": severity,
        "diagnostics_total": sum(g.diag.values()),
    }
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(manifest, f, indent=2, sort_keys=False)
        f.write("\n")
    return manifest


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output folder (created; must be empty or not exist)")
    ap.add_argument("--pages", type=int, required=True, help="number of pages, journals included")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    if a.pages < 1:
        ap.error("--pages must be at least 1")
    if os.path.isdir(a.out) and os.listdir(a.out):
        ap.error(f"{a.out} is not empty")
    m = generate(a.out, a.pages, a.seed)
    print(f"{m['pages']} pages, {m['bytes']:,} bytes ({m['mb']} MB), {m['blocks']:,} blocks, "
          f"{m['cards']['total']:,} cards, {m['diagnostics_total']:,} diagnostics expected -> {a.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
