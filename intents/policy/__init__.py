"""The after-sales policy as pure functions of state and event.

:func:`intents.policy.decide.step` routes one caller turn to a :class:`~intents.policy.types.Decision`;
the other modules each handle one part of it: verification (``verify``, ``security``), order
facts and the address read-back (``orders``, ``address``), remedies and their preconditions
(``solve``, ``remedy``), repair of the conversation (``repair``), callbacks (``callback``), caller
text hygiene (``text``), shared phrasing (``common``) and the configuration (``config``). Nothing
here does I/O: :mod:`intents.dialogue` feeds it and persists what it asks for.
"""
