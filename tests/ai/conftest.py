"""The fake OpenAI-compatible server as a fixture for the assistant's tests."""

from tests.support.fake_openai import fake_openai  # noqa: F401  (the fixture)
