"""In-app messaging between MetaIC users: conversations, messages, unread counts."""
