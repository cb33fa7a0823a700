"""ClassStore: every read and write of a live class, each write one transaction."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.classroom.codes import new_code
from app.classroom.rules import clean_nickname
from app.classroom.tokens import new_token, token_hash
from app.storage import schema as t
from app.storage.records import (
    Asked,
    ClassInfo,
    Committed,
    Count,
    Entry,
    ExportRow,
    NewClass,
    Refused,
    Seat,
)

IDLE_HOURS = 12


class ClassStore:
    """The live class's database, through SQLAlchemy Core with bound parameters only."""

    def __init__(self, engine: Engine, on_write: Callable[[], None] | None = None):
        """``on_write`` runs after every write's transaction has committed (the app drops
        its shared reads there)."""
        self.engine = engine
        self._on_write = on_write
        t.migrate(engine)

    @contextmanager
    def _write(self) -> Iterator:
        """One write's transaction; ``on_write`` once it has committed."""
        with self.engine.begin() as conn:
            yield conn
        if self._on_write is not None:
            self._on_write()

    @staticmethod
    def _bump(conn, class_id: int, now: float) -> None:
        conn.execute(
            update(t.classes)
            .where(t.classes.c.id == class_id)
            .values(version=t.classes.c.version + 1, touched_at=now)
        )

    def _add(self, conn, table, class_id: int, now: float, /, **values) -> int:
        """Insert one row of the class and bump the class's version: the new row's id."""
        row_id = conn.execute(insert(table).values(**values)).inserted_primary_key[0]
        self._bump(conn, class_id, now)
        return row_id

    def create_class(self, now: float) -> NewClass:
        """Open a class with a fresh code and teacher token."""
        for _ in range(20):
            code, token = new_code(), new_token()
            try:
                with self._write() as conn:
                    cid = conn.execute(
                        insert(t.classes).values(
                            code=code,
                            teach_hash=token_hash(token),
                            created_at=now,
                            touched_at=now,
                            version=1,
                            ended=0,
                        )
                    ).inserted_primary_key[0]
                return NewClass(cid, code, token)
            except IntegrityError:
                continue
        raise RuntimeError("Could not find a free class code.")

    def _class(self, where, now: float) -> ClassInfo | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.classes).where(where)).first()
        if row is None or row.ended or now - row.touched_at > IDLE_HOURS * 3600:
            return None
        return ClassInfo(row.id, row.code, row.version)

    def class_by_code(self, code: str, now: float) -> ClassInfo | None:
        """The live class of this code, or None when ended or idle more than 12 h."""
        return self._class(t.classes.c.code == code, now)

    def class_by_teach_token(self, token: str, now: float) -> ClassInfo | None:
        """The live class whose teacher holds this token."""
        return self._class(t.classes.c.teach_hash == token_hash(token), now)

    def join(self, class_id: int, nickname: str, now: float) -> Seat:
        """A new seat in the class (nickname cleaned)."""
        token = new_token()
        with self._write() as conn:
            seat = (
                conn.execute(
                    select(func.coalesce(func.max(t.students.c.seat), 0)).where(
                        t.students.c.class_id == class_id
                    )
                ).scalar_one()
                + 1
            )
            name = clean_nickname(nickname, seat)
            sid = self._add(
                conn,
                t.students,
                class_id,
                now,
                class_id=class_id,
                seat=seat,
                seat_hash=token_hash(token),
                nickname=name,
            )
        return Seat(sid, seat, name, token)

    def seat_by_token(self, class_id: int, seat_token: str) -> Seat | None:
        """The seat this token holds in this class, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.students).where(
                    t.students.c.class_id == class_id,
                    t.students.c.seat_hash == token_hash(seat_token),
                )
            ).first()
        return None if row is None else Seat(row.id, row.seat, row.nickname, seat_token)

    def version(self, class_id: int) -> int:
        """The class's version (0 when it is gone)."""
        with self.engine.connect() as conn:
            v = conn.execute(select(t.classes.c.version).where(t.classes.c.id == class_id)).scalar()
        return int(v or 0)

    def _open(self, conn, class_id, key, scenario, rnd, now) -> Asked:
        conn.execute(
            update(t.questions)
            .where(t.questions.c.class_id == class_id, t.questions.c.state != "closed")
            .values(state="closed")
        )
        qid = conn.execute(
            insert(t.questions).values(
                class_id=class_id,
                key=key,
                scenario=scenario,
                round=rnd,
                state="open",
                opened_at=now,
            )
        ).inserted_primary_key[0]
        conn.execute(update(t.classes).where(t.classes.c.id == class_id).values(open_question=qid))
        self._bump(conn, class_id, now)
        return Asked(qid, key, scenario, rnd, "open")

    def ask(self, class_id: int, question_key: str, scenario_json: str, now: float) -> Asked:
        """Put a question on the board (round 1); the previous one closes."""
        with self._write() as conn:
            return self._open(conn, class_id, question_key, scenario_json, 1, now)

    def _current(self, conn, class_id):
        return conn.execute(
            select(t.questions)
            .join(t.classes, t.classes.c.open_question == t.questions.c.id)
            .where(t.classes.c.id == class_id)
        ).first()

    def current(self, class_id: int) -> Asked | None:
        """The question on the board, or None."""
        with self.engine.connect() as conn:
            q = self._current(conn, class_id)
        return None if q is None else Asked(q.id, q.key, q.scenario, q.round, q.state)

    def vote_again(self, class_id: int, now: float) -> Asked | None:
        """The same question again, next round, open (None when nothing was asked)."""
        with self._write() as conn:
            q = self._current(conn, class_id)
            if q is None:
                return None
            conn.execute(
                update(t.questions)
                .where(t.questions.c.id == q.id)
                .values(round=q.round + 1, state="open")
            )
            self._bump(conn, class_id, now)
            return Asked(q.id, q.key, q.scenario, q.round + 1, "open")

    def reveal(self, class_id: int, now: float) -> None:
        """The open question becomes revealed."""
        with self._write() as conn:
            q = self._current(conn, class_id)
            if q is not None and q.state == "open":
                conn.execute(
                    update(t.questions).where(t.questions.c.id == q.id).values(state="revealed")
                )
                self._bump(conn, class_id, now)

    def commit(self, class_id, student_id, question_id, round, value, now) -> Committed | Refused:
        """Lock in one answer; a second one for the same round is refused."""
        value = float(value)
        try:
            with self._write() as conn:
                q = conn.execute(
                    select(t.questions).where(
                        t.questions.c.id == question_id, t.questions.c.class_id == class_id
                    )
                ).first()
                if q is None:
                    return Refused("there is no such question in this class")
                if q.state != "open":
                    return Refused("this question is no longer open")
                if q.round != round:
                    return Refused("this round is over; the teacher asked again")
                owner = conn.execute(
                    select(t.students.c.class_id).where(t.students.c.id == student_id)
                ).scalar()
                if owner != class_id:
                    return Refused("this seat is not in this class")
                self._add(
                    conn,
                    t.answers,
                    class_id,
                    now,
                    question_id=question_id,
                    round=round,
                    student_id=student_id,
                    value=value,
                    at=now,
                )
            return Committed(value)
        except IntegrityError:
            return Refused("already locked in")

    def answers(self, question_id: int, round: int) -> tuple[float, ...]:
        """The round's answers, without names."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.answers.c.value)
                .where(t.answers.c.question_id == question_id, t.answers.c.round == round)
                .order_by(t.answers.c.id)
            ).scalars()
            return tuple(float(v) for v in rows)

    def my_answer(self, question_id: int, round: int, student_id: int) -> float | None:
        """This student's answer for the round, or None."""
        with self.engine.connect() as conn:
            v = conn.execute(
                select(t.answers.c.value).where(
                    t.answers.c.question_id == question_id,
                    t.answers.c.round == round,
                    t.answers.c.student_id == student_id,
                )
            ).scalar()
        return None if v is None else float(v)

    def by_student(self, question_id: int, round: int) -> dict[int, float]:
        """The round's answers keyed by student id: for who moved between rounds (never shown)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.answers.c.student_id, t.answers.c.value).where(
                    t.answers.c.question_id == question_id, t.answers.c.round == round
                )
            ).all()
        return {int(sid): float(v) for sid, v in rows}

    def counts(self, class_id: int) -> Count:
        """Answered (current round) of joined."""
        with self.engine.connect() as conn:
            joined = conn.execute(
                select(func.count())
                .select_from(t.students)
                .where(t.students.c.class_id == class_id)
            ).scalar_one()
            q = self._current(conn, class_id)
            answered = 0
            if q is not None:
                answered = conn.execute(
                    select(func.count())
                    .select_from(t.answers)
                    .where(t.answers.c.question_id == q.id, t.answers.c.round == q.round)
                ).scalar_one()
        return Count(int(answered), int(joined))

    def set_challenge(self, class_id: int, goal_json: str, now: float) -> None:
        """Set (or replace) the class's challenge; earlier submissions go."""
        with self._write() as conn:
            conn.execute(delete(t.submissions).where(t.submissions.c.class_id == class_id))
            conn.execute(delete(t.challenges).where(t.challenges.c.class_id == class_id))
            self._add(
                conn, t.challenges, class_id, now, class_id=class_id, goal=goal_json, set_at=now
            )

    def challenge(self, class_id: int) -> str | None:
        """The challenge's goal JSON, or None."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(t.challenges.c.goal).where(t.challenges.c.class_id == class_id)
            ).scalar()

    def submit(
        self, class_id: int, student_id: int, settings_json: str, score: float, now: float
    ) -> None:
        """Store a submission whose score the server computed."""
        with self._write() as conn:
            self._add(
                conn,
                t.submissions,
                class_id,
                now,
                class_id=class_id,
                student_id=student_id,
                settings=settings_json,
                score=float(score),
                at=now,
            )

    def _ranked(self, class_id: int):
        """The class's submissions as (student id, nickname, score, settings) rows: best
        (lowest) score first, earliest first among ties."""
        s = t.submissions.c
        with self.engine.connect() as conn:
            return conn.execute(
                select(s.student_id, t.students.c.nickname, s.score, s.settings)
                .join(t.students, t.students.c.id == s.student_id)
                .where(s.class_id == class_id)
                .order_by(s.score, s.at, s.id)
            ).all()

    def leaderboard(self, class_id: int) -> tuple[Entry, ...]:
        """Submissions, best (lowest) score first, earliest first among ties."""
        return tuple(Entry(n, float(v), j) for _, n, v, j in self._ranked(class_id))

    def best_by_student(self, class_id: int, limit: int = 10) -> tuple[Entry, ...]:
        """Each student's best submission (lowest score, earliest among ties), best first."""
        seen: set[int] = set()
        best = []
        for sid, name, value, settings in self._ranked(class_id):
            if sid not in seen and len(best) < limit:
                seen.add(sid)
                best.append(Entry(name, float(value), settings))
        return tuple(best)

    def submissions_by(self, class_id: int, student_id: int) -> int:
        """How many submissions this student made to the class's challenge."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.count())
                .select_from(t.submissions)
                .where(
                    t.submissions.c.class_id == class_id,
                    t.submissions.c.student_id == student_id,
                )
            ).scalar_one()

    def challenge_set_at(self, class_id: int) -> float | None:
        """When the class's challenge was set (it tells a phone the challenge changed)."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(t.challenges.c.set_at).where(t.challenges.c.class_id == class_id)
            ).scalar()

    def end_challenge(self, class_id: int, now: float) -> None:
        """Remove the challenge and its submissions."""
        with self._write() as conn:
            conn.execute(delete(t.submissions).where(t.submissions.c.class_id == class_id))
            conn.execute(delete(t.challenges).where(t.challenges.c.class_id == class_id))
            self._bump(conn, class_id, now)

    def export_rows(self, class_id: int) -> tuple[ExportRow, ...]:
        """Every answer of the class with its nickname, in time order."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    t.students.c.nickname,
                    t.questions.c.key,
                    t.answers.c.value,
                    t.answers.c.round,
                    t.answers.c.at,
                )
                .join(t.questions, t.questions.c.id == t.answers.c.question_id)
                .join(t.students, t.students.c.id == t.answers.c.student_id)
                .where(t.questions.c.class_id == class_id)
                .order_by(t.answers.c.at, t.answers.c.id)
            ).all()
        return tuple(ExportRow(n, k, float(v), int(r), float(a)) for n, k, v, r, a in rows)

    @staticmethod
    def _delete(conn, ids) -> None:
        qids = select(t.questions.c.id).where(t.questions.c.class_id.in_(ids))
        conn.execute(delete(t.answers).where(t.answers.c.question_id.in_(qids)))
        conn.execute(delete(t.submissions).where(t.submissions.c.class_id.in_(ids)))
        conn.execute(delete(t.challenges).where(t.challenges.c.class_id.in_(ids)))
        conn.execute(update(t.classes).where(t.classes.c.id.in_(ids)).values(open_question=None))
        conn.execute(delete(t.questions).where(t.questions.c.class_id.in_(ids)))
        conn.execute(delete(t.students).where(t.students.c.class_id.in_(ids)))
        conn.execute(delete(t.classes).where(t.classes.c.id.in_(ids)))

    def end(self, class_id: int) -> None:
        """Delete the class and everything of it."""
        with self._write() as conn:
            self._delete(conn, [class_id])

    def purge_idle(self, now: float, hours: float = IDLE_HOURS) -> int:
        """Delete classes untouched for ``hours``; returns how many."""
        with self._write() as conn:
            ids = list(
                conn.execute(
                    select(t.classes.c.id).where(t.classes.c.touched_at < now - hours * 3600)
                ).scalars()
            )
            if ids:
                self._delete(conn, ids)
        return len(ids)
