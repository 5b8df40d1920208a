// The root address of the published kit (deploy/redirect.html, written by mike) sends the
// reader to the latest version, keeping the query and the fragment. A file, not an inline
// script: the intranet's Content-Security-Policy runs no inline script.
window.location.replace(document.currentScript.getAttribute("data-href") + window.location.search + window.location.hash);
