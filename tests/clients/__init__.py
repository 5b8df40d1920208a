"""Real programs that open the kit's downloads as their readers do (LibreOffice, ical.js)."""
