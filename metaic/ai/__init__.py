"""The assistant: an offline engine that always answers, and an OpenAI-compatible provider users opt in to."""
