"""The OpenAI-compatible provider (OpenAI, Azure, Ollama, vLLM, ...) through the `openai` SDK.

Timeouts and retries are the SDK's: it retries connection errors, 408/409/429 and 5xx with exponential
backoff and jitter (honouring Retry-After) up to OPENAI_MAX_RETRIES times. Whatever still fails is raised
as ProviderError with a short `reason`, which the engine turns into an offline answer and a note.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import openai

from metaic.config import Settings


class ProviderError(Exception):
    """The provider gave no usable answer; `reason` is one of timeout, rate_limited, unavailable, malformed, refused."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass
class Completion:
    """A provider's answer and what it cost."""

    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


@lru_cache(maxsize=8)
def _client(base_url: str, api_key: str, timeout: float, retries: int) -> openai.OpenAI:
    """One SDK client per configuration and process (created on first use, never at import)."""
    return openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=retries)


def _reason(exc: Exception) -> str:
    """The short reason for an SDK error."""
    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.RateLimitError):
        return "rate_limited"
    if isinstance(exc, openai.APIConnectionError | openai.InternalServerError):
        return "unavailable"
    if isinstance(exc, openai.APIStatusError):
        return "unavailable" if exc.status_code >= 500 else "refused"
    return "malformed"


class OpenAIProvider:
    """Chat (whole or streamed) and embeddings against the configured endpoint."""

    name = "provider"

    def __init__(self, settings: Settings):
        """A provider for OPENAI_BASE_URL with OPENAI_MODEL and OPENAI_EMBEDDING_MODEL."""
        self.model = settings.openai_model
        self.embedding_model = settings.openai_embedding_model
        self.client = _client(
            settings.openai_base_url,
            settings.openai_api_key,
            settings.openai_timeout_seconds,
            settings.openai_max_retries,
        )

    def chat(self, messages: list[dict], *, max_tokens: int = 400, temperature: float = 0.4) -> Completion:
        """One chat completion; ProviderError when none came back usable."""
        try:
            answer = self.client.chat.completions.create(
                model=self.model, messages=messages, max_tokens=max_tokens, temperature=temperature
            )
            text = answer.choices[0].message.content
        except (openai.OpenAIError, ValueError, AttributeError, IndexError, TypeError) as exc:
            raise ProviderError(_reason(exc), type(exc).__name__) from exc
        if not isinstance(text, str) or not text.strip():
            raise ProviderError("malformed", "empty answer")
        usage = answer.usage
        return Completion(
            text=text.strip(),
            model=answer.model or self.model,
            prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
            completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
        )

    def stream(self, messages: list[dict], *, max_tokens: int = 600) -> Iterator[str]:
        """The answer's text pieces as the provider sends them (Server-Sent Events)."""
        try:
            chunks = self.client.chat.completions.create(
                model=self.model, messages=messages, max_tokens=max_tokens, stream=True
            )
            sent = False
            for chunk in chunks:
                if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                    sent = True
                    yield chunk.choices[0].delta.content
        except (openai.OpenAIError, ValueError, AttributeError, TypeError) as exc:
            raise ProviderError(_reason(exc), type(exc).__name__) from exc
        if not sent:
            raise ProviderError("malformed", "empty stream")

    def embed(self, texts: list[str]) -> tuple[list[list[float]], int]:
        """One vector per text, and the tokens it cost."""
        try:
            answer = self.client.embeddings.create(model=self.embedding_model, input=texts)
            vectors = [list(map(float, item.embedding)) for item in sorted(answer.data, key=lambda d: d.index)]
        except (openai.OpenAIError, ValueError, AttributeError, TypeError) as exc:
            raise ProviderError(_reason(exc), type(exc).__name__) from exc
        if len(vectors) != len(texts):
            raise ProviderError("malformed", "wrong number of vectors")
        return vectors, getattr(answer.usage, "prompt_tokens", 0) or 0
