"""Translating a card over `/api/v1/ai`: the proposal (provider, offline, fallback, budget) and the translated copy."""

from __future__ import annotations

import json
import uuid

from metaic.ai import engine
from metaic.api.app import build_api
from metaic.config import get_settings
from tests.ai.test_api import BASE, account
from tests.support.http import problem

TEXTS = {
    "headline": "Ingeniera de software",
    "bio": "Construyo motores analíticos para startups. Vivo en Londres. Me encantan los datos limpios.",
    "business.description": "Un pequeño estudio de software.",
    "networking.offer": "Mentoría para ingenieros junior",
    "networking.looking_for": "inversores semilla",
    "services.0.title": "Flujos de datos",
    "services.1.title": "Revisiones de código",
}


def opted_in(client, email: str = "ada@example.com") -> tuple[dict, dict]:
    """An account with a published card that allowed its data to go to the provider."""
    headers, ids = account(email)
    assert client.patch(f"{BASE}/preferences", json={"external_opt_in": True}, headers=headers).status_code == 200
    return headers, ids


def translations_sent(fake) -> list[dict]:
    """The translate requests that reached the provider (a publish's summary job may call it too)."""
    return [b for b in fake.chat_bodies() if "Translate each text" in b["messages"][-1]["content"]]


def test_the_provider_translates_every_text_and_nothing_is_saved(client, fake_openai):
    """Opted in: the provider's texts come back labelled, the prompt carried the card's texts, the card is unchanged."""
    ada, ids = opted_in(client)
    fake_openai.reply = json.dumps({"texts": TEXTS})
    answer = client.post(f"{BASE}/cards/{ids['card']}/translate", json={"target_language": "es-ES"}, headers=ada)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["source"], body["note"], body["retry"]) == ("provider", "", False)
    assert (body["source_language"], body["target_language"], body["untranslated"]) == ("en", "es", [])
    assert body["texts"] == TEXTS
    [sent] = translations_sent(fake_openai)
    assert "from English to Spanish" in sent["messages"][-1]["content"] and "Data pipelines" in str(sent)
    card = client.get(f"/api/v1/cards/{ids['card']}", headers=ada).json()
    assert card["content"]["headline"] == "Software Engineer" and card["content"]["language"] == "en"
    assert client.get(f"{BASE}/usage", headers=ada).json()["requests"] == 1


def test_without_opt_in_the_offline_phrase_table_answers_and_nothing_leaves(client, fake_openai):
    """Not opted in: the offline engine translates what its phrase table knows, marks the rest, sends nothing."""
    ada, ids = account("ada@example.com")
    body = client.post(f"{BASE}/cards/{ids['card']}/translate", json={"target_language": "es"}, headers=ada).json()
    assert body["source"] == "offline" and body["note"].startswith(engine.NOT_OPTED_IN)
    assert body["texts"]["headline"] == "Ingeniero de software" and "bio" in body["untranslated"]
    assert translations_sent(fake_openai) == []


def test_a_provider_failure_or_an_answer_with_other_keys_falls_back_with_a_retry(client, fake_openai):
    """500 twice, then an answer missing texts: each time the offline translation with a note and `retry`."""
    ada, ids = opted_in(client)
    url = f"{BASE}/cards/{ids['card']}/translate"
    fake_openai.script.extend(["500", "500"])
    failed = client.post(url, json={"target_language": "es"}, headers=ada).json()
    assert failed["source"] == "offline" and failed["retry"] and failed["note"].startswith(engine.FAILED["unavailable"])
    assert failed["texts"]["headline"] == "Ingeniero de software"
    fake_openai.reply = json.dumps({"texts": {"headline": "Ingeniera de software"}})
    partial = client.post(url, json={"target_language": "es"}, headers=ada).json()
    assert partial["source"] == "offline" and partial["note"].startswith(engine.FAILED["malformed"])
    assert len(translations_sent(fake_openai)) == 3


def test_the_daily_allowance_is_kept(client, fake_openai, monkeypatch):
    """One provider request a day: the second translation is the offline one with the budget note."""
    monkeypatch.setenv("AI_DAILY_REQUESTS", "1")
    get_settings.cache_clear()
    ada, ids = opted_in(client)
    fake_openai.reply = json.dumps({"texts": TEXTS})
    url = f"{BASE}/cards/{ids['card']}/translate"
    assert client.post(url, json={"target_language": "es"}, headers=ada).json()["source"] == "provider"
    second = client.post(url, json={"target_language": "es"}, headers=ada).json()
    assert second["source"] == "offline" and second["note"].startswith(engine.BUDGET)
    assert len(translations_sent(fake_openai)) == 1


def test_bad_input_and_another_users_card_are_problem_details(client):
    """A language that is not a two-letter code, a missing body and Eve asking for Ada's card: 422, 422, 404."""
    ada, ids = account("ada@example.com")
    eve, _ = account("eve@example.com", "Eve")
    url = f"{BASE}/cards/{ids['card']}/translate"
    assert "target_language" in problem(client.post(url, json={"target_language": "e1"}, headers=ada), 422)["errors"]
    problem(client.post(url, json={"target_language": "x"}, headers=ada), 422)
    problem(client.post(url, json={}, headers=ada), 422)
    problem(client.post(url, json={"target_language": "es"}, headers=eve), 404)
    problem(client.post(f"{BASE}/cards/{uuid.uuid4()}/translate", json={"target_language": "es"}, headers=ada), 404)


def test_reviewed_texts_become_a_new_draft_card_in_the_other_language(client):
    """201 with the new card (Location, language, texts); the original keeps its texts; a retry with the key replays."""
    ada, ids = account("ada@example.com")
    texts = {"headline": "Ingeniera de software", "services.1.title": "Revisiones de código"}
    keyed = {**ada, "Idempotency-Key": "copy-es"}
    made = client.post(
        f"{BASE}/cards/{ids['card']}/translations", json={"target_language": "es", "texts": texts}, headers=keyed
    )
    assert made.status_code == 201, made.text
    copy = made.json()
    assert made.headers["location"] == f"/api/v1/cards/{copy['id']}" and copy["id"] != str(ids["card"])
    assert copy["status"] == "draft" and copy["content"]["language"] == "es"
    assert copy["content"]["headline"] == "Ingeniera de software"
    assert [s["title"] for s in copy["content"]["services"]] == ["Data pipelines", "Revisiones de código"]
    assert copy["content"]["bio"].startswith("I build analytical engines")  # not sent: kept as it was
    original = client.get(f"/api/v1/cards/{ids['card']}", headers=ada).json()["content"]
    assert original["headline"] == "Software Engineer" and original["language"] == "en"
    again = client.post(
        f"{BASE}/cards/{ids['card']}/translations", json={"target_language": "es", "texts": texts}, headers=keyed
    )
    assert again.json()["id"] == copy["id"] and again.headers["idempotent-replayed"] == "true"
    assert client.get("/api/v1/cards", headers=ada).json()["total"] == 2


def test_a_translated_copy_refuses_texts_that_are_not_on_the_card_and_makes_nothing(client):
    """Unknown keys, a service that is not there, too long a headline, no texts, Eve: problems, no card made."""
    ada, ids = account("ada@example.com")
    eve, _ = account("eve@example.com", "Eve")
    url = f"{BASE}/cards/{ids['card']}/translations"
    for texts, field in (
        ({"theme.color": "#000000"}, "theme.color"),
        ({"services.0.price_range": "1 €"}, "services.0.price_range"),
        ({"services.7.title": "Nada"}, "services.7.title"),
        ({"headline": "x" * 300}, None),
    ):
        refused = problem(client.post(url, json={"target_language": "es", "texts": texts}, headers=ada), 422)
        assert field is None or field in refused["errors"], refused
    problem(client.post(url, json={"target_language": "es", "texts": {}}, headers=ada), 422)
    problem(client.post(url, json={"target_language": "e1", "texts": {"headline": "Hola"}}, headers=ada), 422)
    problem(client.post(url, json={"target_language": "es", "texts": {"headline": "Hola"}}, headers=eve), 404)
    assert client.get("/api/v1/cards", headers=ada).json()["total"] == 1
    assert client.get("/api/v1/cards", headers=eve).json()["total"] == 1


def test_the_openapi_document_describes_the_translated_copy():
    """The operation is documented: its body, the created card, the key header and its problems."""
    operation = build_api().openapi()["paths"]["/api/v1/ai/cards/{card_id}/translations"]["post"]
    assert operation["tags"] == ["ai"] and "second version" in operation["description"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/TranslatedCopyBody")
    assert operation["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/CardRead")
    assert {"404", "422"} <= set(operation["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])
