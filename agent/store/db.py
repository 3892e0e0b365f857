"""Opening the store: URL resolution, engine, programmatic Alembic upgrade, the :class:`Store` API."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agent.store import actions, facts, fixtures, liveness
from agent.store.models import CallRecord, Order, VerifyFailure
from intents.dialogue_store import StoreUnavailable
from intents.policy.types import ActionRequest, OrderFacts
from intents.types import Action

log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///./var/voice-agent.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The default clock: now, in UTC."""
    return datetime.now(UTC)


def resolve_url(db_url: str | None = None) -> str:
    """``db_url``, else ``$VOICE_AGENT_DB_URL``, else the SQLite file ``./var/voice-agent.db``.

    ``postgresql://`` and ``postgres://`` URLs get the psycopg 3 driver (``postgresql+psycopg://``).
    """
    url = db_url or os.environ.get("VOICE_AGENT_DB_URL") or DEFAULT_URL
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    return url


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is still worth naming
        return "(unparsable database URL)"


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 5}
    elif parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 3}
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Store:
    """The after-sales store. Every method opens its own short transaction.

    Database trouble surfaces as :class:`StoreUnavailable` (unreachable) so the dialogue can
    apologise and offer a callback; bad fixtures as :class:`~agent.store.fixtures.FixtureError`.
    """

    def __init__(self, engine: Engine, clock: Clock = system_clock) -> None:
        self.engine = engine
        self.clock = clock
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return safe_url(self.engine.url.render_as_string(hide_password=False))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        try:
            with self._sessions.begin() as session:
                yield session
        except (OperationalError, DBAPIError) as exc:
            if isinstance(exc, OperationalError) or exc.connection_invalidated:
                log.warning("store unreachable: %s", type(exc.orig).__name__ if exc.orig else "error")
                raise StoreUnavailable("the order store cannot be reached") from exc
            raise

    def order_ids(self) -> list[str]:
        """Every order id in the store."""
        with self.session() as s:
            return list(s.scalars(select(Order.id).order_by(Order.id)))

    def order_facts(self, order_id: str) -> OrderFacts | None:
        """Everything about one order for the dialogue core, or None when unknown."""
        with self.session() as s:
            return facts.order_facts(s, order_id)

    def apply(
        self,
        requests: Sequence[ActionRequest],
        call_id: str | None,
        transcript: Sequence[Mapping[str, Any]] = (),
    ) -> list[tuple[Action, bool]]:
        """Persist ``requests`` in one transaction; returns each change and whether it is new.

        Idempotent: a refund, reship, coupon, investigation or return label already made on the
        order (in any call), or an escalation or callback already made in this call, is returned
        with ``False`` instead of being made again.
        """
        with self.session() as s:
            return [actions.apply(s, r, call_id, self.clock(), list(transcript)) for r in requests]

    def verify_failures_since(self, order_id: str, since: datetime) -> int:
        """Wrong verification answers recorded for ``order_id`` at or after ``since`` (any call)."""
        with self.session() as s:
            rows = s.scalars(
                select(VerifyFailure.id).where(VerifyFailure.order_id == order_id, VerifyFailure.at >= since)
            )
            return len(list(rows))

    def record_verify_failure(self, order_id: str, call_id: str | None) -> None:
        """Count one wrong verification answer against ``order_id`` (an unknown order is ignored)."""
        with self.session() as s:
            if s.get(Order, order_id) is not None:
                s.add(VerifyFailure(order_id=order_id, at=self.clock(), call_id=call_id))

    def changes_for_call(self, call_id: str) -> list[Action]:
        """The changes made by one call, in order: ``Action(kind, order_id, amount, currency)``."""
        with self.session() as s:
            return actions.changes_for_call(s, call_id)

    def load_fixtures(self, data: Mapping[str, Any]) -> int:
        """Load a scenario's ``fixtures:`` mapping in one transaction; returns the rows added.

        Raises :class:`~agent.store.fixtures.FixtureError` (naming the row and field) and loads
        nothing when any row is bad.
        """
        parsed = fixtures.parse(data)
        with self.session() as s:
            return fixtures.insert(s, parsed)

    def seed_demo(self) -> int:
        """Load the demo store (dated relative to the clock); 0 when it is already there."""
        from agent.store.seed import CASES, demo_fixtures

        with self.session() as s:
            if s.get(Order, CASES[0].order) is not None:
                return 0
        return self.load_fixtures(demo_fixtures(self.clock()))

    def record_call(
        self,
        call_id: str,
        started_at: datetime,
        ended_at: datetime | None,
        channel: str,
        transcript: Sequence[Mapping[str, Any]],
        latency: Mapping[str, Any] | None = None,
        language: str = "en",
    ) -> None:
        """Save (or update) the call record with its transcript, latencies, changes and language."""
        with self.session() as s:
            row = s.get(CallRecord, call_id) or CallRecord(id=call_id, started_at=started_at)
            row.ended_at = ended_at
            row.end_reason = liveness.ENDED if ended_at is not None else None
            if ended_at is not None:
                row.callback_number = None  # kept only while a survivor may need it
            row.channel = channel
            row.transcript = [dict(t) for t in transcript]
            row.latency = dict(latency or {})
            row.changes = actions.change_summaries(s, call_id)
            row.language = language
            s.add(row)

    # -- worker liveness (agent/store/liveness.py) ------------------------------------------
    def beat(self, worker_id: str) -> None:
        """``worker_id`` is alive now."""
        with self.session() as s:
            liveness.beat(s, worker_id, self.clock())

    def worker_stopped(self, worker_id: str) -> None:
        """``worker_id`` shut down cleanly."""
        with self.session() as s:
            liveness.stopped(s, worker_id, self.clock())

    def snapshot_call(self, call_id: str, worker_id: str, started_at: datetime, channel: str,
                      transcript: Sequence[Mapping[str, Any]], language: str = "en",
                      callback_number: str = "") -> None:
        """Save what a live call has said so far (it stays open)."""
        with self.session() as s:
            liveness.snapshot_call(s, call_id, worker_id, started_at, channel, transcript, language,
                                   callback_number)

    def close_lost_calls(self, lost_after_s: float, me: str = "",
                         callback_for: liveness.CallbackFor | None = None) -> list[str]:
        """Close the open calls of workers silent for over ``lost_after_s``, booking each
        caller's callback (``callback_for``); returns their call ids."""
        with self.session() as s:
            return liveness.close_lost_calls(s, self.clock(), lost_after_s, me, callback_for)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_store(db_url: str | None = None, clock: Clock | None = None) -> Store:
    """Open (and create and migrate on first use) the store at ``db_url``.

    ``db_url`` defaults to ``$VOICE_AGENT_DB_URL``, then the SQLite file ``./var/voice-agent.db``.
    Raises :class:`StoreUnavailable` when the database cannot be reached.
    """
    url = resolve_url(db_url)
    engine = _engine(url)
    try:
        migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        raise StoreUnavailable(f"cannot open the store at {safe_url(url)}") from exc
    except SQLAlchemyError:
        engine.dispose()
        raise
    return Store(engine, clock or system_clock)
