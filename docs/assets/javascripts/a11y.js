/* Accessibility fixes of Material's script-built widgets (RGAA 4.1 / WCAG 2.1 AA). */
(function () {
  "use strict";

  // Material names the version button « Sélectionner la version » only, so the
  // version it shows is not part of its name (WCAG 2.5.3, label in name): the
  // name becomes « 1.1 (10 mars 2009) : sélectionner la version ».
  function nameVersionButton() {
    var done = false;
    document.querySelectorAll(".md-version__current").forEach(function (button) {
      var shown = button.textContent.replace(/\s+/g, " ").trim();
      var label = button.getAttribute("aria-label") || "";
      done = true;
      if (!shown || label.indexOf(shown) === 0) return;
      button.setAttribute("aria-label", shown + " : " + label.charAt(0).toLowerCase() + label.slice(1));
    });
    return done;
  }

  // Material's language menu writes « English » on French pages without saying it is
  // English (RGAA 8.7): each link takes the language it leads to.
  document.querySelectorAll(".md-select__link[hreflang]").forEach(function (link) {
    if (!link.hasAttribute("lang")) link.setAttribute("lang", link.getAttribute("hreflang"));
  });

  // Below 76.25em, Material's menu button is a <label> that the keyboard cannot reach:
  // it becomes a button (Tab, Enter or Space), says whether the menu is open, and
  // the focus goes into the menu when it opens and back when Escape closes it.
  var drawer = document.getElementById("__drawer");
  document.querySelectorAll('label.md-header__button[for="__drawer"]').forEach(function (button) {
    if (!drawer) return;
    button.setAttribute("role", "button");
    button.setAttribute("tabindex", "0");
    if (!button.hasAttribute("aria-label")) button.setAttribute("aria-label", "Menu");
    function sync() { button.setAttribute("aria-expanded", drawer.checked ? "true" : "false"); }
    sync();
    drawer.addEventListener("change", sync);
    button.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      drawer.click();
      if (drawer.checked) {
        // The first control of the level shown (the others are hidden under it).
        var controls = document.querySelectorAll(
          ".md-sidebar--primary a[href], .md-sidebar--primary button, .md-sidebar--primary [tabindex='0']");
        var first = Array.prototype.find.call(controls, function (el) {
          return getComputedStyle(el).visibility === "visible" && el.getClientRects().length > 0;
        });
        if (first) first.focus();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawer.checked) {
        drawer.click();
        button.focus();
      }
    });
  });

  // Each version of the menu reads « 1.1 (10 mars 2009) (dernière version) » rather
  // than « 1.1 (10 mars 2009)latest » (an English word glued to the date); on English
  // pages the French titles of the versions say they are French (RGAA 8.7).
  var pageLang = (document.documentElement.lang || "fr").slice(0, 2);
  function labelVersions() {
    document.querySelectorAll(".md-version__alias").forEach(function (alias) {
      if (alias.hasAttribute("data-kit-done")) return;
      alias.setAttribute("data-kit-done", "");
      var latest = alias.textContent.trim() === "latest";
      alias.textContent = " (" + (latest ? (pageLang === "en" ? "latest version" : "dernière version") : alias.textContent.trim()) + ")";
    });
    // On small screens the button shows the version number only (its name keeps the date).
    document.querySelectorAll(".md-version__current").forEach(function (button) {
      var text = button.firstChild;
      var parts = text && text.nodeType === 3 && /^(\S+)\s+(\(.+\))\s*$/.exec(text.textContent.trim());
      if (!parts) return;
      var date = document.createElement("span");
      date.className = "kit-version__date";
      date.textContent = parts[2];
      if (pageLang !== "fr") date.lang = "fr";
      button.replaceChild(document.createTextNode(parts[1] + " "), text);
      button.insertBefore(date, button.childNodes[1] || null);
    });
    if (pageLang !== "fr") {
      document.querySelectorAll(".md-version__link").forEach(function (el) {
        var first = el.firstChild;
        if (!first || first.nodeType !== 3 || !first.textContent.trim()) return;
        var span = document.createElement("span");
        span.lang = "fr";
        span.textContent = first.textContent;
        el.replaceChild(span, first);
      });
    }
  }

  // The selector appears once versions.json is loaded: watch until it is there.
  function versions() {
    if (!nameVersionButton()) return false;
    labelVersions();
    return true;
  }
  if (!versions()) {
    var observer = new MutationObserver(function () {
      if (versions()) observer.disconnect();
    });
    observer.observe(document.body, { childList: true, subtree: true });
  }

  // Search results come from both languages: a result in the other language than the
  // page's says so (RGAA 8.7). English pages are the « .en/ » ones.
  var results = document.querySelector(".md-search-result__list");
  if (results) {
    new MutationObserver(function () {
      results.querySelectorAll(".md-search-result__item:not([lang])").forEach(function (item) {
        var link = item.querySelector("a[href]");
        if (!link) return;
        var lang = /\.en\/$/.test(new URL(link.href, location.href).pathname) ? "en" : "fr";
        if (lang !== pageLang) item.setAttribute("lang", lang);
      });
    }).observe(results, { childList: true, subtree: true });
  }
})();
