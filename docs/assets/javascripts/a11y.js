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
        var first = document.querySelector(".md-sidebar--primary a[href], .md-sidebar--primary label[tabindex]");
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

  // The selector appears once versions.json is loaded: watch until it is there.
  if (!nameVersionButton()) {
    var observer = new MutationObserver(function () {
      if (nameVersionButton()) observer.disconnect();
    });
    observer.observe(document.body, { childList: true, subtree: true });
  }
})();
