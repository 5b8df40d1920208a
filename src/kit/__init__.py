"""The forum kit: domain modules (calendar, documents, French wording, versions) and, in kit.site, the MkDocs plugins.

Only kit.site imports MkDocs; everything else is plain Python the CLIs and tests use directly.
"""
