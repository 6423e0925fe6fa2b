"""Importers of other frameworks' model files into a Net Studio Symbol + parameters."""
