"""One folded form for comparing names: accents, case, width and punctuation do not make two people."""

from __future__ import annotations

import pytest

from metaic.contacts import dedupe, service
from metaic.contacts.text import fold, is_blank
from tests.contacts.helpers import make_user


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Zoë Dupré-Lefèvre", "Zoe Dupre-Lefevre"),
        ("Zoë Dupré-Lefèvre", "ZOE  DUPRELEFEVRE"),
        ("Søren Ærø", "soren aero"),
        ("J.R.R. O'Brien", "JRR OBrien"),
        ("ｻﾄｳ ﾕｷ", "サトウ ユキ"),
        ("ＡＣＭＥ　Inc.", "acme inc"),
        ("Straße", "STRASSE"),
        ("山田 太郎", "山田太郎"),
        ("王　小明", "王小明"),
        ("김 민준", "김민준"),
    ],
)
def test_variants_fold_alike(a, b):
    assert fold(a) == fold(b)


def test_kana_voicing_and_cjk_are_kept():
    assert fold("バシモト") != fold("ハシモト") and fold("山田 太郎") == "山田太郎"
    assert fold("Alice 山田") == "alice 山田"  # a space next to a Latin word stays


def test_blank_means_nothing_visible():
    assert is_blank(" \u200b\u00a0\u3000") and not is_blank("李") and not is_blank("😀")


def test_accent_and_punctuation_variants_at_the_same_company_are_duplicates(session):
    owner = make_user(session)
    a = service.create(session=session, owner=owner, data={"full_name": "Zoë Dupré-Lefèvre", "company": "Ciné Lumière"})
    b = service.create(session=session, owner=owner, data={"full_name": "Zoe Dupre-Lefevre", "company": "Cine Lumiere"})
    pairs = dedupe.find_duplicates(session=session, owner=owner)
    assert [{p.a, p.b} for p in pairs] == [{a.id, b.id}]
    assert pairs[0].reasons == ["similar name", "same company"] and pairs[0].score == 0.8


def test_cjk_names_with_and_without_a_space_at_the_same_company_are_duplicates(session):
    owner = make_user(session)
    a = service.create(session=session, owner=owner, data={"full_name": "山田 太郎", "company": "トヨタ"})
    b = service.create(session=session, owner=owner, data={"full_name": "山田太郎", "company": "トヨタ"})
    pairs = dedupe.find_duplicates(session=session, owner=owner)
    assert [{p.a, p.b} for p in pairs] == [{a.id, b.id}]
