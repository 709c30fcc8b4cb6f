"""A stand-in for the spaCy model that cannot be imported: ``make test-fast`` puts it first on
``PYTHONPATH``, so a test that loads the model but is not marked ``slow`` fails there, in this
process and in every subprocess it starts.
"""

raise ImportError(
    "the spaCy model is kept out of the fast tier (make test-fast): "
    "mark the test that loads it with @pytest.mark.slow"
)
