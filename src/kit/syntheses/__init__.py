"""Departmental syntheses sent back by the prefectures: read, check against the calendar, compile."""
