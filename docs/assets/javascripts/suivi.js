/* Suivi de la campagne : filtre du tableau par département.
   Amélioration progressive : sans JavaScript, le formulaire reste caché et le
   tableau entier reste lisible. Aucune bibliothèque, aucun appel extérieur. */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[-'\u2019\u00a0\u202f]/g, " ").replace(/\s+/g, " ").trim();
  }

  function count(n, one, many) {
    return n.toLocaleString("fr-FR") + "\u00a0" + (n < 2 ? one : many);
  }

  function setup(form) {
    var table = document.getElementById("kit-suivi-departements");
    var status = document.querySelector("[data-kit-suivi-count]");
    if (!table || !status || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "1");
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var names = rows.map(function (row) {
      var head = row.querySelector("th");
      return fold((head ? head.textContent : "") + " " + row.getAttribute("data-dep"));
    });
    var states = rows.map(function (row) { return (row.getAttribute("data-etat") || "").split(" "); });
    var state = form.elements.etat;
    var query = form.elements.q;

    function apply() {
      var wanted = state.value;
      var words = fold(query.value).split(" ").filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, i) {
        var match = (!wanted || states[i].indexOf(wanted) !== -1) &&
          words.every(function (word) { return names[i].indexOf(word) !== -1; });
        if (row.hidden === match) row.hidden = !match;
        if (match) shown++;
      });
      if (shown === rows.length) {
        status.textContent = count(shown, "département", "départements") + ".";
      } else if (shown === 0) {
        status.textContent = "Aucun département ne correspond à ces critères.";
      } else {
        status.textContent = count(shown, "département affiché", "départements affichés") + " sur " +
          rows.length.toLocaleString("fr-FR") + ".";
      }
    }

    form.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.hidden = false;
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-kit-suivi-filter]"), setup);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
