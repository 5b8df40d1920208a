/* Calendrier des forums : filtre par département, commune ou mot-clé.
   Amélioration progressive : sans JavaScript, le formulaire reste caché et la
   liste entière reste lisible. Aucune bibliothèque, aucun appel extérieur. */
(function () {
  "use strict";

  // Accents, case, hyphens and apostrophes ignored: « chateaubriant » finds « Châteaubriant ».
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[-'\u2019\u00a0\u202f]/g, " ").replace(/\s+/g, " ").trim();
  }

  function count(n, one, many) {
    return n.toLocaleString("fr-FR") + "\u00a0" + (n < 2 ? one : many);
  }

  function setup(root) {
    var form = root.querySelector("[data-kit-cal-filter]");
    var status = root.querySelector("[data-kit-cal-count]");
    if (!form || !status || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "1");
    // One block per day: a day with no forum left is hidden with its heading.
    var days = Array.prototype.slice.call(root.querySelectorAll("[data-kit-cal-day]"));
    var rows = [];
    var dayOf = [];
    var texts = [];
    days.forEach(function (day, index) {
      // The date is the day's heading: « avril » or « mardi » finds the forums of those days.
      var heading = day.querySelector("h2, h3, h4");
      var date = heading ? heading.textContent + " " : "";
      Array.prototype.forEach.call(day.querySelectorAll("tbody tr"), function (row) {
        rows.push(row);
        dayOf.push(index);
        texts.push(fold(date + row.textContent));
      });
    });
    var dep = form.elements.dep;
    var query = form.elements.q;
    var timer = null;

    function apply() {
      var wanted = dep.value;
      var words = fold(query.value).split(" ").filter(Boolean);
      var matches = [];
      var shownByDay = days.map(function () { return 0; });
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var text = texts[i];
        var match = (!wanted || rows[i].getAttribute("data-dep") === wanted) &&
          words.every(function (word) { return text.indexOf(word) !== -1; });
        matches.push(match);
        if (match) {
          shown++;
          shownByDay[dayOf[i]]++;
        }
      }
      // Only what changes is touched, each change costing a new layout; a day with no
      // forum left is hidden whole, with its heading.
      days.forEach(function (day, index) {
        var empty = shownByDay[index] === 0;
        if (day.hidden !== empty) day.hidden = empty;
      });
      for (var j = 0; j < rows.length; j++) {
        if (rows[j].hidden === matches[j]) rows[j].hidden = !matches[j];
      }
      if (shown === rows.length) {
        status.textContent = count(shown, "forum", "forums") + ".";
      } else if (shown === 0) {
        status.textContent = "Aucun forum ne correspond à ces critères.";
      } else {
        status.textContent = count(shown, "forum affiché", "forums affichés") + " sur " +
          rows.length.toLocaleString("fr-FR") + ".";
      }
      // The filtered list can be shared: its address keeps the criteria.
      var params = new URLSearchParams();
      if (wanted) params.set("dep", wanted);
      if (query.value.trim()) params.set("q", query.value.trim());
      var search = params.toString();
      history.replaceState(null, "", (search ? "?" + search : location.pathname) + location.hash);
    }

    form.addEventListener("input", function (event) {
      clearTimeout(timer);
      timer = setTimeout(apply, event.target === query ? 300 : 0);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });

    var params = new URLSearchParams(location.search);
    if (params.get("dep")) dep.value = params.get("dep");
    if (params.get("q")) query.value = params.get("q");
    form.hidden = false;
    if (dep.value || query.value) apply();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-kit-cal]"), setup);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
