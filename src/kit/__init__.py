"""The forum kit: one package per subject (calendar, campaign, syntheses, documents, editorial, films, html,
publishing, cli) and, in kit.site, the MkDocs plugins and make serve.

Only kit.site imports MkDocs; everything else is plain Python the CLIs and tests use directly.
"""
