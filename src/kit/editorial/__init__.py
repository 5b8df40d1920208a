"""The editorial check: every slip of an editor in docs/, includes/ and mkdocs.yml, in French.

Each slip is reported as ``FICHIER:LIGNE : problème — que faire``. The checks read
the Markdown through markdown-it-py's tokens (which carry line numbers) and apply
the rules of Python-Markdown, the engine that renders the site: four spaces of
indentation for nested blocks, a blank line before a list, and so on.
"""
