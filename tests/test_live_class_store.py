import os
import threading

import pytest
from sqlalchemy import select

from app.classroom.tokens import token_hash
from app.storage import schema
from app.storage.engine import make_engine
from app.storage.records import Committed, Count, Refused
from app.storage.store import ClassStore
from deploy import postgres

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
T0 = 1_000_000.0


@pytest.fixture(scope="session")
def pg_url():
    if not postgres.available():
        reason = f"{postgres.BIN} not found: install it with `apt-get install postgresql`"
        if IN_CI:
            pytest.fail(f"{reason} (CI=true, so the PostgreSQL tests may not be skipped)")
        pytest.skip(reason)
    with postgres.throwaway() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    else:
        eng = make_engine(request.getfixturevalue("pg_url"))
        schema.metadata.drop_all(eng)
    yield eng
    eng.dispose()


def test_whole_class(engine):
    store = ClassStore(engine)
    new = store.create_class(T0)
    assert store.class_by_code(new.code, T0).class_id == new.class_id
    assert store.class_by_teach_token(new.teach_token, T0).class_id == new.class_id
    with engine.connect() as c:
        hashes = c.execute(select(schema.classes.c.teach_hash)).scalars().all()
    assert hashes == [token_hash(new.teach_token)]
    a = store.join(new.class_id, "Ada", T0)
    b = store.join(new.class_id, "<script>x</script>" + "y" * 10_000, T0)
    assert (a.seat_number, b.seat_number) == (1, 2) and len(b.nickname) == 24
    assert store.seat_by_token(new.class_id, b.seat_token).student_id == b.student_id
    assert store.seat_by_token(new.class_id, "nope") is None
    v0 = store.version(new.class_id)
    q = store.ask(new.class_id, "notebook:x", "{}", T0 + 1)
    assert store.version(new.class_id) == v0 + 1 and q.round == 1
    assert store.commit(new.class_id, a.student_id, q.question_id, 1, 2.5, T0 + 2) == Committed(2.5)
    assert store.commit(new.class_id, a.student_id, q.question_id, 1, 3.0, T0 + 2) == Refused(
        "already locked in"
    )
    assert store.commit(
        new.class_id, b.student_id, q.question_id, 2, 3.0, T0 + 2
    ).reason.startswith("this round")
    assert store.counts(new.class_id) == Count(1, 2)
    store.reveal(new.class_id, T0 + 3)
    assert store.current(new.class_id).state == "revealed"
    assert isinstance(
        store.commit(new.class_id, b.student_id, q.question_id, 1, 1.0, T0 + 3), Refused
    )
    again = store.vote_again(new.class_id, T0 + 4)
    assert again.round == 2 and store.counts(new.class_id) == Count(0, 2)
    assert store.commit(new.class_id, a.student_id, q.question_id, 2, 4.0, T0 + 5) == Committed(4.0)
    assert store.answers(q.question_id, 1) == (2.5,) and store.answers(q.question_id, 2) == (4.0,)
    assert store.my_answer(q.question_id, 2, a.student_id) == 4.0
    assert store.my_answer(q.question_id, 2, b.student_id) is None
    assert store.by_student(q.question_id, 1) == {a.student_id: 2.5}
    assert store.by_student(q.question_id, 2) == {a.student_id: 4.0}
    rows = store.export_rows(new.class_id)
    assert [(r.nickname, r.question_key, r.value, r.round) for r in rows] == [
        ("Ada", "notebook:x", 2.5, 1),
        ("Ada", "notebook:x", 4.0, 2),
    ]
    store.set_challenge(new.class_id, '{"kind": "largest_stable_lr"}', T0 + 6)
    assert store.challenge(new.class_id) == '{"kind": "largest_stable_lr"}'
    store.submit(new.class_id, a.student_id, "lr=1", 5.0, T0 + 7)
    store.submit(new.class_id, b.student_id, "lr=2", 3.0, T0 + 8)
    assert [e.score for e in store.leaderboard(new.class_id)] == [3.0, 5.0]
    store.end(new.class_id)
    assert store.class_by_code(new.code, T0 + 9) is None and store.version(new.class_id) == 0


def test_idle_and_purge(engine):
    store = ClassStore(engine)
    old, fresh = store.create_class(T0), store.create_class(T0 + 13 * 3600)
    store.join(old.class_id, "x", T0)
    assert store.class_by_code(old.code, T0 + 13 * 3600) is None
    assert store.purge_idle(T0 + 13 * 3600) == 1
    assert store.class_by_code(fresh.code, T0 + 13 * 3600) is not None
    assert store.purge_idle(T0 + 13 * 3600) == 0


def test_concurrent_commits(engine):
    store = ClassStore(engine)
    new = store.create_class(T0)
    seats = [store.join(new.class_id, f"s{i}", T0) for i in range(20)]
    q = store.ask(new.class_id, "notebook:x", "{}", T0)
    results = []

    def go(seat):
        results.append(store.commit(new.class_id, seat.student_id, q.question_id, 1, 1.0, T0))

    threads = [threading.Thread(target=go, args=(s,)) for s in seats + seats[:1]]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert store.counts(new.class_id) == Count(20, 20)
    assert sum(isinstance(r, Refused) for r in results) == 1


def test_restart_and_migrate(tmp_path, monkeypatch):
    monkeypatch.setenv("LINREG_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.delenv("LINREG_CLASS_DB", raising=False)
    eng = make_engine()
    assert (tmp_path / "d" / "class.sqlite3").parent.is_dir()
    new = ClassStore(eng).create_class(T0)
    assert schema.migrate(eng) == schema.SCHEMA_VERSION == 1
    with eng.connect() as c:
        assert c.execute(select(schema.schema_version.c.version)).scalars().all() == [1]
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    eng.dispose()
    again = ClassStore(make_engine())
    assert again.class_by_code(new.code, T0).class_id == new.class_id
    assert os.path.exists(tmp_path / "d" / "class.sqlite3")


def test_a_run_question_and_the_challenge_board(engine):
    """A scenario's question keeps its link query; the challenge keeps each student's best."""
    from app.classroom.scenario import FEWEST_EPOCHS, Goal, goal_json, read_goal, scenario_json
    from app.model.settings import Settings

    store = ClassStore(engine)
    new = store.create_class(T0)
    a, b, c = (store.join(new.class_id, n, T0) for n in ("Ada", "Bob", "Cy"))
    scenario = scenario_json(Settings(lr=0.05, epochs=60))
    q = store.ask(new.class_id, "run:state", scenario, T0 + 1)
    assert store.current(new.class_id) == q and q.scenario_json == '{"epochs": "60", "lr": "0.05"}'
    assert store.challenge_set_at(new.class_id) is None
    goal = Goal(FEWEST_EPOCHS, scenario, 2.0)
    store.set_challenge(new.class_id, goal_json(goal), T0 + 2)
    assert read_goal(store.challenge(new.class_id)) == goal
    assert store.challenge_set_at(new.class_id) == T0 + 2
    v = store.version(new.class_id)
    for seat, value, at in ((a, 12.0, 3), (b, 9.0, 4), (a, 7.0, 5), (a, 20.0, 6), (c, 9.0, 7)):
        store.submit(new.class_id, seat.student_id, '{"lr": "0.1"}', value, T0 + at)
    assert store.version(new.class_id) == v + 5  # each submission moves the projector
    best = store.best_by_student(new.class_id)
    assert [(e.nickname, e.score) for e in best] == [("Ada", 7.0), ("Bob", 9.0), ("Cy", 9.0)]
    assert [e.nickname for e in store.best_by_student(new.class_id, limit=2)] == ["Ada", "Bob"]
    assert store.submissions_by(new.class_id, a.student_id) == 3
    assert store.submissions_by(new.class_id, c.student_id) == 1
    # A new challenge starts from an empty board; ending it removes it and its submissions.
    store.set_challenge(new.class_id, goal_json(goal), T0 + 8)
    assert store.best_by_student(new.class_id) == ()
    store.submit(new.class_id, b.student_id, "{}", 1.0, T0 + 9)
    store.end_challenge(new.class_id, T0 + 10)
    assert store.challenge(new.class_id) is None and store.challenge_set_at(new.class_id) is None
    with engine.connect() as conn:
        assert conn.execute(select(schema.submissions.c.id)).first() is None
    store.end(new.class_id)


def test_on_write_runs_after_each_committed_write_and_never_for_a_read(engine):
    """The app drops its shared reads there: the write must be visible when it runs."""
    seen, box = [], {}
    store = ClassStore(engine, on_write=lambda: seen.append(box and store.current(box["id"])))
    cls = store.create_class(T0)
    box["id"] = cls.class_id
    assert len(seen) == 1
    seat = store.join(cls.class_id, "Ada", T0)
    q = store.ask(cls.class_id, "notebook:x", "{}", T0 + 1)
    assert len(seen) == 3 and seen[-1] == q  # the new question, already committed
    store.class_by_code(cls.code, T0)
    store.current(cls.class_id)
    store.counts(cls.class_id)
    store.my_answer(q.question_id, 1, seat.student_id)
    assert len(seen) == 3
    store.commit(cls.class_id, seat.student_id, q.question_id, 1, 2.5, T0 + 2)
    store.reveal(cls.class_id, T0 + 3)
    store.end(cls.class_id)
    assert len(seen) == 6
