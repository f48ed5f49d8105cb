"""See bot/services/__init__.py for what this room holds and where it sits."""
