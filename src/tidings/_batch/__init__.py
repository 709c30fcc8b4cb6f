"""Internals of :mod:`tidings.batch`: the work unit, executors, sinks and progress."""
