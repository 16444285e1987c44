"""The ``billing-robot`` command line: the top layer, the one place that composes the rest.

Layers run one way: ``cli -> flows -> pages -> robot``. Only this package may import
``flows`` and ``fixtures`` (the mock sites); it does so inside each command, so that
``--help`` and start-up stay fast.
"""
