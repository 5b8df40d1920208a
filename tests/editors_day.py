"""A DICOM editor's day, played on a git copy of the kit, as README.md tells it.

From the repository (or any copy of it), :func:`make_editors_day` makes a
git clone in which, each step checked with the clone's own
``scripts/verifier.py`` and committed as the README says:

1. every recipe of the README is done with exactly its blocks (read by
   tests/readme_recipes.py), after taking out of the copy what they add if an
   editor did them already: the copy starts from a state it makes itself; the
   film recipe's video and poster, which an editor copies into the git-ignored
   ``films/``, are made there by tests/films_media.py;
2. a prefecture's file (tests/data/forums/prefecture_calvados.csv, four forums
   of the Calvados with a ``contact`` column) is checked and merged into
   data/forums.csv with ``scripts/forums.py``, from the git-ignored ``recu/``;
3. the changelog entry of the new version (1.1 today), in French and in
   English, names every page touched: the new page, the note, the corrected
   page and the calendar.

Run it by hand to look at the result::

    python tests/editors_day.py /tmp/journee
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run as a script: its neighbours are importable
    sys.path.insert(0, str(HERE))

from films_media import make_media  # noqa: E402
from publishing import clone_work_tree  # noqa: E402
from readme_recipes import Step, apply, read_recipes, undo_recipes  # noqa: E402

ROOT = HERE.parent
PREFECTURE_FILE = HERE / "data" / "forums" / "prefecture_calvados.csv"
# The commit that holds the work tree's uncommitted files in a copy (not one of the day's own).
WORK_TREE = "État de travail"
GIT_ENV = {"GIT_AUTHOR_NAME": "Rédaction DICOM", "GIT_AUTHOR_EMAIL": "redaction@example.invalid",
           "GIT_COMMITTER_NAME": "Rédaction DICOM", "GIT_COMMITTER_EMAIL": "redaction@example.invalid",
           "GIT_PAGER": "cat", "PAGER": "cat"}
# What the day adds to the new version's entry, besides the README's own lines (French, English).
MORE_CHANGES = (
    ["- [Méthode d'animation](methode.md) : faute de frappe corrigée.",
     "- [Calendrier des forums](calendrier/index.md) : forums du Calvados."],
    ["- [Facilitation method](methode.md) (in French): typo fixed.",
     "- [Forum calendar](calendrier/index.md): forums of Calvados."],
)


class DayError(AssertionError):
    """A step of the day failed: what was run and what it said."""


def git(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["git", *args], cwd=clone, capture_output=True, text=True, check=False,
                            env={**os.environ, **GIT_ENV})
    if result.returncode != 0:
        raise DayError(f"git {' '.join(args)} : {result.stdout}{result.stderr}")
    return result


def clone_env(clone: Path) -> dict[str, str]:
    """The environment in which the clone's scripts run its own code (``kit``, ``tools``)."""
    env = {**os.environ, **GIT_ENV, "NO_MKDOCS_2_WARNING": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(clone / "src"), str(clone), env.get("PYTHONPATH")]))
    env.pop("FORUMS_CSV", None)
    return env


def run_script(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``.venv/bin/python scripts/…`` in the clone, with the Python running this module."""
    return subprocess.run([sys.executable, *args], cwd=clone, capture_output=True, text=True, check=False,
                          env=clone_env(clone))


def copy_of_the_repository(dest: Path, source: Path = ROOT) -> Path:
    """``git clone`` of ``source``, with the files being edited in its working tree laid over it, committed."""
    return clone_work_tree(dest, source, message=WORK_TREE)


def commit_all(clone: Path, message: str) -> bool:
    """Commit every change of the clone, if there is any; whether a commit was made."""
    git(clone, "add", "-A")
    if not git(clone, "status", "--porcelain").stdout.strip():
        return False
    git(clone, "commit", "--quiet", "-m", message)
    return True


def newest_version(changelog: Path) -> str:
    from kit.publishing.changelog import latest, load

    return latest(load(changelog)).version


def next_version(clone: Path) -> str:
    """The version after the newest of the changelog (the README's example may be taken already)."""
    major, minor = newest_version(clone / "docs" / "nouveautes.md").split(".")[:2]
    return f"{major}.{int(minor) + 1}"


def fix_a_text(clone: Path, commands: str) -> None:
    """The correction itself, in the file the recipe's ``git add`` names: its first paragraph changes."""
    added = re.search(r"^git add (\S+)$", commands, re.MULTILINE)
    if not added:
        raise DayError("la recette « corriger » doit montrer « git add FICHIER »")
    path = clone / added.group(1)
    lines = path.read_text(encoding="utf-8").split("\n")
    body = lines.index("---", 1) + 1 if lines[0] == "---" else 0
    at = next(i for i in range(body, len(lines)) if re.match(r"^[A-ZÀ-Ýa-zà-ý]", lines[i]))
    lines[at] += " Texte corrigé."
    path.write_text("\n".join(lines), encoding="utf-8")


def verify(clone: Path, what: str) -> None:
    """``make verifier`` in the clone: it must find nothing."""
    result = run_script(clone, "scripts/verifier.py")
    if result.returncode != 0:
        raise DayError(f"{what} : make verifier\n{result.stdout}{result.stderr}")


def run_commands(clone: Path, step: Step) -> None:
    """The commands a recipe shows: ``make verifier`` and git (never a push)."""
    for raw in step.body.split("\n"):
        command = shlex.split(raw.split("  #")[0])
        if not command:
            continue
        if command == ["make", "verifier"]:
            verify(clone, f"recette « {step.recipe} »")
        elif command[0] == "git":
            if "push" in command:
                raise DayError("une recette ne pousse rien")
            git(clone, *command[1:])
        else:
            raise DayError(f"recette « {step.recipe} » : commande inattendue « {raw} »")


def do_recipes(clone: Path, readme: Path | None = None) -> str:
    """Every recipe of the clone's README, from a state made for them; the version their changelog entry got."""
    recipes = read_recipes(readme or clone / "README.md")
    if undo_recipes(recipes, clone):
        commit_all(clone, "Copie de départ : ce qu'ajoutent les recettes du README, retiré")
    version = next_version(clone)
    for name, steps in recipes.items():
        for step in steps:
            if step.kind == "commands":
                if name == "corriger":
                    fix_a_text(clone, step.body)
                run_commands(clone, step)
                left = git(clone, "status", "--porcelain").stdout
                if left:
                    raise DayError(f"recette « {name} » : des fichiers modifiés ne sont pas dans son "
                                   f"« git add » :\n{left}")
            else:
                if name == "film" and step.file == "data/films.toml":
                    # What the editor copies into films/ (git-ignored): the tests make it themselves.
                    make_media(clone / "films", step.body)
                if name == "nouveautes":
                    step = Step(step.recipe, step.kind, step.file, step.anchor,
                                re.sub(r"^## Version [\d.]+", f"## Version {version}", step.body,
                                       flags=re.MULTILINE))
                apply(step, clone)
    return version


def merge_prefecture(clone: Path, received: Path = PREFECTURE_FILE) -> str:
    """A prefecture's file checked then merged as the README's calendar section says; merge's output."""
    folder = clone / "recu"
    folder.mkdir(exist_ok=True)
    name = "calvados" + received.suffix
    shutil.copyfile(received, folder / name)
    checked = run_script(clone, "scripts/forums.py", "check", f"recu/{name}")
    if checked.returncode != 0:
        raise DayError(f"forums.py check recu/{name}\n{checked.stderr}")
    merged = run_script(clone, "scripts/forums.py", "merge", f"recu/{name}")
    if merged.returncode != 0:
        raise DayError(f"forums.py merge recu/{name}\n{merged.stdout}{merged.stderr}")
    # The merge writes the calendar and the day its prefecture's calendar came in (README, step 3).
    changed = {line[3:] for line in git(clone, "status", "--porcelain", "--ignored=no").stdout.splitlines()}
    if not changed <= {"data/forums.csv", "data/calendriers.csv"}:
        raise DayError(f"la fusion a touché d'autres fichiers que data/forums.csv et data/calendriers.csv : {changed}")
    git(clone, "add", "data/forums.csv", "data/calendriers.csv")
    if git(clone, "status", "--porcelain").stdout.strip():
        git(clone, "commit", "--quiet", "-m", "Calendrier : forums du Calvados")
    return merged.stdout


def complete_changelog(clone: Path, version: str) -> None:
    """The version's entry, in both languages, also names the corrected page and the calendar."""
    for name, lines in zip(("nouveautes.md", "nouveautes.en.md"), MORE_CHANGES, strict=True):
        path = clone / "docs" / name
        text = path.read_text(encoding="utf-8").split("\n")
        start = next(i for i, line in enumerate(text) if re.match(rf"^## Version {re.escape(version)}\b", line))
        end = next((i for i in range(start + 1, len(text)) if text[i].startswith("## ")), len(text))
        last = max(i for i in range(start, end) if text[i].startswith("- "))
        text[last + 1:last + 1] = [line for line in lines if line not in text[start:end]]
        path.write_text("\n".join(text), encoding="utf-8")
    verify(clone, "nouveautés")
    git(clone, "add", "docs/nouveautes.md", "docs/nouveautes.en.md")
    if git(clone, "status", "--porcelain").stdout.strip():
        git(clone, "commit", "--quiet", "-m", f"Nouveautés de la version {version} : méthode et calendrier")


def make_editors_day(dest: Path, source: Path = ROOT) -> Path:
    """The editor's day played in a new git copy of ``source`` at ``dest``: the copy, everything committed."""
    clone = copy_of_the_repository(Path(dest), source)
    version = do_recipes(clone)
    merge_prefecture(clone)
    complete_changelog(clone, version)
    left = git(clone, "status", "--porcelain").stdout
    if left:
        raise DayError(f"la journée laisse des modifications non enregistrées :\n{left}")
    return clone


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("utilisation : python tests/editors_day.py DOSSIER (un dossier qui n'existe pas encore)",
              file=sys.stderr)
        return 2
    dest = Path(args[0])
    if dest.exists():
        print(f"{dest} existe déjà : donnez un dossier qui n'existe pas encore.", file=sys.stderr)
        return 2
    try:
        clone = make_editors_day(dest)
    except DayError as error:
        print(f"La journée de la rédaction s'est arrêtée :\n{error}", file=sys.stderr)
        return 1
    print(f"Journée de la rédaction jouée dans {clone} (version {newest_version(clone / 'docs' / 'nouveautes.md')}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
