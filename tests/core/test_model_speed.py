"""Constructing table models does not parse a default factory's signature again and again."""

from __future__ import annotations

import uuid

import pytest
from pydantic._internal import _typing_extra

from metaic.contacts.models import SavedContact


def test_default_factories_are_inspected_once_not_per_construction(monkeypatch: pytest.MonkeyPatch):
    """After one construction, a hundred more ask inspect for no signature at all."""
    asked = []
    real = _typing_extra.signature_no_eval

    def counting(factory):
        """Count signature lookups."""
        asked.append(factory)
        return real(factory)

    monkeypatch.setattr(_typing_extra, "signature_no_eval", counting)
    SavedContact(owner_id=uuid.uuid4(), full_name="Warm Up")
    asked.clear()
    contacts = [SavedContact(owner_id=uuid.uuid4(), full_name=f"P {i}") for i in range(100)]
    assert asked == []
    assert all(c.emails == [] and c.phones == [] for c in contacts)
    assert contacts[0].emails is not contacts[1].emails  # each still gets its own list
