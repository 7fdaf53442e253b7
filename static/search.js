// The search box. Its index (src/render/search/) is split: a table of contents
// (search/index.json) fetched when the box is focused, then for each query word the shards
// of terms it starts, and for the results shown the groups that hold their entries; each
// part is fetched once. Words are split as the index splits them: lower case, cut at
// anything that is not a letter or a digit. Each query word is also a prefix: exact
// matches rank higher. A one-word query is answered first from the word's own small file
// (search/q/, named by a hash of the word: one fetch, where the full path takes three),
// then by the full index, which adds the notes its prefix matches.
(() => {
  "use strict";
  const form = document.querySelector("form.search");
  if (!form) return;
  const input = form.querySelector("input");
  const list = form.querySelector("ol");
  const MAX_RESULTS = 10;
  const MAX_EXPANSIONS = 64; // terms a prefix may stand for
  const SHARDS_AT_ONCE = 4; // a short prefix's shards are fetched this many at a time
  const base = new URL(form.dataset.index, location.href);
  const quickBuckets = Number(form.dataset.quick) || 0;
  const parts = new Map(); // URL -> promise of its bytes or JSON
  let index = null;
  let loading = null;
  let firstKeyAt = null;
  form.hidden = false;

  function fetched(path, as) {
    const url = new URL(path, base).href;
    if (!parts.has(url)) {
      const p = fetch(url).then((r) => {
        if (!r.ok) throw new Error("search index: HTTP " + r.status + " for " + path);
        return as === "json" ? r.json() : r.arrayBuffer();
      });
      p.catch(() => parts.delete(url));
      parts.set(url, p);
    }
    return parts.get(url);
  }

  function leb(bytes, at) {
    let n = 0, shift = 0, b;
    do { b = bytes[at.i++]; n |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    return n >>> 0;
  }

  async function load() {
    const contents = await fetched(base.href, "json");
    if (contents.v !== 2) throw new Error("search index: unknown format");
    return contents;
  }

  // A shard's terms, each with where its postings start.
  async function shard(i) {
    const buffer = await fetched("t/" + index.shards[i][1] + ".bin");
    const bytes = new Uint8Array(buffer);
    if (String.fromCharCode(...bytes.subarray(0, 4)) !== "WSS2") throw new Error("search index: unknown shard format");
    const textLen = new DataView(buffer).getUint32(4, true);
    const terms = textLen ? new TextDecoder().decode(bytes.subarray(8, 8 + textLen)).split("\n") : [];
    const offsets = new Uint32Array(terms.length);
    const at = { i: 8 + textLen };
    for (let t = 0; t < terms.length; t++) {
      offsets[t] = at.i;
      const n = leb(bytes, at);
      for (let k = 0; k < n; k++) { leb(bytes, at); at.i++; }
    }
    return { terms, offsets, bytes };
  }

  function postings(s, t) {
    const at = { i: s.offsets[t] };
    const n = leb(s.bytes, at);
    const out = new Array(n);
    let id = 0;
    for (let k = 0; k < n; k++) { id += leb(s.bytes, at); out[k] = [id, s.bytes[at.i++]]; }
    return out;
  }

  // The first shard that may hold a term starting with `word`: the last one whose first
  // term is not past it.
  function firstShard(word) {
    let lo = 0, hi = index.shards.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (index.shards[mid][0] <= word) lo = mid + 1; else hi = mid; }
    return Math.max(0, lo - 1);
  }

  // The terms that start with `q` (at most MAX_EXPANSIONS, in order), with their postings.
  async function expansions(q) {
    const found = [];
    let next = firstShard(q);
    while (found.length < MAX_EXPANSIONS && next < index.shards.length) {
      const batch = [];
      do { batch.push(next++); } while (batch.length < SHARDS_AT_ONCE && next < index.shards.length && index.shards[next][0].startsWith(q));
      for (const s of await Promise.all(batch.map(shard))) {
        let t = 0;
        while (t < s.terms.length && s.terms[t] < q) t++;
        for (; t < s.terms.length && found.length < MAX_EXPANSIONS && s.terms[t].startsWith(q); t++) {
          found.push([s.terms[t], postings(s, t)]);
        }
      }
      if (next >= index.shards.length || !index.shards[next][0].startsWith(q)) break;
    }
    return found;
  }

  // 32-bit FNV-1a of the word's UTF-8, as src/render/search/quick.rs hashes it.
  function fnv1a(word) {
    let h = 0x811c9dc5;
    for (const b of new TextEncoder().encode(word)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h;
  }

  // A word's best notes as entries, best first, from its bucket's file; null when the word
  // is not in the index as it is (it may still start words that are).
  async function quick(word) {
    if (!quickBuckets) return null;
    const part = await fetched("q/" + (fnv1a(word) % quickBuckets) + ".json", "json");
    const best = Object.hasOwn(part.t, word) ? part.t[word] : null;
    return best && best.map((i) => part.e[i]);
  }

  function words(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // Each query word matches the terms it starts; a note must match every word; its score is the sum over words of the best idf-weighted term weight.
  async function search(query) {
    const qs = words(query);
    if (!qs.length) return [];
    const total = index.total;
    const matches = await Promise.all(qs.map(expansions));
    let scores = null;
    matches.forEach((terms, w) => {
      const found = new Map();
      for (const [term, list] of terms) {
        const idf = Math.log(1 + (total - list.length + 0.5) / (list.length + 0.5));
        const exact = term === qs[w] ? 1 : 0.8;
        for (const [id, weight] of list) {
          const s = idf * weight * exact;
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

  // The result entries of these notes, from the groups that hold them.
  async function entries(ids) {
    const g = index.group;
    const groups = await Promise.all(ids.map((id) => fetched("d/" + index.docs[Math.floor(id / g)] + ".json", "json")));
    return ids.map((id, k) => groups[k][id % g]);
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

  // `complete`: the full index's ranking, not only a word's best notes.
  function show(query, results, complete) {
    const qs = words(query);
    list.replaceChildren();
    for (const [url, title, date, tags, snippet] of results) {
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
    if (!results.length && qs.length) {
      const li = document.createElement("li");
      li.className = "search-empty";
      li.textContent = form.dataset.none || "No notes match.";
      list.append(li);
    }
    list.hidden = !qs.length;
    if (firstKeyAt !== null && results.length) {
      const ms = (performance.now() - firstKeyAt).toFixed(1);
      if (!list.dataset.firstResultMs) list.dataset.firstResultMs = ms;
      if (complete) { list.dataset.completeResultMs = ms; firstKeyAt = null; }
    }
  }

  async function update() {
    const query = input.value;
    const qs = words(query);
    let complete = false, early = false;
    if (qs.length === 1) {
      quick(qs[0]).then((best) => {
        if (best && best.length && !complete && query === input.value) { early = true; show(query, best, false); }
      }, () => {});
    }
    let results;
    try {
      if (!index) {
        loading = loading || load();
        index = await loading;
      }
      results = await entries(await search(query));
    } catch (e) {
      loading = index ? loading : null;
      // A word's best notes, when shown, stay: the rest of the index could not be had.
      if (query === input.value && !early) { list.hidden = false; list.textContent = String(e); }
      return;
    }
    complete = true;
    if (query === input.value) show(query, results, true);
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
