// The explorer: the site's folders, written by the page as a plain nested list. Here each
// folder gets a button that opens and closes it, its notes are fetched when it first opens
// in view (explorer/index.json names each folder's batches of notes; a folder fetches its
// first batch, and the next on "more"), and which folders are open is remembered across
// pages and reloads. A folder on the way to this page starts open, and shows this note
// even when it is past the batches shown.
(function () {
  "use strict";
  var nav = document.querySelector("nav.explorer");
  if (!nav) return;
  var KEY = "wisdom-explorer:" + nav.dataset.home;
  var here = location.pathname;
  var base = new URL(nav.dataset.folders, location.href);
  var loading = null;
  var batches = {};
  var visible = false;

  function remembered() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function remember(url, open) {
    var state = remembered();
    state[url] = open;
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  function fetchJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  // The table of contents: {folders: {url: [count, [batch, ...]]}}.
  function load() {
    if (!loading) {
      loading = fetchJSON(base.href);
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function batch(name) {
    if (!batches[name]) {
      batches[name] = fetchJSON(new URL(name + ".json", base).href);
      batches[name].catch(function () { delete batches[name]; });
    }
    return batches[name];
  }

  function noteItem(title, url) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = url;
    a.textContent = title;
    if (url === here) a.setAttribute("aria-current", "page");
    li.appendChild(a);
    return li;
  }

  // Fills `list` with a folder's notes, a batch at a time behind a "more" button; this
  // note, when it is the folder's and not yet shown, after them.
  function fill(list, folderUrl, entry) {
    var count = entry[0], names = entry[1], next = 0, shown = 0;
    var mine = null;
    if (nav.dataset.note !== undefined && nav.dataset.noteFolder === folderUrl) {
      mine = noteItem(nav.dataset.note, here);
      mine.className = "explorer-here";
    }
    function more() {
      if (next >= names.length) return Promise.resolve();
      return batch(names[next++]).then(function (notes) {
        var frag = document.createDocumentFragment();
        notes.forEach(function (n) {
          frag.appendChild(noteItem(n[0], n[1]));
          if (n[1] === here && mine) { mine.remove(); mine = null; }
        });
        shown += notes.length;
        list.appendChild(frag);
        if (shown < count) {
          var li = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "explorer-more";
          button.textContent = (nav.dataset.more || "{n} more").replace("{n}", (count - shown).toLocaleString(document.documentElement.lang || undefined));
          button.addEventListener("click", function () { li.remove(); more(); });
          li.appendChild(button);
          list.appendChild(li);
        }
        if (mine) list.appendChild(mine);
      });
    }
    return more();
  }

  function isOpen(li) { return li.firstElementChild.getAttribute("aria-expanded") === "true"; }

  // The list of a folder's notes, made when it is first open in view.
  function fillFolder(li) {
    if (li.dataset.filled) return;
    li.dataset.filled = "1";
    load().then(function (contents) {
      var entry = contents.folders[li.dataset.url];
      if (!entry || !entry[0]) return;
      var list = document.createElement("ul");
      list.className = "explorer-notes";
      list.hidden = !isOpen(li);
      li.appendChild(list);
      return fill(list, li.dataset.url, entry);
    }).catch(function () { delete li.dataset.filled; });
  }

  function setOpen(li, open) {
    li.firstElementChild.setAttribute("aria-expanded", String(open));
    for (var c = li.firstElementChild; c; c = c.nextElementSibling) {
      if (c.tagName === "UL") c.hidden = !open;
    }
    if (open && visible) fillFolder(li);
  }

  var folders = nav.querySelectorAll("li[data-url]");
  var state = remembered();
  folders.forEach(function (li) {
    var url = li.dataset.url;
    var link = li.querySelector(":scope > a");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "explorer-toggle";
    button.setAttribute("aria-label", link.textContent);
    li.insertBefore(button, link);
    setOpen(li, state[url] === true || (li.hasAttribute("data-here") && state[url] !== false));
    button.addEventListener("click", function () {
      var open = !isOpen(li);
      setOpen(li, open);
      remember(url, open);
    });
  });

  // Once the explorer is in view: the notes of the open folders, and the home page's own
  // notes after the top-level folders.
  function show() {
    visible = true;
    folders.forEach(function (li) { if (isOpen(li)) fillFolder(li); });
    load().then(function (contents) {
      var home = contents.folders[nav.dataset.home];
      if (!home || !home[0] || nav.querySelector(":scope > ul > li.home-notes")) return;
      var li = document.createElement("li");
      li.className = "home-notes";
      var list = document.createElement("ul");
      list.className = "explorer-notes";
      li.appendChild(list);
      nav.querySelector(":scope > ul").appendChild(li);
      return fill(list, nav.dataset.home, home);
    }).catch(function () {});
  }
  if ("IntersectionObserver" in window) {
    var seen = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) {
        seen.disconnect();
        show();
      }
    });
    seen.observe(nav);
  } else {
    show();
  }
})();
