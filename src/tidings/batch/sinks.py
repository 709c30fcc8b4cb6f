"""Where records go: a stream (``tidings read``), partition files in a directory, or the store.

Every sink is written by the driver process only (workers return records), so
no two processes ever write the same file or fight over a SQLite lock.

A sink answers :meth:`Sink.done` (which of these ids are already written?) so
that a re-run skips them, writes records, and commits on :meth:`Sink.close`.
The store's sink is :class:`tidings.batch.store_sink.StoreSink`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any, Protocol, TextIO

from tidings.errors import ConfigError, StoreError

# pyarrow takes about 0.45 s to import: it is imported where a Parquet partition is
# written or read, so that JSON Lines output and `tidings read` never pay for it.

logger = logging.getLogger(__name__)

OUT_FORMATS = ("jsonl", "parquet")
DEFAULT_PARTITION_SIZE = 10_000
MANIFEST_NAME = "manifest.sqlite"
ERRORS_NAME = "errors.jsonl"

_PARTITION_RE = re.compile(r"^part-(\d{5,})\.(jsonl|parquet)$")
_TEMP_RE = re.compile(r"^\.part-\d{5,}\.(jsonl|parquet)\.tmp$")
# Called by a sink with a record it could not write and the error, when the
# caller goes on after such a failure; without it the error propagates.
WriteErrorFn = Callable[[dict[str, Any], Exception], None]

# Parquet rows are buffered and written one row group at a time: large enough
# for efficient columns, small enough to keep the driver's memory flat.
_ROW_GROUP = 1_000


class Sink(Protocol):
    """What the driver writes records to."""

    description: str

    def done(self, ids: Sequence[str]) -> set[str]:
        """Return those of ``ids`` that are already written (by this run or an earlier one)."""
        ...

    def write(self, records: Sequence[dict[str, Any]], *, on_error: WriteErrorFn | None = None) -> int:
        """Write records; return how many were new.

        A sink that can refuse one record and keep the others (the store) hands
        such a record to ``on_error`` and goes on; a fault of the whole sink (a
        full disk) always raises.
        """
        ...

    def close(self) -> None:
        """Commit what was written and release resources."""
        ...


class ErrorLog:
    """An append-only JSON Lines file of failures: one object per failed item."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._file: IO[str] | None = None

    def write(self, entry: dict[str, Any]) -> None:
        """Append one failure (source, id, stage, reason, message) with a timestamp."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        line = {**entry, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        self._file.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


# ---------------------------------------------------------------- a stream


class StreamSink:
    """Records as JSON Lines on a text stream, in input order, as they come (``tidings read``).

    It holds nothing, so it never skips an article as done, and it flushes
    after each write so that a reader of the stream sees records as soon as
    they are analysed.

    Args:
        stream: where to write (standard output for ``tidings read``).
        pretty: indent each record (then one record spans several lines).
    """

    description = "the output stream"

    def __init__(self, stream: TextIO, *, pretty: bool = False) -> None:
        self.stream = stream
        self.indent = 2 if pretty else None

    def done(self, ids: Sequence[str]) -> set[str]:
        return set()

    def write(self, records: Sequence[dict[str, Any]], *, on_error: WriteErrorFn | None = None) -> int:
        for record in records:
            self.stream.write(json.dumps(record, ensure_ascii=False, indent=self.indent) + "\n")
        self.stream.flush()
        return len(records)

    def close(self) -> None:
        self.stream.flush()


# ---------------------------------------------------------------- partition files


# Top-level record fields stored as their own Parquet columns; every other
# field is nested (lists of objects whose keys vary by stage and version) and
# is stored as a JSON string column so that every partition has one schema.
_SCALAR_COLUMNS = (
    "id", "source_path", "source_entry", "format", "headline", "published",
    "published_from", "dateline", "publisher", "url", "author", "language", "text",
)  # fmt: skip
_JSON_COLUMNS = ("sections", "captions", "entities", "times", "quotes", "events")


def parquet_schema() -> Any:
    """The Arrow schema of Parquet partitions (nested fields as JSON strings)."""
    import pyarrow as pa  # Parquet only (see the note on pyarrow above)

    fields = [pa.field(name, pa.string()) for name in _SCALAR_COLUMNS]
    fields.append(pa.field("wire", pa.list_(pa.string())))
    fields.extend(pa.field(name, pa.string()) for name in _JSON_COLUMNS)
    fields.append(pa.field("extra", pa.string()))
    return pa.schema(fields)


def _parquet_row(record: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {name: record.get(name) for name in _SCALAR_COLUMNS}
    row["wire"] = list(record.get("wire") or [])
    for name in _JSON_COLUMNS:
        row[name] = json.dumps(record.get(name) or [], ensure_ascii=False)
    known = {*_SCALAR_COLUMNS, *_JSON_COLUMNS, "wire"}
    extra = {k: v for k, v in record.items() if k not in known}
    row["extra"] = json.dumps(extra, ensure_ascii=False) if extra else None
    return row


def parquet_record(row: dict[str, Any]) -> dict[str, Any]:
    """Turn a row read back from a Parquet partition into the record it was written from."""
    record: dict[str, Any] = {name: row.get(name) for name in _SCALAR_COLUMNS}
    record["wire"] = list(row.get("wire") or [])
    for name in _JSON_COLUMNS:
        record[name] = json.loads(row[name]) if row.get(name) else []
    if row.get("extra"):
        record.update(json.loads(row["extra"]))
    return record


class _PartitionWriter:
    """One partition being written to a temporary file, renamed into place on commit."""

    def __init__(self, final: Path, fmt: str) -> None:
        self.final = final
        self.temp = final.with_name(f".{final.name}.tmp")
        self.fmt = fmt
        self.ids: list[str] = []
        self._rows: list[dict[str, Any]] = []
        self._file: IO[str] | None = None
        self._pq: Any = None
        if fmt == "jsonl":
            self._file = self.temp.open("w", encoding="utf-8")
        else:
            import pyarrow.parquet as pq  # Parquet only (see the note on pyarrow above)

            self._pq = pq.ParquetWriter(str(self.temp), parquet_schema(), compression="zstd")

    def add(self, record: dict[str, Any]) -> None:
        self.ids.append(record["id"])
        if self._file is not None:
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            self._rows.append(_parquet_row(record))
            if len(self._rows) >= _ROW_GROUP:
                self._flush_rows()

    def _flush_rows(self) -> None:
        import pyarrow as pa  # Parquet only (see the note on pyarrow above)

        if self._rows:
            self._pq.write_table(pa.Table.from_pylist(self._rows, schema=parquet_schema()))
            self._rows = []

    def commit(self) -> None:
        """Flush, sync to disk and rename the temporary file to its final name."""
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        else:
            self._flush_rows()
            self._pq.close()
        os.replace(self.temp, self.final)
        _fsync_dir(self.final.parent)

    def abandon(self) -> None:
        """Close and delete the temporary file (nothing of it is kept)."""
        if self._file is not None:
            self._file.close()
        elif self._pq is not None:
            self._pq.close()
        self.temp.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    # A rename is durable only once its directory entry is; not every OS allows this.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _partition_ids(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq  # Parquet only (see the note on pyarrow above)

        return [str(i) for i in pq.read_table(path, columns=["id"]).column("id").to_pylist()]
    ids = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                ids.append(json.loads(line)["id"])
    return ids


class PartitionSink:
    """Records as numbered partition files in a directory, with a manifest of done ids.

    Files are ``part-00000.jsonl`` (or ``.parquet``), ``part-00001...``, each
    holding up to ``partition_size`` records. A partition is written to a
    hidden temporary file and renamed into place when full or when the batch
    ends, so a killed run never leaves half a partition. ``manifest.sqlite``
    lists every committed id and its partition; it is written by this process
    only. Lookups go to SQLite, not to a set in memory, so resuming a run of
    tens of millions of articles does not need gigabytes.

    Args:
        out_dir: the directory (created if missing).
        fmt: ``"jsonl"`` or ``"parquet"``.
        partition_size: records per partition file.
    """

    def __init__(
        self,
        out_dir: str | os.PathLike[str],
        *,
        fmt: str = "jsonl",
        partition_size: int = DEFAULT_PARTITION_SIZE,
    ) -> None:
        if fmt not in OUT_FORMATS:
            raise ConfigError(f"[T801] unknown output format {fmt!r}; expected one of {list(OUT_FORMATS)}")
        if partition_size < 1:
            raise ConfigError(f"[T802] the partition size must be at least 1, not {partition_size}")
        self.out_dir = Path(out_dir)
        self.fmt = fmt
        self.partition_size = partition_size
        self.description = str(self.out_dir)
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.out_dir / MANIFEST_NAME)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"[T803] cannot open the output directory {str(self.out_dir)!r}: {exc}") from exc
        self._db.executescript(
            "CREATE TABLE IF NOT EXISTS partitions (name TEXT PRIMARY KEY, records INTEGER NOT NULL,"
            " committed TEXT NOT NULL);"
            "CREATE TABLE IF NOT EXISTS done (id TEXT PRIMARY KEY, partition TEXT NOT NULL);"
            "CREATE INDEX IF NOT EXISTS done_partition ON done (partition);"
        )
        self._writer: _PartitionWriter | None = None
        self._current: set[str] = set()
        self._next = self._recover()

    def _recover(self) -> int:
        """Reconcile the manifest with the files present; return the next partition number."""
        for entry in self.out_dir.iterdir():
            if _TEMP_RE.match(entry.name):
                logger.info("removing %s, left by an interrupted run", entry)
                entry.unlink(missing_ok=True)
        present = {e.name: e for e in self.out_dir.iterdir() if _PARTITION_RE.match(e.name)}
        known = {name for (name,) in self._db.execute("SELECT name FROM partitions")}
        with self._db:
            for name in sorted(known - present.keys()):
                logger.warning("partition %s is gone; its articles will be analysed again", name)
                self._db.execute("DELETE FROM done WHERE partition = ?", (name,))
                self._db.execute("DELETE FROM partitions WHERE name = ?", (name,))
            for name in sorted(present.keys() - known):
                # Renamed into place, but the run died before the manifest was updated.
                ids = _partition_ids(present[name])
                logger.info("adding %d ids of %s to the manifest", len(ids), name)
                self._record(name, ids)
        numbers = [int(m.group(1)) for n in present if (m := _PARTITION_RE.match(n))]
        return max(numbers, default=-1) + 1

    def _record(self, name: str, ids: list[str]) -> None:
        self._db.executemany(
            "INSERT OR IGNORE INTO done (id, partition) VALUES (?, ?)", ((i, name) for i in ids)
        )
        self._db.execute(
            "INSERT OR REPLACE INTO partitions (name, records, committed) VALUES (?, ?, ?)",
            (name, len(ids), time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
        )

    def done(self, ids: Sequence[str]) -> set[str]:
        found = {i for i in ids if i in self._current}
        rest = [i for i in ids if i not in found]
        # SQLite allows 32,766 host parameters; chunks are far smaller.
        for start in range(0, len(rest), 500):
            part = rest[start : start + 500]
            marks = ",".join("?" * len(part))
            found.update(i for (i,) in self._db.execute(f"SELECT id FROM done WHERE id IN ({marks})", part))
        return found

    def write(self, records: Sequence[dict[str, Any]], *, on_error: WriteErrorFn | None = None) -> int:
        written = 0
        for record in records:
            if record["id"] in self._current:
                continue
            if self._writer is None:
                name = f"part-{self._next:05d}.{self.fmt}"
                self._next += 1
                self._writer = _PartitionWriter(self.out_dir / name, self.fmt)
            self._writer.add(record)
            self._current.add(record["id"])
            written += 1
            if len(self._writer.ids) >= self.partition_size:
                self._commit()
        return written

    def _commit(self) -> None:
        writer, self._writer = self._writer, None
        if writer is None:
            return
        try:
            writer.commit()
        except OSError as exc:
            writer.abandon()
            raise StoreError(f"[T804] cannot write the partition {str(writer.final)!r}: {exc}") from exc
        with self._db:
            self._record(writer.final.name, writer.ids)
        self._current.clear()
        logger.debug("committed %s (%d records)", writer.final, len(writer.ids))

    def close(self) -> None:
        try:
            self._commit()
        finally:
            self._db.close()

    def partitions(self) -> list[Path]:
        """Return the committed partition files, in order."""
        return sorted(p for p in self.out_dir.iterdir() if _PARTITION_RE.match(p.name))


def read_partitions(out_dir: str | os.PathLike[str]) -> Iterable[dict[str, Any]]:
    """Yield every record of the partition files in ``out_dir`` (JSON Lines or Parquet).

    Args:
        out_dir: a directory written by ``tidings batch --out``.

    Yields:
        The records, partition by partition.
    """
    for path in sorted(Path(out_dir).iterdir()):
        if not _PARTITION_RE.match(path.name):
            continue
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq  # Parquet only (see the note on pyarrow above)

            for batch in pq.ParquetFile(path).iter_batches():
                for row in batch.to_pylist():
                    yield parquet_record(row)
        else:
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        yield json.loads(line)
