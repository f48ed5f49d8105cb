"""Bot scopes requested at install; manifest.yml must list exactly these (a test checks)."""

BOT_SCOPES = [
    "app_mentions:read",
    "channels:read",
    "chat:write",
    "commands",
    "files:read",
    "files:write",
    "groups:read",
    "im:history",
    "im:read",
    "im:write",
    "users:read",
]
