"""Notifications: in-app, email, SMS, push and WhatsApp, with preferences, quiet hours and delivery tracking."""
