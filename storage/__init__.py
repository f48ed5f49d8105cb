"""What the bot remembers: SQLAlchemy 2 models, the unit of work, migrations, imports.

SQLite file by default, PostgreSQL through DATABASE_URL. Nothing here knows Slack.
"""

from storage.db import Database

__all__ = ["Database"]
