/* Keyboard use of Material's widgets (RGAA 4.1: 7.1, 7.3, 10.7, 10.13, 12.8, 12.10).
   Progressive enhancement: without JavaScript, Material's CSS-only menus still work. */
(function () {
  "use strict";

  var STORE = "kit-raccourcis";

  function storedOff() {
    try { return window.localStorage.getItem(STORE) === "off"; } catch (e) { return false; }
  }
  function store(off) {
    try {
      if (off) window.localStorage.setItem(STORE, "off");
      else window.localStorage.removeItem(STORE);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }
  var shortcutsOff = storedOff();

  // --- Single-key shortcuts (RGAA 12.10) --------------------------------------------------
  // Material's « n », « p », « . », « , » (next, previous page), « s », « f », « / » (search)
  // act anywhere but in a field. Here they act only when no element has the focus
  // (after a click in the text, say), never while a link, button or field has it, and
  // not at all once turned off with the footer's switch. Material listens on window:
  // stopping the key on document keeps it from Material, not from the browser.
  document.addEventListener("keydown", function (event) {
    if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return;
    var search = document.getElementById("__search");
    if (search && search.checked) return;  // typing in the search box, or in its results
    var active = document.activeElement;
    var focused = active && active !== document.body && active !== document.documentElement;
    if (shortcutsOff || focused) event.stopPropagation();
  });

  // The switch in the footer: a checkbox, shown only when this script runs.
  var switchBox = document.getElementById("kit-raccourcis");
  if (switchBox) {
    switchBox.checked = !shortcutsOff;
    switchBox.addEventListener("change", function () {
      shortcutsOff = !switchBox.checked;
      store(shortcutsOff);
    });
    var holder = switchBox.closest("[hidden]");
    if (holder) holder.hidden = false;
  }

  // --- Menu sections that open and close (RGAA 7.1) -----------------------------------------
  // Material draws them as a <label tabindex="0"> for a hidden checkbox: no role, no
  // state, and Space scrolls the page. Each becomes a real button saying whether the
  // section is open; the checkbox still drives Material's CSS.
  document.querySelectorAll('.md-nav--primary label.md-nav__link[for][tabindex="0"]').forEach(function (label) {
    var box = document.getElementById(label.htmlFor);
    if (!box) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = label.className + " kit-nav-toggle";
    button.id = label.id;
    while (label.firstChild) button.appendChild(label.firstChild);
    var syncToggle = function () { button.setAttribute("aria-expanded", box.checked ? "true" : "false"); };
    syncToggle();
    button.addEventListener("click", function () { box.click(); });
    box.addEventListener("change", syncToggle);
    label.replaceWith(button);
  });

  // In the drawer of narrow screens, each level of the menu slides over its parent:
  // the labels that open a section or go back to the parent level (hidden on wide
  // screens) become buttons there, and the focus follows the level shown.
  var narrowMenu = window.matchMedia("(max-width: 76.234375em)");
  var drill = document.querySelectorAll(
    ".md-nav--primary .md-nav__item--nested > label.md-nav__link[for]:not([tabindex]), " +
    ".md-nav--primary .md-nav__container > label.md-nav__link[for]:not([tabindex]), " +
    ".md-nav--primary .md-nav .md-nav__title[for]:not([for='__drawer']), " +
    ".md-nav--primary label.md-nav__link[for='__toc']");
  function syncDrill() {
    drill.forEach(function (label) {
      var box = document.getElementById(label.htmlFor);
      if (!box) return;
      if (narrowMenu.matches) {
        label.setAttribute("role", "button");
        label.tabIndex = 0;
        label.setAttribute("aria-expanded", box.checked ? "true" : "false");
      } else {
        label.removeAttribute("role");
        label.removeAttribute("tabindex");
        label.removeAttribute("aria-expanded");
      }
    });
  }
  drill.forEach(function (label) {
    var box = document.getElementById(label.htmlFor);
    if (!box) return;
    label.addEventListener("keydown", function (event) {
      // Enter is Material's (it clicks a focused label); Space would scroll the page.
      if (event.key !== " " || !narrowMenu.matches) return;
      event.preventDefault();
      label.click();
    });
    box.addEventListener("change", function () {
      syncDrill();
      if (!narrowMenu.matches) return;
      var active = document.activeElement;
      if (!active || active.htmlFor !== box.id && active.id !== box.id + "_label") return;
      var level = box.parentElement.querySelector(":scope > .md-nav");
      var next = box.checked
        ? level && level.querySelector(":scope > .md-nav__title, :scope > .md-nav__list a[href]")
        : box.parentElement.querySelector(":scope > .md-nav__link[for], :scope > .md-nav__container > [for], :scope > button");
      if (next) window.setTimeout(function () { next.focus(); }, 0);
    });
  });
  syncDrill();
  narrowMenu.addEventListener("change", syncDrill);

  // --- Language and version menus (RGAA 7.1) --------------------------------------------------
  // Material opens them on hover or when the focus is inside, and its button does
  // nothing: Enter or Space now opens and closes the menu (aria-expanded says which),
  // Escape closes it and gives the focus back to the button, Tab out of it closes it.
  function disclosure(root, button) {
    if (root.hasAttribute("data-kit-menu")) return;
    root.setAttribute("data-kit-menu", "");
    button.setAttribute("aria-expanded", "false");
    var setOpen = function (open) {
      root.classList.toggle("kit-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    };
    button.addEventListener("click", function () { setOpen(!root.classList.contains("kit-open")); });
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && root.classList.contains("kit-open")) {
        event.stopPropagation();
        setOpen(false);
        button.focus();
      }
    });
    root.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !root.contains(event.relatedTarget)) setOpen(false);
    });
  }
  function menus() {
    document.querySelectorAll(".md-header .md-select").forEach(function (root) {
      var button = root.querySelector("button");
      if (button) disclosure(root, button);
    });
    var version = document.querySelector(".md-version");
    var current = version && version.querySelector(".md-version__current");
    if (current) disclosure(version, current);
    return !!current;
  }
  // The version menu appears once versions.json is loaded: watch until it is there.
  if (!menus()) {
    var observer = new MutationObserver(function () { if (menus()) observer.disconnect(); });
    observer.observe(document.body, { childList: true, subtree: true });
    window.setTimeout(function () { observer.disconnect(); }, 10000);
  }

  // --- The menu drawer of narrow screens (RGAA 10.7, 12.8) ---------------------------------
  // Open, it covers the page: what lies under it is made inert, so Tab stays in the
  // drawer instead of walking through links nobody can see.
  var drawer = document.getElementById("__drawer");
  var sidebar = document.querySelector(".md-sidebar--primary");
  var narrow = window.matchMedia("(max-width: 76.234375em)");
  function keepsWorking(el) {
    return el.tagName === "SCRIPT" || el.classList.contains("md-toggle") || el.classList.contains("md-overlay");
  }
  function coverPage(cover) {
    for (var node = sidebar; node && node.parentElement && node !== document.body; node = node.parentElement) {
      Array.prototype.forEach.call(node.parentElement.children, function (sibling) {
        if (sibling === node || keepsWorking(sibling)) return;
        if (cover && !sibling.inert) {
          sibling.inert = true;
          sibling.setAttribute("data-kit-inert", "");
        } else if (!cover && sibling.hasAttribute("data-kit-inert")) {
          sibling.inert = false;
          sibling.removeAttribute("data-kit-inert");
        }
      });
    }
  }
  if (drawer && sidebar) {
    var syncDrawer = function () { coverPage(drawer.checked && narrow.matches); };
    drawer.addEventListener("change", syncDrawer);
    narrow.addEventListener("change", syncDrawer);
  }

  // --- A focused link in a sidebar stays in view (RGAA 10.7, 12.8) ----------------------------
  // Material's table of contents follows the reading (toc.follow): a quarter of a second after
  // the window stops scrolling, it scrolls the sidebar to the current section, smoothly, and can
  // carry the link that has the keyboard focus out of sight. Once such a scroll has ended, the
  // sidebar is scrolled back just enough to show that link again (its scroll-padding respected,
  // the window left where it is). A scroll the reader makes (wheel, touch, scroll bar, arrow
  // keys) is left alone: the reader is looking at the rest of the list.
  var SCROLL_KEYS = ["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "];
  var readerScrolled = new WeakMap();
  function readerScrolls(event) {
    if (event.type === "keydown" && SCROLL_KEYS.indexOf(event.key) < 0) return;
    var now = Date.now();
    for (var el = event.target; el && el.nodeType === 1; el = el.parentElement) readerScrolled.set(el, now);
  }
  ["wheel", "touchstart", "pointerdown", "keydown"].forEach(function (type) {
    document.addEventListener(type, readerScrolls, { capture: true, passive: true });
  });
  function px(value) { return parseFloat(value) || 0; }
  document.addEventListener("scrollend", function (event) {
    var box = event.target;
    if (!(box instanceof Element) || box === document.documentElement) return;  // the window: the browser's own
    if (Date.now() - (readerScrolled.get(box) || 0) < 1000) return;
    var focused = document.activeElement;
    if (!focused || focused === box || !box.contains(focused) || !focused.matches(":focus-visible")) return;
    var style = window.getComputedStyle(box);
    var top = box.getBoundingClientRect().top + box.clientTop;
    var shownTop = top + px(style.scrollPaddingTop);
    var shownBottom = top + box.clientHeight - px(style.scrollPaddingBottom);
    var link = focused.getBoundingClientRect();
    if (link.top < shownTop) box.scrollTop -= shownTop - link.top;
    else if (link.bottom > shownBottom) box.scrollTop += Math.min(link.bottom - shownBottom, link.top - shownTop);
  }, true);

  // --- Back to top (RGAA 10.7) ----------------------------------------------------------------
  // Material scrolls to the top and hides the button, which kept the focus: from the
  // keyboard, the focus goes to the first link of the page (« Aller au contenu »).
  document.addEventListener("click", function (event) {
    var top = event.target.closest && event.target.closest(".md-top");
    if (!top) return;
    var first = document.querySelector(".md-skip");
    if (event.detail === 0 && first) first.focus({ preventScroll: true });
    else top.blur();
  });

  // --- Tooltips of acronyms (RGAA 10.13) ---------------------------------------------------
  // Material shows them on hover and on focus, the focused one after a short delay. Escape
  // hides them, including one about to appear, until the focus moves to something else or
  // the pointer goes onto an acronym.
  var root = document.documentElement;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || root.classList.contains("kit-tooltips-dismissed")) return;
    root.classList.add("kit-tooltips-dismissed");
    var focused = document.activeElement;
    var restore = function (moved) {
      if (moved.type === "focusin" && moved.target === focused) return;
      if (moved.type === "mouseover" && !(moved.target.closest && moved.target.closest("abbr"))) return;
      root.classList.remove("kit-tooltips-dismissed");
      document.removeEventListener("focusin", restore, true);
      document.removeEventListener("mouseover", restore, true);
    };
    document.addEventListener("focusin", restore, true);
    document.addEventListener("mouseover", restore, true);
  });
})();
