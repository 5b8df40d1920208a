"""The 2009 territory: départements, time zones and canton lookups."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from conftest import PROJECT
from kit.territory import load_territory, normalise, normalise_departement_code


def test_departements_in_official_order_with_corsica_and_overseas() -> None:
    territory = load_territory(PROJECT.reference)
    codes = list(territory.departements)
    assert codes[:3] == ["01", "02", "03"]
    assert codes.index("2A") == codes.index("19") + 1
    assert codes.index("2B") == codes.index("2A") + 1
    assert codes.index("21") == codes.index("2B") + 1
    for code in ("971", "972", "973", "974", "975", "976", "977", "978", "986", "987", "988"):
        assert code in territory.departements
    # 96 metropolitan + 4 DOM + Mayotte and 6 inhabited collectivities; no TAAF.
    assert len(codes) == 107
    assert "984" not in territory.departements
    assert "20" not in territory.departements


def test_every_time_zone_exists_and_reunion_is_utc_plus_4() -> None:
    territory = load_territory(PROJECT.reference)
    for departement in territory.departements.values():
        ZoneInfo(departement.timezone)
    assert territory.departements["974"].timezone == "Indian/Reunion"
    assert territory.departements["2A"].timezone == "Europe/Paris"
    assert territory.departements["988"].timezone == "Pacific/Noumea"
    assert territory.departements["44"].region == "Pays de la Loire"
    # A collectivity without a 2009 region is its own region.
    assert territory.departements["987"].region == "Polynésie française"


def test_find_canton_by_code_name_and_legal_name() -> None:
    territory = load_territory(PROJECT.reference)
    assert territory.find_canton("44", "4408").libelle == "Châteaubriant"
    assert territory.find_canton("44", "08").code == "4408"
    assert territory.find_canton("44", "CHATEAUBRIANT").code == "4408"
    assert territory.find_canton("44", "  saint etienne de montluc ").code == "4435"
    assert territory.find_canton("44", "Saint-Herblain-Ouest-Indre").code == "4455"
    assert territory.find_canton("974", "La Possession").code == "97408"
    # Cantons belong to their département.
    assert territory.find_canton("76", "Châteaubriant") is None
    assert territory.find_canton("44", "Atlantide") is None
    assert territory.find_canton("976", "Mamoudzou") is None
    assert territory.find_canton("44", "") is None


def test_load_is_cached_and_codes_are_normalised() -> None:
    assert load_territory(PROJECT.reference) is load_territory(PROJECT.reference)
    assert normalise_departement_code(" 1 ") == "01"
    assert normalise_departement_code("2a") == "2A"
    assert normalise("L’Étang-Salé") == normalise("l'etang sale") == "l etang sale"


def test_commune_canton_from_the_2009_communes() -> None:
    territory = load_territory(PROJECT.reference)
    assert territory.commune_canton("76", "Toussaint").libelle == "Valmont"
    assert territory.commune_canton("44", "basse goulaine").code == "4459"
    assert territory.commune_canton("75", "Paris 20e").code == "7599"
    assert territory.commune_canton("13", "Marseille 1er").libelle == "Marseille"
    assert territory.commune_canton("974", "Le Tampon").dep == "974"
    assert territory.commune_canton("44", "Toussaint") is None
    assert territory.commune_canton("976", "Mamoudzou") is None


def test_every_departement_takes_the_article_its_name_calls_for() -> None:
    territory = load_territory(PROJECT.reference)
    # A vowel, or the mute h of « l'Hérault » (the h of « la Haute-Loire », « des Hauts-de-Seine » is not).
    vowels = (*"AEIOUYÉÈÊÎ", "Hé")
    for dep in territory.departements.values():
        assert dep.tncc in {"0", "1", "2", "3", "4", "5"}, dep
        of, name = dep.of, dep.nom
        assert of.endswith(name) and dep.with_article.endswith(name), dep
        if dep.tncc == "4":
            # Plural names take « des », their first word in the plural (« Deux-Sèvres »).
            assert of == f"des {name}" and name.split("-")[0].endswith(("s", "x")), dep
            continue
        # A singular name elides before a vowel, never before a consonant.
        assert (dep.tncc in {"1", "5"}) == name.startswith(vowels), dep
        assert of.startswith(("d'", "de l'")) == name.startswith(vowels), dep
        assert of in {f"de {dep.with_article}", f"du {name}", f"d'{name}", f"de l'{name}"}, dep


def test_departements_with_their_article_as_prefectures_write_them() -> None:
    deps = load_territory(PROJECT.reference).departements
    expected = {
        "44": "de la Loire-Atlantique", "14": "du Calvados", "01": "de l'Ain", "78": "des Yvelines",
        "75": "de Paris", "28": "d'Eure-et-Loir", "77": "de Seine-et-Marne", "90": "du Territoire de Belfort",
        "974": "de La Réunion", "13": "des Bouches-du-Rhône", "84": "de Vaucluse", "976": "de Mayotte",
        "971": "de la Guadeloupe", "988": "de la Nouvelle-Calédonie", "2A": "de la Corse-du-Sud",
    }
    assert {code: deps[code].of for code in expected} == expected
    assert deps["14"].with_article == "le Calvados"
    assert deps["01"].with_article == "l'Ain"
    assert deps["75"].with_article == "Paris"
