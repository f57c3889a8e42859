"""The networking evaluation set: 40 synthetic contacts, 20 with a planted offer, and 40 asks that should find them.

Each planted offer answers one ask in different words ("seed investors" -> "angel investor writing first
cheques"); the 20 other contacts are plausible confusers (a wedding photographer beside a product
photographer). A case passes when the planted contact is in the top 3. Used by tests/ai/test_networking.py
and printed by bench/ai_bench.py. The mixed variant puts every other contact on a directory card instead, so
contacts and directory cards compete in one ranking (metaic/ai/network.py).
"""

from __future__ import annotations

import uuid

from metaic.ai import network, networking
from metaic.ai.text import BM25, tokens

# (asks in two phrasings, the planted contact's offer)
PLANTED: list[tuple[tuple[str, str], str]] = [
    (
        ("seed investors for my startup", "raising a pre-seed round"),
        "Angel investor writing first cheques into early-stage B2B companies",
    ),
    (
        ("a UX designer for our mobile app", "someone to redesign our app's interface"),
        "Product designer focused on interface design and user research",
    ),
    (
        ("a lawyer to review contracts", "legal advice on a partnership agreement"),
        "Attorney specialising in commercial agreements and compliance",
    ),
    (
        ("help with SEO and growth marketing", "more traffic from online ads"),
        "Runs paid advertising and content campaigns for SaaS companies",
    ),
    (
        ("hiring senior backend engineers", "recruit Python developers"),
        "Tech recruiter placing Python and Go developers with scale-ups",
    ),
    (
        ("a mentor who has scaled a company", "advice from an experienced operator"),
        "Former COO who offers coaching and guidance to first-time founders",
    ),
    (
        ("a factory to manufacture our hardware", "production partner for electronics"),
        "Contract manufacturing and component sourcing for electronics in Shenzhen",
    ),
    (
        ("retail distributors in Germany", "shops to sell our products in Austria"),
        "Wholesale distribution to 300 stores across Germany and Austria",
    ),
    (
        ("an accountant for my taxes", "bookkeeping for my freelance business"),
        "Tax filing and bookkeeping for freelancers and small firms",
    ),
    (
        ("cloud infrastructure help", "move our servers to AWS"),
        "DevOps consultant for AWS, Kubernetes and hosting migrations",
    ),
    (
        ("data science expertise", "build a machine learning model"),
        "Machine learning models and analytics dashboards for retailers",
    ),
    (
        ("office space in Berlin", "a desk to rent in Berlin"),
        "Manages a coworking space in Berlin Mitte with desks and meeting rooms",
    ),
    (
        ("translation into Japanese", "localise our website for Japan"),
        "Localization of apps and websites by a native Japanese translator",
    ),
    (
        ("a photographer for our product launch", "product photos for our online shop"),
        "Product photography and short videos for launches and shops",
    ),
    (
        ("a cofounder with sales experience", "a business partner to lead sales"),
        "Wants to join a startup as partner after ten years in B2B sales",
    ),
    (
        ("speaking slots at conferences", "a stage to present our research"),
        "Organises tech conferences and books speakers for the main stage",
    ),
    (
        ("customers in the hospitality industry", "hotels that need booking software"),
        "Owns three hotels and buys software for hospitality operations",
    ),
    (
        ("a web developer to build our website", "someone to code our new site"),
        "Freelance developer building websites and web apps with React",
    ),
    (
        ("grant funding for research", "public money for our lab"),
        "Advises labs on public research grants and EU funding programmes",
    ),
    (
        ("a supplier of organic coffee beans", "coffee sourcing for our cafés"),
        "Imports organic coffee beans from Colombia for roasters and cafés",
    ),
]
CONFUSERS: list[str] = [
    "Yoga teacher and wellness coach",
    "Real estate agent selling family homes",
    "Chef running a catering business for weddings",
    "Freelance journalist covering politics",
    "Architect designing private homes",
    "HR manager at a logistics company",
    "Insurance broker for small businesses",
    "Dentist with a practice in Madrid",
    "University lecturer in medieval history",
    "Sales assistant at a fashion store",
    "Musician and piano teacher",
    "Travel agent for business trips",
    "Personal trainer at a city gym",
    "Wine importer from France",
    "Author of graphic novels",
    "Pharmacist in a rural town",
    "Used car dealer",
    "Wedding photographer and videographer",
    "Student looking for internships in finance",
    "Florist delivering flowers for events",
]


def contacts() -> dict[uuid.UUID, str]:
    """The 40 contacts' offer texts by a stable id (planted ones first)."""
    texts = [offer for _, offer in PLANTED] + CONFUSERS
    return {uuid.uuid5(uuid.NAMESPACE_URL, f"metaic-eval-{i}"): text for i, text in enumerate(texts)}


def cases() -> list[tuple[str, uuid.UUID]]:
    """(ask, the planted contact's id) for both phrasings of every ask: 40 cases."""
    ids = list(contacts())
    return [(ask, ids[i]) for i, (asks, _) in enumerate(PLANTED) for ask in asks]


def evaluate(top: int = 3) -> tuple[float, list[str]]:
    """The share of cases whose planted contact the offline ranking puts in the top `top`, and the misses."""
    offers, misses = contacts(), []
    for ask, planted in cases():
        ranked = [cid for cid, _, _ in networking.rank(ask, offers)[:top]]
        if planted not in ranked:
            misses.append(ask)
    return 1 - len(misses) / len(cases()), misses


def split() -> tuple[dict[uuid.UUID, str], dict[uuid.UUID, str]]:
    """The 40 offers as (contacts, directory cards): every other one of each group is a directory card."""
    everyone = list(contacts().items())
    mine = {cid: text for i, (cid, text) in enumerate(everyone) if i % 2 == 0}
    listed = {cid: text for i, (cid, text) in enumerate(everyone) if i % 2 == 1}
    return mine, listed


def evaluate_mixed(top: int = 3) -> tuple[float, list[str]]:
    """The same 40 cases with half the offers on directory cards: the share whose planted match is in the top `top`."""
    mine, listed = split()
    ids = tuple(mine)
    model = BM25([tokens(mine[i]) for i in ids])
    misses = []
    for ask, planted in cases():
        ranked = [key for _, key, _, _ in network.rank_mixed(ask, ids, model, listed, limit=top)]
        if planted not in ranked:
            misses.append(ask)
    return 1 - len(misses) / len(cases()), misses
