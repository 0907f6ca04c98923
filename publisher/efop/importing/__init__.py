"""Spreadsheet import for a region's data stewards.

A steward fills one sheet per kind of resource (bodies, actors, memberships, territories,
schemes, projects) following a template; the import turns the rows into RDF through a
declarative column mapping (``mappings/*.toml``), validates the result with the repository's
shapes, and writes one Turtle file described by its own source document, so that the build
publishes it in its own named graph. ``efop link`` then proposes links to the rest of the
dataset.
"""
