/* « Préparer un forum »: one forum's documents, filled in the reader's browser.
 *
 * The address names the forum (?dep=CODE&forum=ID&doc=SLUG, short: a département page links each of its forums' documents). The facts come from
 * calendrier/CODE/documents.json, written by the build from the calendar; the documents are the
 * kit's blank templates: their page (to show and print) and their ODT and DOCX files (to download),
 * whose [fields] are replaced by the facts the calendar knows. Unknown facts stay fields.
 * Nothing leaves the site: the files are read from it and rewritten here.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-kit-preparer]");
  if (!root) { return; }
  var params = new URLSearchParams(window.location.search);
  var forumId = params.get("forum");
  var dep = params.get("dep") || "";
  if (!forumId || !/^[0-9][0-9AB][0-9]?$/.test(dep)) { return; }

  var documents = JSON.parse(root.getAttribute("data-documents"));
  var messages = JSON.parse(root.getAttribute("data-messages"));
  var base = root.getAttribute("data-racine");
  var tools = root.querySelector("[data-kit-preparer-outils]");
  var state = root.querySelector("[data-kit-preparer-etat]");
  var output = root.querySelector("[data-kit-preparer-document]");
  var current = documents.filter(function (d) { return d.slug === params.get("doc"); })[0] || documents[0];

  // The fields of the templates, by their text (lower case, single spaces, straight apostrophes), and the
  // fact that fills each.
  var FIELDS = {
    "date du forum": "date",
    "jour et date": "date",
    "heure du forum": "heure_debut",
    "heure de début": "heure_debut",
    "heure de fin": "heure_fin",
    "lieu du forum": "lieu",
    "adresse du forum": "adresse",
    "commune du forum": "commune",
    "prénom, nom et fonction de la personne qui anime le forum": "animateur",
    "salle, adresse, commune": ["lieu", "adresse", "commune"],
    "annulé ou reporté": "statut"
  };
  // Fields known by their first words: their hint goes on (« [de la Loire-Atlantique / du Calvados / …] »).
  // Written in capitals (« [DE LA LOIRE-ATLANTIQUE / …] »), a field takes its fact in capitals.
  var STARTS = {
    "de la loire-atlantique": "du_departement",
    "la loire-atlantique / le calvados": "le_departement",
    "prénom et nom, sous-préfet de": "animateur",
    "pour un forum reporté": "suite"
  };
  // Fields whose words mean the forum's fact in one template only (« [heure] » is a field of the letters only).
  var IN_DOCUMENT = {
    "invitation": { "heure": "heure_debut" },
    "invitation-publipostage": { "heure": "heure_debut" }
  };

  function fieldKey(text) {
    return text.replace(/[\s\u00a0\u202f]+/g, " ").replace(/\u2019/g, "'").trim().replace(/^\[|\]$/g, "")
      .toLowerCase();
  }

  /* What replaces a field: a list of pieces, [text, stays-a-field], or null to leave it as it is. */
  function filling(text, facts) {
    var bare = text.trim().replace(/^\[|\]$/g, "");
    var capitals = bare.slice(0, 2) !== bare.slice(0, 2).toLowerCase() && bare.slice(0, 2) === bare.slice(0, 2).toUpperCase();
    var key = fieldKey(text);
    var name = (IN_DOCUMENT[current.slug] || {})[key] || FIELDS[key];
    Object.keys(STARTS).forEach(function (start) { if (!name && key.indexOf(start) === 0) { name = STARTS[start]; } });
    if (!name) { return null; }
    // A fact may be empty on purpose (« suite » of a cancelled forum): the field then goes.
    if (typeof name === "string") {
      if (!Object.prototype.hasOwnProperty.call(facts, name)) { return null; }
      return [[capitals ? facts[name].toUpperCase() : facts[name], false]];
    }
    var parts = key.split(", ");
    var pieces = [];
    var known = 0;
    name.forEach(function (fact, i) {
      if (i) { pieces.push([", ", false]); }
      if (facts[fact]) { known += 1; pieces.push([facts[fact], false]); } else { pieces.push(["[" + parts[i] + "]", true]); }
    });
    return known ? pieces : null;
  }

  function say(text) { state.textContent = text; }

  function capitalised(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

  // The page -------------------------------------------------------------------------------------

  function showTools(facts) {
    var title = root.querySelector("[data-kit-preparer-titre]");
    title.textContent = capitalised(facts.titre);
    title.setAttribute("lang", "fr");
    var list = root.querySelector("[data-kit-preparer-liste]");
    var withdrawn = facts.statut === "annulé" || facts.statut === "reporté";
    documents.forEach(function (d) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      var query = new URLSearchParams({ dep: dep, forum: forumId, doc: d.slug });
      link.href = "?" + query.toString();
      link.textContent = (withdrawn && d.retire) ? d.retire : d.nom;
      link.setAttribute("lang", "fr");
      if (d === current) { link.setAttribute("aria-current", "page"); }
      item.appendChild(link);
      list.appendChild(item);
    });
    root.querySelector("[data-kit-preparer-format]").hidden = current.slug !== "affiche" || withdrawn;
    // The mail-merge letter is not printed from here: its page says how to merge it.
    // (Material's buttons are displayed as blocks: « hidden » alone would not hide one.)
    if (current.fusion) { root.querySelector("[data-kit-preparer-imprimer]").style.display = "none"; }
    tools.hidden = false;
  }

  function blankArticle(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var article = page.querySelector("article.md-content__inner");
    if (!article) { throw new Error("no article"); }
    var chrome = ".kit-consigne, .headerlink, .kit-downloads, .kit-provenance, .kit-change, .md-content__button, " +
      ".md-source-file, h1, script";
    Array.prototype.forEach.call(article.querySelectorAll(chrome), function (el) { el.remove(); });
    return article;
  }

  function fillHtml(article, facts) {
    Array.prototype.forEach.call(article.querySelectorAll("mark.kit-champ"), function (mark) {
      var pieces = filling(mark.textContent, facts);
      if (!pieces) { return; }
      var fragment = document.createDocumentFragment();
      pieces.forEach(function (piece) {
        if (piece[1]) {
          var field = mark.cloneNode(false);
          field.textContent = piece[0];
          fragment.appendChild(field);
        } else {
          fragment.appendChild(document.createTextNode(piece[0]));
        }
      });
      mark.replaceWith(fragment);
    });
    // Ids of the template's headings would repeat those of this page.
    Array.prototype.forEach.call(article.querySelectorAll("[id]"), function (el) {
      el.id = "kit-doc-" + el.id;
    });
  }

  // Zip files (ODT, DOCX): read with the browser's own inflate, written back uncompressed ----------

  var CRC_TABLE = (function () {
    var table = new Uint32Array(256);
    for (var n = 0; n < 256; n += 1) {
      var c = n;
      for (var k = 0; k < 8; k += 1) { c = (c & 1) ? (0xEDB88320 ^ (c >>> 1)) : (c >>> 1); }
      table[n] = c >>> 0;
    }
    return table;
  }());

  function crc32(bytes) {
    var crc = 0xFFFFFFFF;
    for (var i = 0; i < bytes.length; i += 1) { crc = CRC_TABLE[(crc ^ bytes[i]) & 0xFF] ^ (crc >>> 8); }
    return (crc ^ 0xFFFFFFFF) >>> 0;
  }

  function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
  }

  /* The entries of a zip file, in order: [{name, data}]. */
  function unzip(buffer) {
    var view = new DataView(buffer);
    var end = buffer.byteLength - 22;
    while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) { end -= 1; }
    if (end < 0) { return Promise.reject(new Error("not a zip file")); }
    var count = view.getUint16(end + 10, true);
    var offset = view.getUint32(end + 16, true);
    var decoder = new TextDecoder();
    var entries = [];
    for (var i = 0; i < count; i += 1) {
      var method = view.getUint16(offset + 10, true);
      var size = view.getUint32(offset + 20, true);
      var nameLength = view.getUint16(offset + 28, true);
      var extraLength = view.getUint16(offset + 30, true);
      var commentLength = view.getUint16(offset + 32, true);
      var local = view.getUint32(offset + 42, true);
      var name = decoder.decode(new Uint8Array(buffer, offset + 46, nameLength));
      var start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      var raw = new Uint8Array(buffer, start, size);
      entries.push({ name: name, data: method === 0 ? Promise.resolve(raw.slice()) : inflate(raw) });
      offset += 46 + nameLength + extraLength + commentLength;
    }
    return Promise.all(entries.map(function (e) { return e.data; })).then(function (datas) {
      return entries.map(function (e, i) { return { name: e.name, data: datas[i] }; });
    });
  }

  /* A zip file of ``entries``, stored (the first one, ODT's « mimetype », stays first). */
  function zip(entries) {
    var encoder = new TextEncoder();
    var parts = [];
    var central = [];
    var offset = 0;
    entries.forEach(function (entry) {
      var name = encoder.encode(entry.name);
      var crc = crc32(entry.data);
      var header = new DataView(new ArrayBuffer(30));
      header.setUint32(0, 0x04034b50, true);
      header.setUint16(4, 20, true);
      header.setUint16(6, 0x0800, true); // names in UTF-8
      header.setUint32(14, crc, true);
      header.setUint32(18, entry.data.length, true);
      header.setUint32(22, entry.data.length, true);
      header.setUint16(26, name.length, true);
      var record = new DataView(new ArrayBuffer(46));
      record.setUint32(0, 0x02014b50, true);
      record.setUint16(4, 20, true);
      record.setUint16(6, 20, true);
      record.setUint16(8, 0x0800, true);
      record.setUint32(16, crc, true);
      record.setUint32(20, entry.data.length, true);
      record.setUint32(24, entry.data.length, true);
      record.setUint16(28, name.length, true);
      record.setUint32(42, offset, true);
      parts.push(header, name, entry.data);
      central.push(record, name);
      offset += 30 + name.length + entry.data.length;
    });
    var size = central.reduce(function (sum, part) { return sum + part.byteLength; }, 0);
    var end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, entries.length, true);
    end.setUint16(10, entries.length, true);
    end.setUint32(12, size, true);
    end.setUint32(16, offset, true);
    return new Blob(parts.concat(central, [end]));
  }

  // Fields in the files ----------------------------------------------------------------------------

  var ODT_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";

  /* ODT: each field is a span in the « Champ à remplir » style; a filled one loses the style. */
  function fillOdt(xml, facts) {
    var doc = new DOMParser().parseFromString(xml, "application/xml");
    var spans = Array.prototype.slice.call(doc.getElementsByTagNameNS(ODT_TEXT, "span"));
    spans.forEach(function (span) {
      if (span.getAttributeNS(ODT_TEXT, "style-name") !== "Champ_20_a_20_remplir") { return; }
      var pieces = filling(span.textContent, facts);
      if (!pieces) { return; }
      pieces.forEach(function (piece) {
        var copy = span.cloneNode(true);
        var texts = copy.ownerDocument.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
        var node = texts.nextNode();
        var firstText = node;
        while (node) { var next = texts.nextNode(); if (node !== firstText) { node.data = ""; } node = next; }
        if (firstText) { firstText.data = piece[0]; } else { copy.appendChild(doc.createTextNode(piece[0])); }
        if (piece[1]) {
          span.parentNode.insertBefore(copy, span);
        } else {
          while (copy.firstChild) { span.parentNode.insertBefore(copy.firstChild, span); }
        }
      });
      span.parentNode.removeChild(span);
    });
    return new XMLSerializer().serializeToString(doc);
  }

  /* DOCX: each field is a run in the « Champ à remplir » style, highlighted; a filled one loses both. */
  function fillDocx(xml, facts) {
    var doc = new DOMParser().parseFromString(xml, "application/xml");
    var WORD = doc.documentElement.namespaceURI; // WordprocessingML's, that of <w:document>
    var runs = Array.prototype.slice.call(doc.getElementsByTagNameNS(WORD, "r"));
    runs.forEach(function (run) {
      if (!run.getElementsByTagNameNS(WORD, "highlight").length) { return; }
      var texts = run.getElementsByTagNameNS(WORD, "t");
      if (texts.length !== 1) { return; }
      var pieces = filling(texts[0].textContent, facts);
      if (!pieces) { return; }
      pieces.forEach(function (piece) {
        var copy = run.cloneNode(true);
        var t = copy.getElementsByTagNameNS(WORD, "t")[0];
        t.textContent = piece[0];
        t.setAttributeNS(t.lookupNamespaceURI("xml"), "xml:space", "preserve");
        if (!piece[1]) {
          ["rStyle", "highlight"].forEach(function (tag) {
            Array.prototype.slice.call(copy.getElementsByTagNameNS(WORD, tag)).forEach(function (el) {
              el.parentNode.removeChild(el);
            });
          });
        }
        run.parentNode.insertBefore(copy, run);
      });
      run.parentNode.removeChild(run);
    });
    return new XMLSerializer().serializeToString(doc);
  }

  function download(format, facts) {
    var part = format === "odt" ? "content.xml" : "word/document.xml";
    var fill = format === "odt" ? fillOdt : fillDocx;
    return fetch(current.fichier + "." + format).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.arrayBuffer();
    }).then(unzip).then(function (entries) {
      entries.forEach(function (entry) {
        if (entry.name === part) {
          entry.data = new TextEncoder().encode(fill(new TextDecoder().decode(entry.data), facts));
        }
      });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(zip(entries));
      link.download = current.fichier.split("/").pop() + "-" + facts.id + "." + format;
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  // Putting it together --------------------------------------------------------------------------

  function show(facts) {
    showTools(facts);
    var withdrawn = facts.statut === "annulé" || facts.statut === "reporté";
    // Printed, the page's title becomes the PDF's title (and the name its file is offered under).
    document.title = messages.title.replace("{document}", (withdrawn && current.retire) ? current.retire : current.nom)
      .replace("{forum}", facts.titre);
    output.setAttribute("lang", "fr");
    output.classList.add("kit-preparer__document--" + current.slug);
    if (withdrawn && current.retire_page) {
      // The poster of a cancelled or postponed forum gives way to the notice: its page, its files.
      current = { slug: current.slug, nom: current.retire, page: current.retire_page, fichier: current.retire_fichier };
    }
    return fetch(current.page).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    }).then(function (html) {
      var article = blankArticle(html);
      fillHtml(article, facts);
      if (current.fusion) {
        // The page's own list offers the blank letter: this forum's is downloaded from the buttons above.
        Array.prototype.forEach.call(article.querySelectorAll(".kit-documents-liste tr"), function (row) {
          var links = Array.prototype.slice.call(row.querySelectorAll("a[href]"));
          if (links.some(function (a) { return a.getAttribute("href").indexOf(current.fichier + ".") === 0; })) {
            row.remove();
          }
        });
      }
      while (article.firstChild) { output.appendChild(article.firstChild); }
      var left = output.querySelectorAll("mark.kit-champ").length;
      say(current.fusion ? messages.merge :
        (withdrawn ? messages.withdrawn.replace("{statut}", facts.statut) + " " : "") + (left ? messages.fields : ""));
      root.setAttribute("data-kit-preparer-pret", "");
    });
  }

  say(messages.loading);
  fetch(base + "calendrier/" + dep + "/documents.json").then(function (response) {
    if (!response.ok) { throw new Error(response.status); }
    return response.json();
  }).then(function (data) {
    var facts = data.forums[forumId];
    if (!facts) {
      say(messages.not_found);
      return null;
    }
    // What the notice says after « est reporté » (the notice's own words); nothing for a cancelled forum.
    if (facts.statut === "reporté") { facts.suite = "La nouvelle date sera annoncée par voie d'affiche et dans la presse."; }
    if (facts.statut === "annulé") { facts.suite = ""; }
    root.querySelector("[data-kit-preparer-imprimer]").addEventListener("click", function () { window.print(); });
    ["odt", "docx"].forEach(function (format) {
      root.querySelector("[data-kit-preparer-" + format + "]").addEventListener("click", function () {
        // DecompressionStream is missing from browsers older than 2023: the file cannot be filled there.
        download(format, facts).catch(function () { say(messages.download_failed); });
      });
    });
    Array.prototype.forEach.call(root.querySelectorAll("input[name=kit-format]"), function (input) {
      input.addEventListener("change", function () {
        document.documentElement.classList.toggle("kit-affiche-a3", input.value === "a3" && input.checked);
      });
    });
    return show(facts);
  }).catch(function () {
    say(messages.failed);
  });
}());
