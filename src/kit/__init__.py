"""Domain code of the forum kit: pure modules that never import MkDocs."""
