"""EFOP Linked Data: ontology, shapes, data build and linked-data publisher.

Layers, each depending only on the ones before it:
``namespaces``/``config`` → ``validation`` → ``build`` → ``store`` → ``web``.
"""

__version__ = "0.1.0"
