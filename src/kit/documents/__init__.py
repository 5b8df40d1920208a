"""The documents to take away: registry, print HTML, fields to fill in, PDF (WeasyPrint), DOCX (python-docx)."""
