"""The ``agrad`` command line (``agrad ...`` or ``python -m agrad ...``)."""
