// Material for MkDocs 9.x, partials/javascripts/base.html, moved into a file so that the
// intranet's Content-Security-Policy can forbid every inline script. Same code; the scope
// (the site's root, relative to the page) comes from the tag's data-md-scope attribute.
__md_scope=new URL(document.currentScript.getAttribute("data-md-scope"),location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}};
