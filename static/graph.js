// The graph of notes: every <canvas class="graph"> on the page, drawn from the note map
// (notes.json, beside this script) with a force layout. `data-mode="global"` draws every
// note; `data-mode="local"` (inside a <details> below a note) draws the note and its
// neighbours to the chosen depth, and loads nothing until it is opened.
//
// The layout is d3-force's model (links as springs, many-body repulsion by Barnes-Hut, a
// weak pull to the centre) run a few ticks per animation frame within a time budget, so a
// graph of 10,000 notes draws its first frame at once and never blocks the page.
(function () {
  "use strict";
  var script = document.currentScript;
  var MAP_URL = new URL("notes.json", script ? script.src : location.href).href;
  var FRAME_BUDGET_MS = 10;
  var THETA2 = 0.81; // Barnes-Hut accuracy (theta 0.9, squared)
  var REPULSION = -30;
  var LINK_DISTANCE = 30;
  var GRAVITY = 0.05;
  var ALPHA_MIN = 0.001;
  // Ticks to settle: d3's 300, fewer for large graphs (each tick costs more there).
  function alphaDecay(n) { return 1 - Math.pow(ALPHA_MIN, 1 / (n > 2000 ? 200 : 300)); }
  var VELOCITY_KEEP = 0.6;
  var MAX_LABELS = 250;
  // Above this many lines they are set as pixels (one pixel wide, overlaps darker) rather
  // than stroked: a canvas without a GPU takes 40 ms to seconds to stroke 30,000 crossing
  // lines, and setting their pixels takes a few.
  var PIXEL_LINES_FROM = 3000;
  var mapPromise = null;

  function loadMap() {
    if (!mapPromise) {
      mapPromise = fetch(MAP_URL).then(function (r) {
        if (!r.ok) throw new Error("notes.json: " + r.status);
        return r.json();
      });
    }
    return mapPromise;
  }

  // ---- The graph's data: which notes (and tags) are nodes, and the edges between them.

  function neighbourLists(n, from, to) {
    var lists = new Array(n);
    for (var i = 0; i < n; i++) lists[i] = [];
    for (var e = 0; e < from.length; e++) {
      lists[from[e]].push(to[e]);
      lists[to[e]].push(from[e]);
    }
    return lists;
  }

  // Picks the nodes: all notes, or those within `depth` links of `centre`; then the tags of
  // the chosen notes when `tags`. Returns {label, url, kind, from, to, centre}.
  function select(map, centre, depth, tags) {
    var notes = map.notes;
    var links = map.links;
    var chosen;
    if (centre < 0) {
      chosen = new Array(notes.length);
      for (var i = 0; i < notes.length; i++) chosen[i] = i;
    } else {
      var from = [], to = [];
      for (var l = 0; l < links.length; l += 2) { from.push(links[l]); to.push(links[l + 1]); }
      var around = neighbourLists(notes.length, from, to);
      var seen = {};
      seen[centre] = true;
      chosen = [centre];
      var ring = [centre];
      for (var d = 0; d < depth; d++) {
        var next = [];
        ring.forEach(function (a) {
          around[a].forEach(function (b) {
            if (!seen[b]) { seen[b] = true; chosen.push(b); next.push(b); }
          });
        });
        ring = next;
      }
    }
    var index = new Map();
    var g = { label: [], url: [], kind: [], from: [], to: [], centre: -1 };
    chosen.forEach(function (note) {
      index.set(note, g.label.length);
      g.label.push(notes[note][0]);
      g.url.push(notes[note][1]);
      g.kind.push(note === centre ? 2 : 0);
    });
    g.centre = centre < 0 ? -1 : 0;
    for (var k = 0; k < links.length; k += 2) {
      var a = index.get(links[k]), b = index.get(links[k + 1]);
      if (a !== undefined && b !== undefined) { g.from.push(a); g.to.push(b); }
    }
    if (tags) {
      var tagNode = new Map();
      chosen.forEach(function (note) {
        notes[note][2].forEach(function (t) {
          if (!tagNode.has(t)) {
            tagNode.set(t, g.label.length);
            g.label.push("#" + map.terms[t][0]);
            g.url.push(map.terms[t][1]);
            g.kind.push(1);
          }
          g.from.push(index.get(note));
          g.to.push(tagNode.get(t));
        });
      });
    }
    return g;
  }

  // ---- The layout.

  function Layout(g) {
    var n = g.label.length;
    this.n = n;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.vx = new Float64Array(n);
    this.vy = new Float64Array(n);
    this.fixed = -1;
    this.fx = 0;
    this.fy = 0;
    this.from = Uint32Array.from(g.from);
    this.to = Uint32Array.from(g.to);
    this.degree = new Uint32Array(n);
    for (var e = 0; e < this.from.length; e++) { this.degree[this.from[e]]++; this.degree[this.to[e]]++; }
    // Phyllotaxis start (as d3): spread evenly, the best-linked notes in the middle.
    var order = Array.from({ length: n }, function (_, i) { return i; });
    var deg = this.degree;
    order.sort(function (a, b) { return deg[b] - deg[a]; });
    if (g.centre >= 0) {
      order.splice(order.indexOf(g.centre), 1);
      order.unshift(g.centre);
    }
    var golden = Math.PI * (3 - Math.sqrt(5));
    for (var i = 0; i < n; i++) {
      var r = 10 * Math.sqrt(0.5 + i), a = i * golden;
      this.x[order[i]] = r * Math.cos(a);
      this.y[order[i]] = r * Math.sin(a);
    }
    this.order = order; // for labels: best-linked first
    this.alpha = 1;
    this.alphaTarget = 0;
    this.alphaDecay = alphaDecay(n);
    // The quadtree, in flat arrays reused between ticks.
    this.next = new Int32Array(n); // the other bodies of a leaf (at the same point)
    this.grow(2 * n + 8);
  }

  Layout.prototype.grow = function (cap) {
    this.cap = cap;
    this.cx0 = new Float64Array(cap); this.cy0 = new Float64Array(cap); this.cs = new Float64Array(cap);
    this.mass = new Float64Array(cap); this.mx = new Float64Array(cap); this.my = new Float64Array(cap);
    this.child = new Int32Array(cap * 4);
    this.body = new Int32Array(cap);
  };

  Layout.prototype.cell = function (x0, y0, size) {
    var c = this.cells++;
    if (c >= this.cap) {
      var old = this;
      var keep = { cx0: old.cx0, cy0: old.cy0, cs: old.cs, child: old.child, body: old.body };
      this.grow(this.cap * 2);
      this.cx0.set(keep.cx0); this.cy0.set(keep.cy0); this.cs.set(keep.cs);
      this.child.set(keep.child); this.body.set(keep.body);
    }
    this.cx0[c] = x0; this.cy0[c] = y0; this.cs[c] = size;
    this.child[4 * c] = this.child[4 * c + 1] = this.child[4 * c + 2] = this.child[4 * c + 3] = -1;
    this.body[c] = -1;
    return c;
  };

  Layout.prototype.insert = function (i) {
    var x = this.x[i], y = this.y[i], c = 0;
    for (;;) {
      var half = this.cs[c] / 2;
      var q = (x >= this.cx0[c] + half ? 1 : 0) + (y >= this.cy0[c] + half ? 2 : 0);
      var k = this.child[4 * c];
      var isLeaf = k === -1 && this.child[4 * c + 1] === -1 && this.child[4 * c + 2] === -1 && this.child[4 * c + 3] === -1;
      if (isLeaf) {
        var b = this.body[c];
        if (b === -1) { this.body[c] = i; this.next[i] = -1; return; }
        if (half < 1e-3 || (this.x[b] === x && this.y[b] === y)) { this.next[i] = this.next[b]; this.next[b] = i; return; }
        // Split: the body moves down to its quadrant.
        this.body[c] = -1;
        var qb = (this.x[b] >= this.cx0[c] + half ? 1 : 0) + (this.y[b] >= this.cy0[c] + half ? 2 : 0);
        var nb = this.cell(this.cx0[c] + (qb & 1) * half, this.cy0[c] + (qb >> 1) * half, half);
        this.child[4 * c + qb] = nb;
        this.body[nb] = b;
      }
      var next = this.child[4 * c + q];
      if (next === -1) {
        next = this.cell(this.cx0[c] + (q & 1) * half, this.cy0[c] + (q >> 1) * half, half);
        this.child[4 * c + q] = next;
        this.body[next] = i;
        this.next[i] = -1;
        return;
      }
      c = next;
    }
  };

  Layout.prototype.buildTree = function () {
    var n = this.n, x = this.x, y = this.y;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (var i = 0; i < n; i++) {
      if (x[i] < minX) minX = x[i]; if (x[i] > maxX) maxX = x[i];
      if (y[i] < minY) minY = y[i]; if (y[i] > maxY) maxY = y[i];
    }
    this.cells = 0;
    this.cell(minX, minY, Math.max(maxX - minX, maxY - minY, 1) * 1.0001);
    for (var j = 0; j < n; j++) this.insert(j);
    // Masses and centres, children before parents (they were made after them).
    for (var c = this.cells - 1; c >= 0; c--) {
      var m = 0, sx = 0, sy = 0;
      for (var b = this.body[c]; b !== -1; b = this.next[b]) { m++; sx += x[b]; sy += y[b]; }
      for (var k = 0; k < 4; k++) {
        var ch = this.child[4 * c + k];
        if (ch !== -1) { m += this.mass[ch]; sx += this.mx[ch] * this.mass[ch]; sy += this.my[ch] * this.mass[ch]; }
      }
      this.mass[c] = m;
      this.mx[c] = m ? sx / m : 0;
      this.my[c] = m ? sy / m : 0;
    }
  };

  Layout.prototype.tick = function () {
    var n = this.n, x = this.x, y = this.y, vx = this.vx, vy = this.vy, alpha = this.alpha;
    // Springs.
    var from = this.from, to = this.to, deg = this.degree;
    for (var e = 0; e < from.length; e++) {
      var s = from[e], t = to[e];
      var dx = x[t] + vx[t] - x[s] - vx[s] || 1e-6, dy = y[t] + vy[t] - y[s] - vy[s] || 1e-6;
      var l = Math.sqrt(dx * dx + dy * dy);
      var strength = 1 / Math.min(deg[s], deg[t]);
      l = (l - LINK_DISTANCE) / l * alpha * strength;
      dx *= l; dy *= l;
      var bias = deg[s] / (deg[s] + deg[t]);
      vx[t] -= dx * bias; vy[t] -= dy * bias;
      vx[s] += dx * (1 - bias); vy[s] += dy * (1 - bias);
    }
    // Repulsion.
    this.buildTree();
    var stack = this.stack || (this.stack = new Int32Array(4096));
    for (var i = 0; i < n; i++) {
      var xi = x[i], yi = y[i], fx = 0, fy = 0, top = 0;
      stack[top++] = 0;
      while (top) {
        var c = stack[--top];
        var m = this.mass[c];
        if (!m) continue;
        var ddx = this.mx[c] - xi, ddy = this.my[c] - yi, d2 = ddx * ddx + ddy * ddy;
        var size = this.cs[c];
        var leaf = this.child[4 * c] === -1 && this.child[4 * c + 1] === -1 && this.child[4 * c + 2] === -1 && this.child[4 * c + 3] === -1;
        // A far cell acts as one body at its centre of mass; a leaf is exact (its own
        // leaf is at distance 0 and pushes nothing).
        if (size * size / THETA2 < d2 || leaf) {
          if (d2 === 0) continue;
          if (d2 < 1) d2 = 1;
          var w = REPULSION * m * alpha / d2;
          fx += ddx * w; fy += ddy * w;
          continue;
        }
        if (top + 4 > stack.length) { var bigger = new Int32Array(stack.length * 2); bigger.set(stack); stack = this.stack = bigger; }
        for (var k = 0; k < 4; k++) { var ch = this.child[4 * c + k]; if (ch !== -1) stack[top++] = ch; }
      }
      vx[i] += fx; vy[i] += fy;
    }
    // A weak pull to the centre keeps unlinked notes near.
    for (var j = 0; j < n; j++) {
      vx[j] -= x[j] * GRAVITY * alpha;
      vy[j] -= y[j] * GRAVITY * alpha;
      x[j] += (vx[j] *= VELOCITY_KEEP);
      y[j] += (vy[j] *= VELOCITY_KEEP);
    }
    if (this.fixed >= 0) {
      x[this.fixed] = this.fx; y[this.fixed] = this.fy;
      vx[this.fixed] = vy[this.fixed] = 0;
    }
    this.alpha += (this.alphaTarget - this.alpha) * this.alphaDecay;
  };

  Layout.prototype.running = function () { return this.alpha >= ALPHA_MIN || this.alphaTarget > 0; };

  // ---- Drawing and interaction.

  function colours() {
    var style = getComputedStyle(document.documentElement);
    function v(name, fallback) { return style.getPropertyValue(name).trim() || fallback; }
    return {
      fg: v("--fg", "#222"), muted: v("--muted", "#666"), accent: v("--accent", "#2f5fd0"),
      border: v("--border", "#ccc"), bg: v("--bg", "#fff"),
      // Lines set as pixels overlap: a lighter grey than muted text, darker where many cross.
      lines: v("--graph-lines", "#9aa0a8")
    };
  }

  function View(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.k = 1; this.tx = 0; this.ty = 0;
    this.hover = -1;
    this.frames = 0;
    this.layout = null;
    this.graph = null;
    this.colours = colours();
    this.fitted = false;
    this.pending = false;
    // The dots and lines as last drawn, and the view they were drawn at: panning and
    // zooming move this picture until the gesture ends, instead of drawing every line again.
    this.layer = document.createElement("canvas");
    this.layerAt = null;
    this.gesture = false;
  }

  View.prototype.show = function (g) {
    this.graph = g;
    this.layout = new Layout(g);
    this.neighbours = neighbourLists(g.label.length, this.layout.from, this.layout.to);
    this.hover = -1;
    this.fitted = false;
    this.touched = false;
    this.resize();
    this.request();
  };

  View.prototype.resize = function () {
    var rect = this.canvas.getBoundingClientRect();
    var dpr = window.devicePixelRatio || 1;
    this.width = rect.width; this.height = rect.height;
    this.canvas.width = this.layer.width = Math.max(1, Math.round(rect.width * dpr));
    this.canvas.height = this.layer.height = Math.max(1, Math.round(rect.height * dpr));
    this.dpr = dpr;
    this.layerAt = null;
    this.request();
  };

  // Frames the bulk of the graph: the 1st to 99th percentile of each axis, so that a few
  // unlinked notes pushed far out do not shrink everything else.
  View.prototype.fit = function () {
    var L = this.layout;
    var xs = Float64Array.from(L.x).sort(), ys = Float64Array.from(L.y).sort();
    var lo = Math.floor(L.n * 0.01), hi = Math.max(lo, Math.ceil(L.n * 0.99) - 1);
    var minX = xs[lo], maxX = xs[hi], minY = ys[lo], maxY = ys[hi];
    var w = Math.max(maxX - minX, 60), h = Math.max(maxY - minY, 60);
    this.k = Math.min(4, 0.9 * Math.min(this.width / w, this.height / h));
    this.tx = this.width / 2 - this.k * (minX + maxX) / 2;
    this.ty = this.height / 2 - this.k * (minY + maxY) / 2;
  };

  View.prototype.request = function () {
    if (this.pending || !this.layout) return;
    this.pending = true;
    var self = this;
    requestAnimationFrame(function () { self.pending = false; self.frame(); });
  };

  View.prototype.frame = function () {
    var L = this.layout, moved = false;
    if (L.running()) {
      var until = performance.now() + FRAME_BUDGET_MS;
      do { L.tick(); } while (L.running() && performance.now() < until);
      moved = true;
      if (!this.fitted || (!this.touched && L.alpha > 0.05)) { this.fit(); this.fitted = true; }
    } else if (!this.fitted) {
      this.fit(); this.fitted = true;
    }
    var drawStart = performance.now();
    var at = this.layerAt;
    var stale = !at || at.k !== this.k || at.tx !== this.tx || at.ty !== this.ty;
    if (moved || !at || (stale && !this.gesture)) this.drawLayer();
    this.present();
    this.drawMs = performance.now() - drawStart;
    this.frames++;
    if (this.frames === 1) {
      // From the start of the page's navigation, as a reader waits for it.
      this.canvas.dataset.firstFrameMs = Math.round(performance.now());
      this.canvas.dataset.ready = "1";
    }
    if (L.running()) this.request();
  };

  View.prototype.radius = function (i) {
    return this.graph.kind[i] === 1 ? 3 : 2.5 + Math.min(6, Math.sqrt(this.layout.degree[i]));
  };

  function dot(ctx, x, y, r) {
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, 2 * Math.PI);
  }

  // Every line and dot, into the layer, at the current view.
  View.prototype.drawLayer = function () {
    var ctx = this.layer.getContext("2d"), L = this.layout, g = this.graph, c = this.colours;
    var k = this.k, dpr = this.dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.layer.width, this.layer.height);
    ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * this.tx, dpr * this.ty);
    ctx.lineWidth = 1 / k;
    ctx.strokeStyle = c.border;
    var pixels = L.from.length > PIXEL_LINES_FROM;
    var tiny = k * 3 < 1.5;
    if (pixels) {
      this.pixelLines(ctx);
      if (tiny) this.pixelDots();
      ctx.putImageData(this.pixels, 0, 0);
      if (tiny) {
        this.layerAt = { k: k, tx: this.tx, ty: this.ty };
        return;
      }
    } else {
      ctx.beginPath();
      for (var e = 0; e < L.from.length; e++) {
        ctx.moveTo(L.x[L.from[e]], L.y[L.from[e]]);
        ctx.lineTo(L.x[L.to[e]], L.y[L.to[e]]);
      }
      ctx.stroke();
    }
    // Dots by kind (notes, tags, this page's note); squares when too small to see round
    // (set with the lines' pixels, above, when those are).
    for (var kind = 0; kind < 3; kind++) {
      ctx.fillStyle = kind === 1 ? c.muted : kind === 2 ? c.fg : c.accent;
      ctx.beginPath();
      for (var i = 0; i < L.n; i++) {
        if (g.kind[i] !== kind) continue;
        var r = this.radius(i);
        if (tiny) ctx.rect(L.x[i] - r, L.y[i] - r, 2 * r, 2 * r);
        else dot(ctx, L.x[i], L.y[i], r);
      }
      ctx.fill();
    }
    this.layerAt = { k: k, tx: this.tx, ty: this.ty };
  };

  // The lines into the layer's pixels: each clipped to the canvas, then Bresenham's walk,
  // each pixel it passes a little more opaque.
  View.prototype.pixelLines = function (ctx) {
    var w = this.layer.width, h = this.layer.height, L = this.layout;
    if (!this.pixels || this.pixels.width !== w || this.pixels.height !== h) this.pixels = ctx.createImageData(w, h);
    var data = this.pixels.data;
    data.fill(0);
    var rgb = parseColour(this.colours.lines);
    var s = this.dpr * this.k, ox = this.dpr * this.tx, oy = this.dpr * this.ty;
    for (var e = 0; e < L.from.length; e++) {
      var a = L.from[e], b = L.to[e];
      var x0 = L.x[a] * s + ox, y0 = L.y[a] * s + oy, x1 = L.x[b] * s + ox, y1 = L.y[b] * s + oy;
      // Liang-Barsky: the part of the segment inside [0, w) x [0, h).
      var t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
      var p = [-dx, dx, -dy, dy], q = [x0, w - 1 - x0, y0, h - 1 - y0], inside = true;
      for (var i = 0; i < 4 && inside; i++) {
        if (p[i] === 0) { if (q[i] < 0) inside = false; continue; }
        var r = q[i] / p[i];
        if (p[i] < 0) { if (r > t1) inside = false; else if (r > t0) t0 = r; }
        else { if (r < t0) inside = false; else if (r < t1) t1 = r; }
      }
      if (!inside) continue;
      var xa = Math.round(x0 + t0 * dx), ya = Math.round(y0 + t0 * dy);
      var xb = Math.round(x0 + t1 * dx), yb = Math.round(y0 + t1 * dy);
      var sx = xa < xb ? 1 : -1, sy = ya < yb ? 1 : -1;
      var ex = Math.abs(xb - xa), ey = -Math.abs(yb - ya), err = ex + ey;
      for (;;) {
        var at = (ya * w + xa) * 4;
        data[at] = rgb[0]; data[at + 1] = rgb[1]; data[at + 2] = rgb[2];
        data[at + 3] = Math.min(255, data[at + 3] + 60);
        if (xa === xb && ya === yb) break;
        var e2 = 2 * err;
        if (e2 >= ey) { err += ey; xa += sx; }
        if (e2 <= ex) { err += ex; ya += sy; }
      }
    }
  };

  // Small square dots into the pixels the lines were set in.
  View.prototype.pixelDots = function () {
    var w = this.layer.width, h = this.layer.height, L = this.layout, g = this.graph;
    var data = this.pixels.data, c = this.colours;
    var rgbs = [parseColour(c.accent), parseColour(c.muted), parseColour(c.fg)];
    var s = this.dpr * this.k, ox = this.dpr * this.tx, oy = this.dpr * this.ty;
    for (var i = 0; i < L.n; i++) {
      var side = Math.max(2, Math.round(2 * this.radius(i) * s));
      var x0 = Math.round(L.x[i] * s + ox - side / 2), y0 = Math.round(L.y[i] * s + oy - side / 2);
      var rgb = rgbs[g.kind[i]];
      for (var y = Math.max(0, y0); y < Math.min(h, y0 + side); y++) {
        for (var x = Math.max(0, x0); x < Math.min(w, x0 + side); x++) {
          var at = (y * w + x) * 4;
          data[at] = rgb[0]; data[at + 1] = rgb[1]; data[at + 2] = rgb[2]; data[at + 3] = 255;
        }
      }
    }
  };

  // `#rgb`, `#rrggbb` or `rgb(r, g, b)` as numbers.
  function parseColour(css) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(css.trim());
    if (m) {
      var hex = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
      return [0, 2, 4].map(function (i) { return parseInt(hex.slice(i, i + 2), 16); });
    }
    var n = css.match(/\d+(\.\d+)?/g) || [128, 128, 128];
    return [+n[0], +n[1], +n[2]];
  }

  // The layer, moved and scaled to the current view, with the hovered note, its
  // neighbours and the titles on top.
  View.prototype.present = function () {
    var ctx = this.ctx, L = this.layout, c = this.colours, at = this.layerAt, hover = this.hover;
    var k = this.k, dpr = this.dpr, s = k / at.k;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(this.layer, dpr * (this.tx - at.tx * s), dpr * (this.ty - at.ty * s),
      this.layer.width * s, this.layer.height * s);
    var near = hover >= 0 ? this.neighbours[hover] : null;
    if (near) {
      ctx.globalAlpha = 0.65;
      ctx.fillStyle = c.bg;
      ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
      ctx.globalAlpha = 1;
      ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * this.tx, dpr * this.ty);
      ctx.strokeStyle = c.accent;
      ctx.lineWidth = 1.5 / k;
      ctx.beginPath();
      near.forEach(function (j) { ctx.moveTo(L.x[hover], L.y[hover]); ctx.lineTo(L.x[j], L.y[j]); });
      ctx.stroke();
      ctx.fillStyle = c.accent;
      ctx.beginPath();
      var self = this;
      near.forEach(function (j) { dot(ctx, L.x[j], L.y[j], self.radius(j)); });
      dot(ctx, L.x[hover], L.y[hover], this.radius(hover) + 2 / k);
      ctx.fill();
    }
    this.labels(near ? new Set(near) : null);
  };

  // Titles in screen pixels: the hovered note and its neighbours, else the best-linked
  // notes that are on screen once zoomed in far enough to read them (at most MAX_LABELS).
  View.prototype.labels = function (near) {
    var ctx = this.ctx, L = this.layout, g = this.graph, c = this.colours, self = this;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.font = "12px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineWidth = 3;
    ctx.strokeStyle = c.bg;
    ctx.fillStyle = c.fg;
    function label(i) {
      var sx = L.x[i] * self.k + self.tx, sy = (L.y[i] + self.radius(i)) * self.k + self.ty + 2;
      if (sx < -100 || sx > self.width + 100 || sy < -20 || sy > self.height + 20) return false;
      var text = g.label[i].length > 40 ? g.label[i].slice(0, 39) + "…" : g.label[i];
      ctx.strokeText(text, sx, sy);
      ctx.fillText(text, sx, sy);
      return true;
    }
    if (near) {
      near.forEach(label);
      label(this.hover);
      return;
    }
    if (L.n > 60 && this.k < 1.2) return;
    var shown = 0;
    for (var o = 0; o < L.order.length && shown < MAX_LABELS; o++) if (label(L.order[o])) shown++;
  };

  View.prototype.toWorld = function (sx, sy) { return [(sx - this.tx) / this.k, (sy - this.ty) / this.k]; };

  View.prototype.nodeAt = function (sx, sy) {
    var L = this.layout, best = -1, bestD = Infinity;
    if (!L) return -1;
    for (var i = 0; i < L.n; i++) {
      var dx = L.x[i] * this.k + this.tx - sx, dy = L.y[i] * this.k + this.ty - sy;
      var d = dx * dx + dy * dy, reach = Math.max(this.radius(i) * this.k, 3) + 4;
      if (d < reach * reach && d < bestD) { best = i; bestD = d; }
    }
    return best;
  };

  View.prototype.zoom = function (factor, sx, sy) {
    var k = Math.max(0.02, Math.min(12, this.k * factor));
    this.tx = sx - (sx - this.tx) * k / this.k;
    this.ty = sy - (sy - this.ty) * k / this.k;
    this.k = k;
    this.touched = true;
    this.request();
  };

  View.prototype.listen = function () {
    var self = this, canvas = this.canvas, drag = null, wheelEnd = 0;
    function at(ev) { var r = canvas.getBoundingClientRect(); return [ev.clientX - r.left, ev.clientY - r.top]; }
    canvas.addEventListener("pointerdown", function (ev) {
      if (!self.layout) return;
      var p = at(ev), node = self.nodeAt(p[0], p[1]);
      drag = { node: node, x: p[0], y: p[1], moved: false, tx: self.tx, ty: self.ty };
      canvas.setPointerCapture(ev.pointerId);
      self.touched = true;
    });
    canvas.addEventListener("pointermove", function (ev) {
      if (!self.layout) return;
      var p = at(ev);
      if (!drag) {
        var h = self.nodeAt(p[0], p[1]);
        if (h !== self.hover) { self.hover = h; canvas.style.cursor = h >= 0 ? "pointer" : "grab"; self.request(); }
        return;
      }
      if (Math.abs(p[0] - drag.x) + Math.abs(p[1] - drag.y) > 4) drag.moved = true;
      if (!drag.moved) return;
      var L = self.layout;
      if (drag.node >= 0) {
        var w = self.toWorld(p[0], p[1]);
        L.fixed = drag.node; L.fx = w[0]; L.fy = w[1];
        L.alphaTarget = 0.3;
        if (L.alpha < 0.3) L.alpha = 0.3;
      } else {
        self.gesture = true;
        self.tx = drag.tx + p[0] - drag.x;
        self.ty = drag.ty + p[1] - drag.y;
      }
      self.request();
    });
    function end(ev) {
      if (!drag) return;
      var d = drag;
      drag = null;
      var L = self.layout;
      L.fixed = -1; L.alphaTarget = 0;
      self.gesture = false;
      self.request();
      if (ev.type === "pointerup" && !d.moved && d.node >= 0) location.href = self.graph.url[d.node];
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", function () { if (!drag && self.hover >= 0) { self.hover = -1; self.request(); } });
    canvas.addEventListener("wheel", function (ev) {
      if (!self.layout) return;
      ev.preventDefault();
      var p = at(ev);
      self.gesture = true;
      clearTimeout(wheelEnd);
      wheelEnd = setTimeout(function () { self.gesture = false; self.request(); }, 150);
      self.zoom(Math.exp(-ev.deltaY * 0.002), p[0], p[1]);
    }, { passive: false });
    canvas.addEventListener("keydown", function (ev) {
      if (!self.layout) return;
      var step = 40, handled = true;
      switch (ev.key) {
        case "+": case "=": self.zoom(1.25, self.width / 2, self.height / 2); break;
        case "-": self.zoom(0.8, self.width / 2, self.height / 2); break;
        case "0": self.fit(); self.request(); break;
        case "ArrowLeft": self.tx += step; break;
        case "ArrowRight": self.tx -= step; break;
        case "ArrowUp": self.ty += step; break;
        case "ArrowDown": self.ty -= step; break;
        default: handled = false;
      }
      if (handled) { ev.preventDefault(); self.touched = true; self.request(); }
    });
    if ("ResizeObserver" in window) new ResizeObserver(function () { self.resize(); }).observe(canvas);
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
      self.colours = colours();
      self.layerAt = null;
      self.request();
    });
  };

  // What tests and tools can ask of a drawn graph.
  function expose(view) {
    view.canvas.wisdomGraph = {
      nodes: function () { return view.layout ? view.layout.n : 0; },
      edges: function () { return view.layout ? view.layout.from.length : 0; },
      frames: function () { return view.frames; },
      drawMs: function () { return view.drawMs; },
      settled: function () { return !!view.layout && !view.layout.running(); },
      // Where a note's node is, in client coordinates (null when not drawn).
      position: function (url) {
        var i = view.graph ? view.graph.url.indexOf(url) : -1;
        if (i < 0) return null;
        var r = view.canvas.getBoundingClientRect();
        return { x: r.left + view.layout.x[i] * view.k + view.tx, y: r.top + view.layout.y[i] * view.k + view.ty };
      }
    };
  }

  function setup(canvas) {
    var view = new View(canvas);
    var box = canvas.closest(".local-graph, .graph-page") || canvas.parentNode;
    var tags = box.querySelector("input[name=tags]");
    var depth = box.querySelector("select[name=depth]");
    var status = box.querySelector(".graph-status");
    var local = canvas.dataset.mode === "local";
    view.listen();
    expose(view);
    function draw() {
      return loadMap().then(function (map) {
        var centre = -1;
        if (local) {
          var here = location.pathname;
          centre = map.notes.findIndex(function (n) { return n[1] === here; });
          if (centre < 0) throw new Error("this page is not in notes.json");
        }
        var g = select(map, centre, depth ? +depth.value : 1, !!(tags && tags.checked));
        view.show(g);
        // The page's words (`i18n/`): "{nodes} nodes, {links} links".
        if (status) status.textContent = (status.dataset.status || "{nodes}, {links}")
          .replace("{nodes}", g.label.length.toLocaleString())
          .replace("{links}", g.from.length.toLocaleString());
      }).catch(function (e) {
        if (status) status.textContent = (status.dataset.error || "{error}").replace("{error}", e.message);
        canvas.dataset.error = e.message;
      });
    }
    [tags, depth].forEach(function (input) { if (input) input.addEventListener("change", draw); });
    if (!local) return draw();
    var details = canvas.closest("details");
    var KEY = "wisdom-local-graph";
    var drawn = false;
    function opened() {
      try { localStorage.setItem(KEY, details.open ? "open" : "closed"); } catch (e) { /* private mode */ }
      if (details.open && !drawn) { drawn = true; draw(); }
    }
    details.addEventListener("toggle", opened);
    try { if (localStorage.getItem(KEY) === "open") details.open = true; } catch (e) { /* private mode */ }
  }

  document.querySelectorAll("canvas.graph").forEach(setup);
})();
