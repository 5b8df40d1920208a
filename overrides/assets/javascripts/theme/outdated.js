// Material for MkDocs 9.x, partials/javascripts/outdated.html, moved into a file (no inline
// script under the Content-Security-Policy). Shows the « outdated version » banner at once
// when this tab already knows the version is not the latest; the base comes from the tag.
var el=document.querySelector("[data-md-component=outdated]"),base=new URL(document.currentScript.getAttribute("data-md-base"),location),outdated=__md_get("__outdated",sessionStorage,base);!0===outdated&&el&&(el.hidden=!1);
