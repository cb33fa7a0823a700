"""Tables of the live class and their migration (schema version 1)."""

from sqlalchemy import (
    Column,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
)

SCHEMA_VERSION = 1
metadata = MetaData()
_CASCADE = {"ondelete": "CASCADE"}

schema_version = Table("schema_version", metadata, Column("version", Integer, primary_key=True))
classes = Table(
    "classes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(6), unique=True, nullable=False),
    Column("teach_hash", String(64), unique=True, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("touched_at", Float, nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("open_question", Integer),
    Column("ended", Integer, nullable=False, default=0),
)
students = Table(
    "students",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("class_id", ForeignKey("classes.id", **_CASCADE), nullable=False, index=True),
    Column("seat", Integer, nullable=False),
    Column("seat_hash", String(64), unique=True, nullable=False),
    Column("nickname", String(24), nullable=False),
)
questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("class_id", ForeignKey("classes.id", **_CASCADE), nullable=False, index=True),
    Column("key", String(80), nullable=False),
    Column("scenario", Text, nullable=False),
    Column("round", Integer, nullable=False),
    Column("state", String(10), nullable=False),
    Column("opened_at", Float, nullable=False),
)
answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("question_id", ForeignKey("questions.id", **_CASCADE), nullable=False),
    Column("round", Integer, nullable=False),
    Column("student_id", ForeignKey("students.id", **_CASCADE), nullable=False),
    Column("value", Float, nullable=False),
    Column("at", Float, nullable=False),
    UniqueConstraint("question_id", "round", "student_id"),
)
challenges = Table(
    "challenges",
    metadata,
    Column("class_id", ForeignKey("classes.id", **_CASCADE), primary_key=True),
    Column("goal", Text, nullable=False),
    Column("set_at", Float, nullable=False),
)
submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("class_id", ForeignKey("classes.id", **_CASCADE), nullable=False, index=True),
    Column("student_id", ForeignKey("students.id", **_CASCADE), nullable=False),
    Column("settings", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("at", Float, nullable=False),
)


def migrate(engine: Engine) -> int:
    """Create missing tables and record the version; safe to run again. Returns the version."""
    metadata.create_all(engine)
    with engine.begin() as conn:
        if conn.execute(select(schema_version.c.version)).first() is None:
            conn.execute(insert(schema_version).values(version=SCHEMA_VERSION))
        return conn.execute(select(schema_version.c.version)).scalar_one()
