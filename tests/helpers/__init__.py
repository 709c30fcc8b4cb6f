"""What several test modules share: record checks, the store and API fixtures, input builders.

``records`` checks output records and finds the fixtures and the shared directory;
``store`` is the pytest plugin of the store and API tests (loaded by the root conftest);
``ingest`` and ``batch`` build inputs. Test modules import these, never one another.
"""
