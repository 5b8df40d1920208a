"""The ODT writer on its own: structure, language, headings and fields, read from the file's XML."""

from __future__ import annotations

import io
import zipfile

import lxml.etree

from kit.documents import odt

HTML = """<h1>Modèle : essai</h1>
<div class="admonition kit-consigne"><p class="admonition-title">Mode d'emploi</p><p>Consigne</p></div>
<h2>Participation</h2>
<p>Département : <mark class="kit-champ">[département]</mark>, le <strong><mark class="kit-champ">[date]</mark></strong>.</p>
<table><thead><tr><th>Rubrique</th><th>À compléter</th></tr></thead>
<tbody><tr><td>Lieu</td><td><mark class="kit-champ">[salle]</mark></td></tr></tbody></table>
<ul><li>un<ul><li>deux</li></ul></li></ul>"""
NS = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
      "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
      "dc": "http://purl.org/dc/elements/1.1/"}


def parts() -> dict[str, lxml.etree._Element]:
    data = odt.render_odt(odt.OdtPage(title="Essai", html=HTML, header_lines=("RÉPUBLIQUE FRANÇAISE",),
                                      footer_text="Kit", skip_classes=frozenset({"kit-consigne"})))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        return {name: lxml.etree.fromstring(archive.read(name)) for name in ("content.xml", "styles.xml", "meta.xml")}


def test_odt_is_french_with_headings_fields_and_table() -> None:
    found = parts()
    content, styles = found["content.xml"], found["styles.xml"]
    default = styles.find(".//style:default-style[@style:family='paragraph']/style:text-properties", NS)
    assert default is not None
    assert (default.get(f"{{{NS['fo']}}}language"), default.get(f"{{{NS['fo']}}}country")) == ("fr", "FR")
    assert found["meta.xml"].findtext(".//dc:language", namespaces=NS) == "fr-FR"
    headings = content.findall(".//text:h", NS)
    assert [("".join(h.itertext()), h.get(f"{{{NS['text']}}}outline-level")) for h in headings] == [
        ("Participation", "1")]
    style = styles.find(".//style:style[@style:name='Heading_20_1']", NS)
    assert style is not None and style.get(f"{{{NS['style']}}}default-outline-level") == "1"
    fields = ["".join(span.itertext()) for span in content.iter(f"{{{NS['text']}}}span")
              if span.get(f"{{{NS['text']}}}style-name") == odt.FIELD_STYLE]
    assert fields == ["[département]", "[date]", "[salle]"]
    text = "".join(content.itertext())
    assert "Mode d'emploi" not in text and "Modèle : essai" not in text
    assert content.find(".//table:table-header-rows/table:table-row", NS) is not None
    assert len(content.findall(".//text:list//text:list", NS)) == 1
    field_style = styles.find(f".//style:style[@style:name='{odt.FIELD_STYLE}']/style:text-properties", NS)
    assert field_style is not None and field_style.get(f"{{{NS['fo']}}}background-color") == odt.FIELD_COLOUR
