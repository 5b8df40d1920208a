"""The compilation of a season's departmental syntheses: time and peak memory (--syntheses)."""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kit.territory import Territory, load_territory
from kitdev.figures import PROJECT, ROOT, fr, kb
from kitdev.synthetic import SEED

# Departmental syntheses (scripts/syntheses.py compile) -------------------------------

def make_syntheses(folder: Path, territory: Territory, count: int = 100) -> tuple[Path, Path]:
    """``count`` ten-page syntheses in ``folder`` (some late, some messy, two PDFs), with their calendar and
    tracking file; returns (calendar, tracking)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import synthesis_files as sf  # the tests' fixtures: the kit's templates filled as prefectures do

    rng = random.Random(SEED)
    template_docx, template_odt = sf.template_docx(), sf.template_odt()
    codes = [code for code, d in territory.departements.items() if d.zone != "com"][:count]
    calendar = ["departement;date;heure_debut;commune;lieu;statut;participants"]
    tracking = ["departement;recue_le;comptes_rendus;remarque"]
    for index, code in enumerate(codes):
        name = territory.departements[code].nom
        cantons = territory.cantons.get(code) or []
        communes = [c.libelle.split(" (")[0] for c in rng.sample(cantons, min(len(cantons), rng.randint(6, 10)))]
        forums = [(date(2009, 3, 16) + timedelta(days=rng.randint(0, 60)), commune) for commune in communes]
        for day, commune in forums:
            calendar.append(f"{code};{day.isoformat()};18:00;{commune};salle des fêtes;tenu;{rng.randint(20, 300)}")
        arrived = date(2009, 5, 22) - timedelta(days=rng.randint(-6, 10) if index % 10 == 3 else rng.randint(0, 10))
        if index in (10, 50):
            (folder / f"synthese-{code}.pdf").write_bytes(sf.tiny_pdf(f"Synthèse {name}"))
            tracking.append(f"{code};{arrived.isoformat()};{len(forums)};PDF, non lu automatiquement")
            continue
        filling = sf.season_filling(name, rng, forums=[(d.strftime("%d/%m/%Y"), c) for d, c in forums])
        tracking.append(f"{code};{arrived.isoformat()};{len(forums)};")
        if index % 2:
            parts = sf.odt_parts(template_odt)
            minutes = sf.odt_with_minutes(filling, rng)
            changes = sf.odt_tracked_and_commented("Phrase ajoutée.", "Phrase supprimée.", "Commentaire.") \
                if index % 7 == 1 else None

            def mess(content: Any, minutes: Any = minutes, changes: Any = changes) -> None:
                minutes(content)
                if changes is not None:
                    changes(content)

            (folder / f"synthese-{code}.odt").write_bytes(sf.fill_odt(filling, sf.odt_from_parts(parts), mess=mess))
            continue
        document = sf.fill_docx(filling, template_docx)
        if index % 7 == 0:
            sf.rename_heading(document, "Thème 1", "Premier thème : ce que disent les habitants")
            sf.delete_heading(document, "3. Diagnostic")
            sf.add_after_table(document, 2, f"Le préfet souligne la mobilisation des maires de {name}.")
        sf.with_minutes(document, filling, rng)
        (folder / f"synthese-{code}.docx").write_bytes(sf.docx_bytes(document))
    calendar_file, tracking_file = folder / "forums.csv", folder / "syntheses.csv"
    calendar_file.write_text("\n".join(calendar) + "\n", encoding="utf-8")
    tracking_file.write_text("\n".join(tracking) + "\n", encoding="utf-8")
    return calendar_file, tracking_file


def main_syntheses(count: int = 100) -> int:
    """`syntheses.py compile` of ``count`` generated syntheses: time and peak memory (its own process)."""
    territory = load_territory(PROJECT.reference)
    with tempfile.TemporaryDirectory(prefix="kit-bench-syntheses-") as tmp:
        folder = Path(tmp) / "recu"
        folder.mkdir()
        print(f"… {count} synthèses fictives", file=sys.stderr, flush=True)
        calendar, tracking = make_syntheses(folder, territory, count)
        files = sorted(str(p) for p in folder.iterdir() if p.suffix in (".docx", ".odt", ".pdf"))
        size = sum(Path(f).stat().st_size for f in files)
        command = [sys.executable, str(ROOT / "scripts" / "syntheses.py"), "compile", "-o", str(Path(tmp) / "sortie"),
                   "--suivi", str(tracking), *files]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, check=False,
                                env={**os.environ, "FORUMS_CSV": str(calendar)})
        wall = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak, cpu = usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime
        if result.returncode:
            print(result.stderr[-3000:], file=sys.stderr)
            return 1
        made = {p.suffix: p.stat().st_size for p in (Path(tmp) / "sortie").iterdir()}
        from kit.documents.pdfua import describe

        pages = describe((Path(tmp) / "sortie" / "compilation-syntheses-departementales.pdf").read_bytes()).pages
        load = os.getloadavg()[0]
        print(f"Compilation de {len(files)} fichiers ({kb(size)}, dont 2 PDF) : {fr(wall)} s écoulées, "
              f"{fr(cpu)} s de processeur (mise en page du PDF dans un second processus), mémoire (pic d'un "
              f"processus) {fr(peak / 1024 / 1024, 0)} Mio ; charge de la machine {fr(load, 1)} ; objectif : "
              "moins de 60 s.")
        print(f"  {result.stdout.strip().splitlines()[-1]}")
        print("  fichiers : " + ", ".join(f"{suffix[1:].upper()} {kb(n)}" for suffix, n in sorted(made.items()))
              + f", PDF de {pages} pages ; {result.stderr.count(chr(10))} lignes de problèmes signalés.")
    return 0


