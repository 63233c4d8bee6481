"""Utilities: data wrappers and parameter search."""

from .DataframeData import DataframeData

__all__ = ["DataframeData"]
