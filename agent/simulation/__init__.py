"""Scripted calls played through the real pipeline: the scenario format (``scenario``), the
simulated caller and line (``caller``, ``line``), the run itself (``simulate``) and what it writes
and measures (``report``)."""
