"""The kit's films: their list (data/films.toml) and the checks of their captions."""
