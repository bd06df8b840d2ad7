"""Synthetic responses, fast: 10k to 1M responses of the default resident
survey, inserted straight into the tables.

Realism comes from the demo's generator (``survey.demo.synthetic``): it
draws a POOL of respondents (districts, age bands and sex with the demo's
population shares and response rates; concern by district and worry;
show_if respected; ranking, multiple with max, missing codes, free text)
whose answers are checked with ``check_values`` and turned into answer rows
by the real ``ResponseWriter.rows_for``. Each synthetic response then takes
one pool member at random. Drawing every response from the generator would
cost ~4 ms each (an hour at 1M); sampling a pool of a few thousand keeps
every distribution and every code combination of the generator while the
insert runs at database speed.

Inserting: SQLite through the raw DB-API connection with ``executemany``
(one transaction, answer indexes dropped during the load and rebuilt after,
as a bulk load would), PostgreSQL through ``COPY FROM STDIN``. Then the
planner statistics are refreshed (ANALYZE), as autovacuum would on a live
PostgreSQL and as ``PRAGMA optimize`` would on SQLite.
"""

from __future__ import annotations

import itertools
import random
import secrets
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import RESIDENT_FILE, SURVEY_KEY, log
from survey.models.base import random_big_id

POOL_SIZE = 3000
SEED = 2026
BATCH = 20_000  # responses per batch
DATAGEN_VERSION = 4  # 4: the answers' report cube index (migration 0003)


@dataclass
class Template:
    mode: str
    language: str
    answers: list[tuple[int, int | None, float | None]]
    texts: list[tuple[int, str, str]]
    cell: tuple[int | None, ...]
    """The respondent's dimension codes (``survey.responses.cells``)."""


def prepare_schema(app: Any, *, survey_key: str = SURVEY_KEY, access: str | None = None) -> int:
    """Fresh tables, the resident survey imported and opened, the demo's
    population margins stored; returns the survey id."""
    import yaml

    from survey.definitions.lifecycle import open_survey
    from survey.definitions.store import import_survey
    from survey.demo.loader import _margins
    from survey.extensions import db

    raw = yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))
    raw["key"] = survey_key
    if access:
        raw["access"] = access
    with app.app_context():
        db.drop_all()
        db.create_all()
        survey = import_survey(db.session, raw).survey
        open_survey(db.session, survey.key)
        _margins(db.session, survey.consultation)
        db.session.commit()
        return int(survey.id)


def build_pool(app: Any, survey_key: str = SURVEY_KEY, size: int = POOL_SIZE) -> list[Template]:
    """``size`` checked synthetic respondents as answer-row templates."""
    from survey.definitions.definition import definition_of
    from survey.definitions.store import find_survey
    from survey.demo.synthetic import ResidentGenerator
    from survey.extensions import db
    from survey.responses.checking import check_values
    from survey.responses.storage import ResponseWriter

    rng = random.Random(SEED)
    pool: list[Template] = []
    with app.app_context():
        survey = find_survey(db.session, survey_key)
        assert survey is not None
        definition = definition_of(survey)
        generator = ResidentGenerator(definition, rng)
        writer = ResponseWriter(db.session, survey)
        for _ in range(size):
            _person, values = generator.respond()
            shown, kept, problems = check_values(definition, values)
            if problems:
                raise RuntimeError(f"generated answers break the rules: {problems[:3]}")
            roll = rng.random()
            mode = "paper" if rng.random() < 0.15 else "web"
            answers, texts = writer.rows_for(0, shown, kept, mode=mode)
            pool.append(
                Template(
                    mode=mode,
                    language="fr" if roll < 0.03 else "en" if roll < 0.05 else "nl",
                    answers=[(a["variable_id"], a["code"], a["number"]) for a in answers],
                    texts=[(t["variable_id"], t["text"], t["redacted"]) for t in texts],
                    cell=writer.cells.codes_of(answers),
                )
            )
        db.session.rollback()
    return pool


def _batches(
    pool: list[Template], survey_id: int, count: int, first_id: int, cell_ids: list[int]
) -> Any:  # Iterator of (responses, answers, texts)
    rng = random.Random(SEED + count)
    start = date(2026, 3, 1)
    for offset in range(0, count, BATCH):
        n = min(BATCH, count - offset)
        picks = rng.choices(range(len(pool)), k=n)
        responses: list[tuple[Any, ...]] = []
        answers: list[tuple[Any, ...]] = []
        texts: list[tuple[Any, ...]] = []
        for i, pick in enumerate(picks):
            rid = first_id + offset + i
            t = pool[pick]
            responses.append(
                (
                    rid,
                    secrets.token_hex(12),
                    survey_id,
                    1,
                    t.mode,
                    t.language,
                    start + timedelta(days=rid % 42),
                    True,
                )
            )
            cell_id = cell_ids[pick]
            answers.extend((rid, v, c, num, cell_id) for v, c, num in t.answers)
            texts.extend((rid, v, raw, red) for v, raw, red in t.texts)
        yield responses, answers, texts


RESPONSE_COLUMNS = (
    "id, public_id, survey_id, survey_version, mode, language, submitted_on, synthetic"
)


def insert_responses(
    app: Any, pool: list[Template], count: int, survey_key: str = SURVEY_KEY
) -> dict[str, Any]:
    """Insert ``count`` responses sampled from ``pool``; return timings."""
    from sqlalchemy import func, select

    from survey.definitions.store import find_survey
    from survey.extensions import db
    from survey.models import Answer, Response
    from survey.responses.storage import ResponseWriter

    began = time.perf_counter()
    with app.app_context():
        survey = find_survey(db.session, survey_key)
        assert survey is not None
        survey_id = int(survey.id)
        first_id = int(db.session.scalar(select(func.max(Response.id))) or 0) + 1
        # Every answer row carries its response's cell, as ResponseWriter
        # writes it: number the pool's cells before the load.
        writer = ResponseWriter(db.session, survey)
        cell_ids = [writer.cells.id_for(t.mode, t.cell) for t in pool]
        db.session.commit()
        engine = db.engine
        indexes = list(Answer.__table__.indexes)
        with engine.connect() as conn:
            for index in indexes:
                index.drop(conn, checkfirst=True)
            conn.commit()
        answers_total = 0
        raw = engine.raw_connection()
        try:
            dialect = engine.dialect.name
            cursor = raw.cursor()
            if dialect == "sqlite":
                cursor.execute("BEGIN")
            text_ids = itertools.count(1)
            for responses, answers, texts in _batches(pool, survey_id, count, first_id, cell_ids):
                answers_total += len(answers)
                if dialect == "sqlite":
                    cursor.executemany(
                        f"INSERT INTO responses ({RESPONSE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",  # noqa: S608
                        [(*r[:6], r[6].isoformat(), 1) for r in responses],
                    )
                    cursor.executemany(
                        "INSERT INTO answers (response_id, variable_id, code, number, cell_id) "
                        "VALUES (?,?,?,?,?)",
                        answers,
                    )
                    cursor.executemany(
                        "INSERT INTO free_texts (response_id, variable_id, text, redacted) "
                        "VALUES (?,?,?,?)",
                        texts,
                    )
                else:
                    with cursor.copy(f"COPY responses ({RESPONSE_COLUMNS}) FROM STDIN") as copy:
                        for r in responses:
                            copy.write_row(r)
                    # PostgreSQL has no default for these keys: the models draw
                    # them in Python (survey.models.base). Answers get random
                    # 62-bit keys like the app's; free texts numbers, since
                    # random 31-bit keys would collide in a large sample.
                    with cursor.copy(
                        "COPY answers (id, response_id, variable_id, code, number, cell_id) "
                        "FROM STDIN"
                    ) as copy:
                        for a in answers:
                            copy.write_row((random_big_id(), *a))
                    with cursor.copy(
                        "COPY free_texts (id, response_id, variable_id, text, redacted) FROM STDIN"
                    ) as copy:
                        for t in texts:
                            copy.write_row((next(text_ids), *t))
            raw.commit()
            if dialect == "postgresql":
                # Ids were given explicitly: move the sequence past them.
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('responses', 'id'), "
                    "(SELECT max(id) FROM responses))"
                )
                raw.commit()
        finally:
            raw.close()
        loaded = time.perf_counter()
        with engine.connect() as conn:
            for index in indexes:
                index.create(conn)
            conn.commit()
        indexed = time.perf_counter()
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                # As autovacuum leaves a loaded table: statistics and the
                # visibility map, so that index-only scans need no heap.
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE"
                )
            else:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
    done = time.perf_counter()
    return {
        "responses": count,
        "answer_rows": answers_total,
        "load_s": round(loaded - began, 2),
        "index_s": round(indexed - loaded, 2),
        "analyze_s": round(done - indexed, 2),
        "total_s": round(done - began, 2),
    }


def generate(url: str, count: int, pool: list[Template] | None = None) -> dict[str, Any]:
    """A fresh database at ``url`` holding ``count`` synthetic responses."""
    from bench.common import make_app

    app = make_app(url)
    prepare_schema(app)
    pool = pool or build_pool(app)
    info = insert_responses(app, pool, count)
    with app.app_context():
        from survey.extensions import db

        db.engine.dispose()
    log(f"  data: {count} responses, {info['answer_rows']} answer rows in {info['total_s']} s")
    return info


def _schema_head() -> str:
    """A short digest of the migration files' names: a new migration makes
    another name."""
    import hashlib

    versions = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    names = "\n".join(sorted(p.name for p in versions.glob("*.py")))
    return hashlib.sha256(names.encode()).hexdigest()[:8]


def sqlite_dataset(count: int, workdir: Path, *, fresh: bool = False) -> tuple[str, dict[str, Any]]:
    """An SQLite file with ``count`` responses, reused between runs when it
    was made by this version of the generator."""
    from bench.common import sqlite_url

    workdir.mkdir(parents=True, exist_ok=True)
    # The migrations name the file too: a file made before a
    # migration lacks its columns.
    path = workdir / f"data-{count}-v{DATAGEN_VERSION}-{_schema_head()}.sqlite"
    marker = path.with_suffix(".done")
    if path.exists() and marker.exists() and not fresh:
        import json

        return sqlite_url(path), {**json.loads(marker.read_text()), "reused": True}
    for leftover in workdir.glob(f"data-{count}-*"):
        leftover.unlink()
    info = generate(sqlite_url(path), count)
    import json

    marker.write_text(json.dumps(info))
    return sqlite_url(path), info
