"""Decides whether data may be published: loads sources safely and validates them with SHACL."""

from efop.validation.load import DataFile, LoadedSources, SourceError, load_sources
from efop.validation.report import Finding, ValidationReport
from efop.validation.validate import validate

__all__ = [
    "DataFile",
    "Finding",
    "LoadedSources",
    "SourceError",
    "ValidationReport",
    "load_sources",
    "validate",
]
