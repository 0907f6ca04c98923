"""The linked-data publisher: Flask blueprints over the store of the current build."""
