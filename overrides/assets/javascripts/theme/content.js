// Material for MkDocs 9.x, partials/javascripts/content.html, moved into a file (no inline
// script under the Content-Security-Policy): opens the content tab named in the address.
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"));
