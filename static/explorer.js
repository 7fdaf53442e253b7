// The explorer: the site's folders, written by the page as a plain nested list. Here each
// folder gets a button that opens and closes it, its notes come from the note map
// (notes.json) when it first opens in view, and which folders are open is remembered
// across pages and reloads. A folder on the way to this page starts open.
(function () {
  "use strict";
  var nav = document.querySelector("nav.explorer");
  if (!nav) return;
  var KEY = "wisdom-explorer:" + nav.dataset.home;
  var BATCH = 100; // notes shown per folder before a "more" button
  var here = location.pathname;
  var map = null;
  var loading = null;
  var bySection = {};
  var visible = false;

  function remembered() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function remember(url, open) {
    var state = remembered();
    state[url] = open;
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  function load() {
    if (!loading) {
      loading = fetch(nav.dataset.map).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(function (m) {
        map = m;
        m.sections.forEach(function (s, i) { bySection[s[1]] = i; });
        return m;
      });
    }
    return loading;
  }

  function noteItem(n) {
    var note = map.notes[n];
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = note[1];
    a.textContent = note[0];
    if (note[1] === here) a.setAttribute("aria-current", "page");
    li.appendChild(a);
    return li;
  }

  // Appends a folder's notes to `list`, BATCH at a time, the current note always shown.
  function fill(list, notes) {
    var shown = 0;
    var mine = notes.findIndex(function (n) { return map.notes[n][1] === here; });
    function more() {
      var end = Math.min(notes.length, Math.max(shown + BATCH, mine + 1));
      var frag = document.createDocumentFragment();
      for (; shown < end; shown++) frag.appendChild(noteItem(notes[shown]));
      list.appendChild(frag);
      if (shown < notes.length) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "explorer-more";
        button.textContent = (notes.length - shown).toLocaleString() + " more";
        button.addEventListener("click", function () { li.remove(); more(); });
        li.appendChild(button);
        list.appendChild(li);
      }
    }
    more();
  }

  function isOpen(li) { return li.firstElementChild.getAttribute("aria-expanded") === "true"; }

  // The list of a folder's notes, made when it is first open in view.
  function fillFolder(li) {
    if (li.dataset.filled) return;
    li.dataset.filled = "1";
    load().then(function () {
      var i = bySection[li.dataset.url];
      var notes = i === undefined ? [] : map.sections[i][3];
      if (!notes.length) return;
      var list = document.createElement("ul");
      list.className = "explorer-notes";
      list.hidden = !isOpen(li);
      li.appendChild(list);
      fill(list, notes);
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
    load().then(function (m) {
      var home = m.sections[0];
      if (!home[3].length || nav.querySelector(":scope > ul > li.home-notes")) return;
      var li = document.createElement("li");
      li.className = "home-notes";
      var list = document.createElement("ul");
      list.className = "explorer-notes";
      li.appendChild(list);
      nav.querySelector(":scope > ul").appendChild(li);
      fill(list, home[3]);
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
