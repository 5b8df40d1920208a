"""The campaign's follow-up: calendars and syntheses received, where the campaign stands, its page (suivi/)."""
