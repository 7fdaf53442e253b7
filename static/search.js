// The search box: loads /search.bin (see src/render/search.rs) on first use and ranks
// notes as you type. Words are split as the index splits them: lower case, cut at
// anything that is not a letter or a digit. Each query word is also a prefix: exact
// matches rank higher.
(() => {
  "use strict";
  const form = document.querySelector("form.search");
  if (!form) return;
  const input = form.querySelector("input");
  const list = form.querySelector("ol");
  const MAX_RESULTS = 10;
  const MAX_EXPANSIONS = 64; // terms a prefix may stand for
  let index = null;
  let loading = null;
  let firstKeyAt = null;
  form.hidden = false;

  function leb(bytes, at) {
    let n = 0, shift = 0, b;
    do { b = bytes[at.i++]; n |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    return n >>> 0;
  }

  async function load() {
    const response = await fetch(form.dataset.index);
    if (!response.ok) throw new Error("search index: HTTP " + response.status);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const magic = String.fromCharCode(...bytes.slice(0, 4));
    if (magic !== "WSI1") throw new Error("search index: unknown format");
    const metaLen = new DataView(bytes.buffer).getUint32(4, true);
    const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + metaLen)));
    const terms = meta.terms ? meta.terms.split("\n") : [];
    const offsets = new Uint32Array(terms.length);
    const at = { i: 8 + metaLen };
    for (let t = 0; t < terms.length; t++) {
      offsets[t] = at.i;
      const n = leb(bytes, at);
      for (let k = 0; k < n; k++) { leb(bytes, at); at.i++; }
    }
    return { docs: meta.docs, terms, offsets, bytes };
  }

  function postings(t) {
    const at = { i: index.offsets[t] };
    const n = leb(index.bytes, at);
    const out = new Array(n);
    let id = 0;
    for (let k = 0; k < n; k++) { id += leb(index.bytes, at); out[k] = [id, index.bytes[at.i++]]; }
    return out;
  }

  function lowerBound(word) {
    let lo = 0, hi = index.terms.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (index.terms[mid] < word) lo = mid + 1; else hi = mid; }
    return lo;
  }

  function words(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // Each query word matches the terms it starts; a note must match every word; its score is the sum over words of the best idf-weighted term weight.
  function search(query) {
    const qs = words(query);
    if (!qs.length) return [];
    const total = index.docs.length;
    let scores = null;
    qs.forEach((q) => {
      const found = new Map();
      for (let t = lowerBound(q), seen = 0; t < index.terms.length && seen < MAX_EXPANSIONS; t++, seen++) {
        const term = index.terms[t];
        if (!term.startsWith(q)) break;
        const list = postings(t);
        const idf = Math.log(1 + (total - list.length + 0.5) / (list.length + 0.5));
        const exact = term === q ? 1 : 0.8;
        for (const [id, w] of list) {
          const s = idf * w * exact;
          if (!(found.get(id) >= s)) found.set(id, s);
        }
      }
      if (scores === null) { scores = found; return; }
      const next = new Map();
      for (const [id, s] of scores) if (found.has(id)) next.set(id, s + found.get(id));
      scores = next;
    });
    return [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, MAX_RESULTS).map(([id]) => id);
  }

  // Text with each word that starts with a query word wrapped in <mark>, built as DOM
  // nodes so that nothing in a note can become markup.
  function highlighted(text, qs) {
    const frag = document.createDocumentFragment();
    const re = /[\p{L}\p{N}]+/gu;
    let last = 0, m;
    while ((m = re.exec(text)) !== null) {
      const word = m[0].toLowerCase();
      if (qs.some((q) => word.startsWith(q))) {
        frag.append(text.slice(last, m.index));
        const mark = document.createElement("mark");
        mark.textContent = m[0];
        frag.append(mark);
        last = m.index + m[0].length;
      }
    }
    frag.append(text.slice(last));
    return frag;
  }

  function show(query, ids) {
    const qs = words(query);
    list.replaceChildren();
    for (const id of ids) {
      const [url, title, date, tags, snippet] = index.docs[id];
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = url;
      const t = document.createElement("span");
      t.className = "search-title";
      t.append(highlighted(title, qs));
      const meta = document.createElement("span");
      meta.className = "search-meta";
      meta.textContent = [date, tags.map((x) => "#" + x).join(" ")].filter(Boolean).join(" · ");
      const s = document.createElement("span");
      s.className = "search-snippet";
      s.append(highlighted(snippet, qs));
      a.append(t, meta, s);
      li.append(a);
      list.append(li);
    }
    if (!ids.length && qs.length) {
      const li = document.createElement("li");
      li.className = "search-empty";
      li.textContent = "No notes match.";
      list.append(li);
    }
    list.hidden = !qs.length;
    if (firstKeyAt !== null && ids.length) {
      list.dataset.firstResultMs = (performance.now() - firstKeyAt).toFixed(1);
      firstKeyAt = null;
    }
  }

  async function update() {
    const query = input.value;
    if (!index) {
      loading = loading || load().catch((e) => { list.hidden = false; list.textContent = String(e); throw e; });
      index = await loading;
    }
    if (query === input.value) show(query, search(query));
  }

  input.addEventListener("input", () => {
    if (firstKeyAt === null && !list.dataset.firstResultMs) firstKeyAt = performance.now();
    update();
  });
  input.addEventListener("focus", () => { if (!loading) { loading = load(); loading.then((i) => { index = i; }, () => {}); } });
  input.addEventListener("keydown", (e) => {
    const links = [...list.querySelectorAll("a")];
    const current = links.indexOf(document.activeElement);
    if (e.key === "Escape") { input.value = ""; list.hidden = true; input.blur(); }
    if (e.key === "ArrowDown" && links.length) { e.preventDefault(); links[0].focus(); }
    if (e.key === "Enter" && links.length && current < 0) { e.preventDefault(); location.href = links[0].href; }
  });
  list.addEventListener("keydown", (e) => {
    const links = [...list.querySelectorAll("a")];
    const current = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && current < links.length - 1) { e.preventDefault(); links[current + 1].focus(); }
    if (e.key === "ArrowUp") { e.preventDefault(); (current > 0 ? links[current - 1] : input).focus(); }
    if (e.key === "Escape") { list.hidden = true; input.focus(); }
  });
  form.addEventListener("submit", (e) => e.preventDefault());
  document.addEventListener("keydown", (e) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) || document.activeElement.isContentEditable;
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); input.focus(); input.select(); }
  });
})();
