# Tasks: make test | make test-fast | make eval | make lint | make bench | make soak
PYTHON ?= python

.PHONY: test test-fast eval lint bench soak

# The whole suite (the PostgreSQL and browser tests skip when their server or chromium is absent).
test:
	$(PYTHON) -m pytest

# No spaCy model, no browser, no PostgreSQL. tests/no_model shadows the model package, so a
# test that loads it without the slow mark fails here instead of passing slowly.
FAST = not slow and not browser and not postgres
test-fast:
	PYTHONPATH="$(CURDIR)/tests/no_model$${PYTHONPATH:+:$$PYTHONPATH}" $(PYTHON) -m pytest -m "$(FAST)"

# Every evaluation against its floors on the shared data ($$TIDINGS_SHARED or ../shared);
# exits non-zero when a floor is missed, skips (exit 0) what has no data.
eval:
	$(PYTHON) eval/run_all.py

lint:
	$(PYTHON) -m ruff check src tests bench eval

# Throughput and memory of batch work on the shared BBC politics articles;
# run it on a quiet machine (it prints the load average).
bench:
	nice -n 10 $(PYTHON) bench/batch_bench.py

# kill -9 during ingest and batch --db, many times over more articles, then resume and compare
# with a clean run (tests/test_soak_kill.py; the default suite runs it with 3 kills over 80);
# and during `tidings follow` with webhooks (tests/test_live_kill.py, 3 kills by default).
soak:
	TIDINGS_SOAK_KILLS=$${TIDINGS_SOAK_KILLS:-12} TIDINGS_SOAK_ARTICLES=$${TIDINGS_SOAK_ARTICLES:-400} \
		$(PYTHON) -m pytest tests/test_soak_kill.py tests/test_live_kill.py -q
