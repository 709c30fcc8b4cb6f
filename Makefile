# Tasks: make test | make lint | make bench
PYTHON ?= python

.PHONY: test lint bench

test:
	$(PYTHON) -m pytest

lint:
	$(PYTHON) -m ruff check src tests bench eval

# Throughput and memory of batch work on the shared BBC politics articles;
# run it on a quiet machine (it prints the load average).
bench:
	nice -n 10 $(PYTHON) bench/batch_bench.py
