"""communication: message templates, previews, and emails or WhatsApp messages sent now or later to contacts."""
