"""Stored embeddings and nearest-neighbour search behind one small interface (VectorIndex).

Vectors live in `ai_embeddings.vector` as JSON float lists and are compared with numpy cosine over the
owner's rows (a few thousand at most). When PostgreSQL has the pgvector extension, the same rows are
ranked in SQL with `<=>` (the JSON text is a valid vector literal). An external vector database would
be a third VectorIndex.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Protocol

import numpy as np
import sqlalchemy as sa
from sqlmodel import Session, select

from metaic.ai.models import Embedding


class VectorIndex(Protocol):
    """Nearest stored items of one owner and kind to a query vector."""

    def nearest(
        self, *, session: Session, owner_id: uuid.UUID, kind: str, model: str, vector: list[float], k: int
    ) -> list[tuple[uuid.UUID, float]]:
        """(ref_id, cosine similarity) pairs, most similar first."""


def text_hash(text: str) -> str:
    """A fingerprint of the embedded text, so unchanged items are not embedded again."""
    return hashlib.sha256(text.encode()).hexdigest()


def cosine(query: list[float], rows: list[list[float]]) -> np.ndarray:
    """Cosine similarity of `query` to each row (0 for zero vectors)."""
    if not rows:
        return np.zeros(0)
    matrix = np.asarray(rows, dtype=np.float32)
    q = np.asarray(query, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(q) or 1.0)
    return np.divide(matrix @ q, norms, out=np.zeros(len(rows), dtype=np.float32), where=norms > 0)


class NumpyIndex:
    """Cosine over the owner's stored JSON vectors in memory."""

    def nearest(
        self, *, session: Session, owner_id: uuid.UUID, kind: str, model: str, vector: list[float], k: int
    ) -> list[tuple[uuid.UUID, float]]:
        """(ref_id, similarity), best first."""
        rows = session.exec(
            select(Embedding.ref_id, Embedding.vector).where(
                Embedding.owner_id == owner_id, Embedding.kind == kind, Embedding.model == model
            )
        ).all()
        scores = cosine(vector, [list(v) for _, v in rows])
        order = np.argsort(-scores)[:k]
        return [(rows[i][0], float(scores[i])) for i in order]


class PgVectorIndex:
    """The same search in PostgreSQL with pgvector's cosine distance operator."""

    def nearest(
        self, *, session: Session, owner_id: uuid.UUID, kind: str, model: str, vector: list[float], k: int
    ) -> list[tuple[uuid.UUID, float]]:
        """(ref_id, similarity), best first."""
        query = sa.text(
            "SELECT ref_id, 1 - ((vector::text)::vector <=> CAST(:q AS vector)) AS similarity FROM ai_embeddings "
            "WHERE owner_id = :owner AND kind = :kind AND model = :model ORDER BY similarity DESC LIMIT :k"
        )
        params = {"q": str([float(x) for x in vector]), "owner": owner_id, "kind": kind, "model": model, "k": k}
        return [(uuid.UUID(str(r[0])), float(r[1])) for r in session.connection().execute(query, params)]


def index_for(session: Session) -> VectorIndex:
    """pgvector when this PostgreSQL has the extension installed, numpy otherwise."""
    bind = session.connection()
    if bind.dialect.name == "postgresql":
        found = bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'vector'")).first()
        if found:
            return PgVectorIndex()
    return NumpyIndex()


def store(
    *, session: Session, owner_id: uuid.UUID, kind: str, ref_id: uuid.UUID, model: str, vector: list[float], text: str
) -> Embedding:
    """Insert or replace the embedding of one item."""
    row = session.exec(
        select(Embedding).where(
            Embedding.owner_id == owner_id, Embedding.kind == kind, Embedding.ref_id == ref_id, Embedding.model == model
        )
    ).first()
    row = row or Embedding(owner_id=owner_id, kind=kind, ref_id=ref_id, model=model)
    row.vector, row.dimensions, row.text_hash = [float(x) for x in vector], len(vector), text_hash(text)
    session.add(row)
    session.flush()
    return row


def stored_hashes(*, session: Session, owner_id: uuid.UUID, kind: str, model: str) -> dict[uuid.UUID, str]:
    """ref_id -> text hash of what is stored, to embed only new or changed items."""
    rows = session.exec(
        select(Embedding.ref_id, Embedding.text_hash).where(
            Embedding.owner_id == owner_id, Embedding.kind == kind, Embedding.model == model
        )
    ).all()
    return dict(rows)
