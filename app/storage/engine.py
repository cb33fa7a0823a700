"""The database engine: SQLite (WAL) by default, any SQLAlchemy URL by one setting."""

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

DEFAULT_DIR = Path("~/.local/share/gradient-descent-playground/")


def default_url() -> str:
    """``LINREG_CLASS_DB``, else SQLite at ``$LINREG_DATA_DIR/class.sqlite3`` (dir created)."""
    url = os.environ.get("LINREG_CLASS_DB")
    if url:
        return url
    folder = Path(os.environ.get("LINREG_DATA_DIR") or DEFAULT_DIR).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'class.sqlite3'}"


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default :func:`default_url`); SQLite gets WAL, 5 s busy timeout."""
    url = url or default_url()
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    return engine
