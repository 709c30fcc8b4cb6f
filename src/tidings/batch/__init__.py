"""Stream articles through the pipeline: the one path from read to write.

The driver (:mod:`tidings.batch.driver`) reads the inputs lazily, skips
articles already written, groups the rest into chunks and hands each chunk to
an executor (this process, a Dask ``LocalCluster`` or an existing scheduler);
every executor runs :func:`tidings.batch.work.process_chunk`. The driver alone
writes the records to a sink (a stream, partition files or the store) and
reports each failure with one line. ``tidings batch`` (:func:`run_batch`),
``tidings read`` (:func:`read_sources`), ``tidings ingest``
(:func:`ingest_sources`) and the API's ``POST /articles`` (:func:`add_article`)
all go through it.

Example:
    >>> from tidings.batch import PartitionSink, run_batch
    >>> summary = run_batch(["news/"], PartitionSink("out/"), workers=2)  # doctest: +SKIP
    >>> summary.stored  # doctest: +SKIP
    417
"""

from __future__ import annotations

from tidings.batch.driver import (
    DEFAULT_CHUNK_SIZE,
    Driver,
    default_errors_path,
    open_sink,
    run_batch,
)
from tidings.batch.executors import DaskExecutor, Executor, InlineExecutor, make_executor
from tidings.batch.progress import Progress
from tidings.batch.runs import (
    Added,
    IngestReport,
    add_article,
    ingest_sources,
    read_records,
    read_sources,
)
from tidings.batch.sinks import (
    DEFAULT_PARTITION_SIZE,
    OUT_FORMATS,
    ErrorLog,
    PartitionSink,
    Sink,
    StreamSink,
    read_partitions,
)
from tidings.batch.store_sink import StoreSink
from tidings.batch.summary import BatchSummary
from tidings.batch.work import ItemFailure, WorkSettings, process_chunk

__all__ = [
    "Added",
    "BatchSummary",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_PARTITION_SIZE",
    "DaskExecutor",
    "Driver",
    "ErrorLog",
    "Executor",
    "IngestReport",
    "InlineExecutor",
    "ItemFailure",
    "OUT_FORMATS",
    "PartitionSink",
    "Progress",
    "Sink",
    "StoreSink",
    "StreamSink",
    "WorkSettings",
    "add_article",
    "default_errors_path",
    "ingest_sources",
    "make_executor",
    "open_sink",
    "process_chunk",
    "read_partitions",
    "read_records",
    "read_sources",
    "run_batch",
]
