// Link previews: hovering or focusing a link to another note shows its title, date, tags and
// first section (or the section its #anchor names), from the page the build already wrote.
// Previews nest one level, never stand in the way of a click, close on Escape and on
// leaving, and are off for touch (a finger has no hover; a mouse on the same screen does).
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser) return;
  var pages = {}; // path → Promise of the parsed page
  var open = []; // the previews shown, outermost first
  var DELAY = 250, MAX_NODES = 6;

  function target(link) {
    if (!link || link.tagName !== "A" || !link.href || link.classList.contains("anchor")) return null;
    var url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname === location.pathname) return null;
    if (!/\/$/.test(url.pathname)) return null; // notes and sections, not files
    if (link.closest(".toc, .site-header, .crumbs, .pagination")) return null;
    return url;
  }

  function page(path) {
    if (!pages[path]) {
      pages[path] = fetch(path).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.text();
      }).then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
    }
    return pages[path];
  }

  // The section a heading starts: it and what follows up to the next heading of its level.
  function section(heading) {
    var level = Number(heading.tagName.slice(1)), nodes = [heading], next = heading.nextElementSibling;
    while (next && nodes.length < MAX_NODES) {
      var m = /^H([1-6])$/.exec(next.tagName);
      if (m && Number(m[1]) <= level) break;
      nodes.push(next);
      next = next.nextElementSibling;
    }
    return nodes;
  }

  function excerpt(doc, hash) {
    var prose = doc.querySelector("article.note .prose, .intro .prose");
    if (!prose) return [];
    var heading = hash && doc.getElementById(decodeURIComponent(hash.slice(1)));
    if (heading && prose.contains(heading) && /^H[1-6]$/.test(heading.tagName)) return section(heading);
    var nodes = [];
    for (var n = prose.firstElementChild; n && nodes.length < MAX_NODES; n = n.nextElementSibling) {
      if (/^H[1-3]$/.test(n.tagName) && nodes.length) break;
      nodes.push(n);
    }
    return nodes;
  }

  function build(doc, url, depth) {
    var box = document.createElement("div");
    box.className = "preview";
    box.id = "wisdom-preview-" + depth;
    box.setAttribute("role", "tooltip");
    var title = doc.querySelector("article.note h1, .intro h1");
    var head = document.createElement("p");
    head.className = "preview-title";
    head.textContent = title ? title.textContent : url.pathname;
    box.append(head);
    var meta = doc.querySelector("article.note header .meta");
    var tags = doc.querySelector("article.note header .tags");
    [meta, tags].forEach(function (n) { if (n) box.append(document.importNode(n, true)); });
    var body = document.createElement("div");
    body.className = "preview-body prose";
    excerpt(doc, url.hash).forEach(function (n) { body.append(document.importNode(n, true)); });
    box.append(body);
    // Ids inside the copy would clash with the page's own.
    box.querySelectorAll("[id]").forEach(function (n) { if (n !== box) n.removeAttribute("id"); });
    return box;
  }

  function place(box, link) {
    var r = link.getBoundingClientRect();
    var width = Math.min(420, window.innerWidth - 16);
    box.style.width = width + "px";
    var left = Math.min(Math.max(8, r.left), window.innerWidth - width - 8);
    var below = r.bottom + 8, room = window.innerHeight - below;
    box.style.left = left + window.scrollX + "px";
    box.style.top = (room > 220 ? below : Math.max(8, r.top - 8 - Math.min(box.offsetHeight, 320))) + window.scrollY + "px";
  }

  function close(from) {
    while (open.length > from) {
      var p = open.pop();
      if (p.link) p.link.removeAttribute("aria-describedby");
      p.box.remove();
    }
  }

  var timer = null;
  function later(f) { clearTimeout(timer); timer = setTimeout(f, DELAY); }

  function depthOf(node) {
    for (var i = open.length - 1; i >= 0; i--) if (open[i].box.contains(node)) return i + 1;
    return 0;
  }

  function show(link) {
    var url = target(link);
    var depth = depthOf(link);
    if (!url || depth > 1) return;
    later(function () {
      page(url.pathname).then(function (doc) {
        close(depth);
        var box = build(doc, url, depth);
        document.body.append(box);
        place(box, link);
        link.setAttribute("aria-describedby", box.id);
        open.push({ box: box, link: link });
      }).catch(function () { /* a page that is not there: no preview */ });
    });
  }

  function leave(event) {
    var to = event.relatedTarget;
    later(function () {
      var keep = to && (depthOf(to) || open.some(function (p) { return p.link === to || p.link.contains(to); }));
      if (!keep) close(0);
    });
  }

  var byHand = function (event) { return event.pointerType === "mouse" || event.pointerType === "pen"; };
  document.addEventListener("pointerover", function (event) {
    if (!byHand(event)) return;
    var link = event.target.closest && event.target.closest("a");
    if (link && target(link)) show(link);
    else if (depthOf(event.target)) clearTimeout(timer);
  });
  document.addEventListener("pointerout", function (event) {
    if (!byHand(event)) return;
    var link = event.target.closest && event.target.closest("a, .preview");
    if (link) leave(event);
  });
  document.addEventListener("focusin", function (event) {
    if (target(event.target)) show(event.target);
  });
  document.addEventListener("focusout", function (event) { leave(event); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && open.length) { clearTimeout(timer); close(0); }
  });
  // A click goes where the link goes; the preview is not in its way.
  document.addEventListener("click", function () { clearTimeout(timer); close(0); }, true);
})();
