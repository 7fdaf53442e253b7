// wisdom's model-size calculator: the model-size crate compiled to WebAssembly, driven by
// this small script. Without JavaScript (or WebAssembly) the build-time table stays.
// The state lives in the address (#model=…&quant=…), so a note can link to one setup.
(function () {
  "use strict";
  var widgets = document.querySelectorAll(".calculator");
  if (!widgets.length || typeof WebAssembly !== "object") return;

  function instantiate(url) {
    var fallback = function () {
      return fetch(url).then(function (r) { return r.arrayBuffer(); })
        .then(function (bytes) { return WebAssembly.instantiate(bytes, {}); });
    };
    if (!WebAssembly.instantiateStreaming) return fallback();
    return WebAssembly.instantiateStreaming(fetch(url), {}).catch(fallback);
  }

  var KINDS = ["gpu", "apple", "cpu"];

  function wrap(e) {
    var decoder = new TextDecoder();
    var text = function (ptr, len) { return decoder.decode(new Uint8Array(e.memory.buffer, ptr, len)); };
    var list = function (count, f) { var out = []; for (var i = 0; i < count; i++) out.push(f(i)); return out; };
    var models = list(e.model_count(), function (i) {
      return { id: text(e.model_id(i), e.model_id_len(i)), name: text(e.model_name(i), e.model_name_len(i)) };
    });
    var api = {
      models: models,
      // Model indexes past the presets (see model-size/src/wasm.rs).
      CUSTOM: models.length, CONFIG: models.length + 1, GGUF: models.length + 2,
      formats: list(e.format_count(), function (i) {
        var label = text(e.format_label(i), e.format_label_len(i));
        return { id: text(e.format_id(i), e.format_id_len(i)), label: label, gguf: !/safetensors|GPTQ/.test(label) };
      }),
      fileBytes: function (s, format) { return e.model_figure(s.model, s.params, format, 0); },
      caches: list(e.cache_count(), function (i) { return text(e.cache_id(i), e.cache_id_len(i)); }),
      devices: list(e.device_count(), function (i) {
        return {
          id: text(e.device_id(i), e.device_id_len(i)), name: text(e.device_name(i), e.device_name_len(i)),
          detail: text(e.device_detail(i), e.device_detail_len(i)), usable: e.device_usable(i), kind: KINDS[e.device_kind(i)]
        };
      }),
      // Puts a file's bytes where the module reads them.
      input: function (bytes) {
        var ptr = e.input_buffer(bytes.length);
        if (!ptr) return false;
        new Uint8Array(e.memory.buffer, ptr, bytes.length).set(bytes);
        return true;
      },
      // 0: a model; > 0: a GGUF header needs that many bytes; else {error}.
      status: function (model, params) {
        var r = e.input_status(model, params);
        return r >= 0 ? r : { error: text(e.output_ptr(), -r - 1) };
      },
      // s: {model, params, format, context, batch, cache, device, gpus, ram, ngl, moe}.
      estimate: function (s) {
        var figure = function (which) { return e.model_figure(s.model, s.params, s.format, which); };
        var run = function (which) { return e.run_figure(s.model, s.params, s.context, s.batch, s.cache, which); };
        var args = [s.model, s.params, s.format, s.context, s.batch, s.cache, s.device, s.gpus, s.ram, s.ngl, s.moe];
        var plan = [];
        if (e.plan.apply(null, [0].concat(args))) {
          var view = new DataView(e.memory.buffer, e.output_ptr(), 88);
          for (var i = 0; i < 11; i++) plan.push(view.getFloat64(8 * i, true));
        }
        var command = function (which) { return text(e.output_ptr(), e.plan.apply(null, [which].concat(args))); };
        var weights = figure(1), kv = run(0), compute = run(1);
        return {
          file: figure(0), weights: weights, kv: kv, compute: compute, total: weights + kv + compute,
          bits: figure(2), layers: figure(5) + 1,
          gpuLayers: plan[0], vram: plan[1], ram: plan[2], fits: plan[3] === 1,
          decode: plan[4], prompt: plan[5], moeLayers: plan[6],
          decodeRange: [plan[7], plan[8]], promptRange: [plan[9], plan[10]],
          command: command(1), ollama: command(2)
        };
      }
    };
    return api;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }

  function select(name, label, options, selected) {
    var s = el("select", { name: name });
    options.forEach(function (o, i) {
      var opt = el("option", { value: String(i) }, [o]);
      if (i === selected) opt.selected = true;
      s.append(opt);
    });
    return el("label", {}, [label, s]);
  }

  function number(name, label, value, min, max, step) {
    var attrs = { name: name, type: "number", min: String(min), max: String(max), step: String(step || 1), inputmode: "numeric" };
    if (value !== "") attrs.value = String(value);
    return el("label", {}, [label, el("input", attrs)]);
  }

  var GB = 1e9, GIB = Math.pow(2, 30);
  function fmt(bytes, unit) { return isFinite(bytes) ? (bytes / unit).toFixed(2) : "–"; }
  function speed(x) { return !isFinite(x) || x <= 0 ? "–" : x >= 10 ? x.toFixed(0) : x.toFixed(1); }
  // "110–160": the range the published runs' spread gives an estimate.
  function range(r) { return speed(r[0]) + "–" + speed(r[1]); }

  // The file size of every GGUF format of the model, as the build-time card draws it, with
  // a line at the memory of the chosen device (all its GPUs, or RAM).
  var SVG = "http://www.w3.org/2000/svg", LABEL = 110, BARS = 430, BAR = 22;
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function drawChart(chart, api, s, memory, memoryLabel) {
    var bars = api.formats.map(function (f, i) { return { label: f.label.replace(/ \(.*\)$/, ""), index: i, bytes: api.fileBytes(s, i) }; })
      .filter(function (b) { return isFinite(b.bytes) && api.formats[b.index].gguf; });
    if (s.model === api.GGUF) bars = [];
    chart.hidden = !bars.length;
    while (chart.firstChild) chart.removeChild(chart.firstChild);
    if (!bars.length) return;
    var max = Math.max.apply(null, bars.map(function (b) { return b.bytes; }).concat([memory || 0]));
    var height = bars.length * BAR + 24;
    chart.setAttribute("viewBox", "0 0 " + (LABEL + BARS + 90) + " " + height);
    var x = function (bytes) { return (LABEL + bytes / max * BARS).toFixed(1); };
    if (memory > 0) {
      chart.append(svg("line", { x1: x(memory), x2: x(memory), y1: 0, y2: height - 14 }));
      chart.append(svg("text", { class: "device", x: x(memory), y: height - 2 }, memoryLabel));
    }
    bars.forEach(function (b, i) {
      var y = i * BAR;
      chart.append(svg("text", { class: "label", x: 0, y: y + 15 }, b.label));
      chart.append(svg("rect", { x: LABEL, y: y + 3, width: (b.bytes / max * BARS).toFixed(1), height: 16, rx: 3,
        class: b.index === s.format ? "chosen" : "", "data-format": api.formats[b.index].id }));
      chart.append(svg("text", { class: "value", x: Number(x(b.bytes)) + 6, y: y + 15 }, (b.bytes / GB).toFixed(1) + " GB"));
    });
  }

  function readHash() {
    var state = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var kv = pair.split("=");
      if (kv[0]) state[decodeURIComponent(kv[0])] = decodeURIComponent(kv[1] || "");
    });
    return state;
  }

  // The widget's words in the site's language, from the partial's data-words (the theme's
  // `calc_*` words); a word missing shows its key.
  function wordsOf(root) {
    var words = {};
    try { words = JSON.parse(root.dataset.words || "{}"); } catch (e) { /* keys, then */ }
    return function (key, args) {
      var text = words[key] || key;
      Object.keys(args || {}).forEach(function (name) { text = text.split("{" + name + "}").join(String(args[name])); });
      return text;
    };
  }

  function mount(root, api) {
    var say = wordsOf(root);
    var hash = readHash();
    var byId = function (items, id) { return items.findIndex(function (x) { return x.id === id; }); };
    var pick = function (i, fallback) { return i >= 0 ? i : fallback; };
    var modelStart = hash.model === "custom" ? api.CUSTOM : pick(byId(api.models, hash.model || root.dataset.model), 0);
    var gpus = api.devices.filter(function (d) { return d.kind !== "cpu"; });
    var rams = api.devices.filter(function (d) { return d.kind === "cpu"; });
    var form = el("form", { class: "calc-form" }, [
      select("model", say("model"), api.models.map(function (m) { return m.name; })
        .concat([say("custom"), say("from_config"), say("from_gguf")]), modelStart),
      number("params", say("params_input"), hash.params || 13, 0.001, 10000, "any"),
      el("label", { "data-for": "config" }, [say("config_input"),
        el("textarea", { name: "config", rows: "4", spellcheck: "false", placeholder: "{ \"model_type\": \"llama\", … }" })]),
      el("label", { "data-for": "gguf" }, [say("gguf_input"),
        el("input", { name: "gguf", type: "file", accept: ".gguf" })]),
      select("format", say("format"), api.formats.map(function (f) { return f.label; }),
        pick(byId(api.formats, hash.quant || root.dataset.quant || "q4_k_m"), 0)),
      number("context", say("context"), hash.ctx || 8192, 1, 10000000),
      number("batch", say("batch"), hash.batch || 1, 1, 1024),
      select("cache", say("cache"), api.caches, Math.max(api.caches.indexOf(hash.cache), 0)),
      select("device", say("device"), gpus.map(function (d) { return d.name + " (" + d.detail + ")"; }).concat([say("cpu_only")]),
        pick(byId(gpus, hash.device || "rtx-4090"), hash.device === "cpu" ? gpus.length : 0)),
      number("gpus", say("gpus"), hash.gpus || 1, 1, 16),
      select("ram", say("ram"), rams.map(function (d) { return d.name + " (" + d.detail + ")"; }),
        pick(byId(rams, hash.ram || "ram-64"), 0)),
      number("ngl", say("ngl"), hash.ngl || "", 0, 100000),
      el("label", { class: "calc-check" }, [el("input", Object.assign({ name: "moe", type: "checkbox" }, hash.moe === "cpu" ? { checked: "" } : {})),
        say("cpu_moe")])
    ]);
    var rows = ["file", "weights", "kv", "compute", "total"].map(function (row) { return [row, say(row)]; });
    var body = el("tbody");
    rows.forEach(function (r) {
      body.append(el("tr", { "data-row": r[0] }, [el("td", {}, [r[1]]), el("td", { "data-result": r[0], "data-unit": "GB" }), el("td", { "data-unit": "GiB" })]));
    });
    var table = el("table", { class: "size-table calc-result" }, [el("thead", {}, [el("tr", {}, [el("th", {}, [say("memory")]), el("th", {}, ["GB"]), el("th", {}, ["GiB"])])]), body]);
    var verdict = el("p", { class: "calc-verdict", "aria-live": "polite" });
    var bits = el("p", { class: "meta" });
    var speedLine = el("p", { class: "calc-speed" });
    var command = el("pre", { class: "calc-command" }, [el("code")]);
    var problem = el("p", { class: "calc-problem", role: "alert", hidden: "" });
    var chart = svg("svg", { class: "size-chart calc-chart", role: "img", "aria-label": say("chart_label") });
    var show = function (name, on) { form.querySelector('[data-for="' + name + '"]').hidden = !on; };
    form.elements.params.parentNode.setAttribute("data-for", "params");
    form.elements.gpus.parentNode.setAttribute("data-for", "gpus");
    form.elements.ram.parentNode.setAttribute("data-for", "ram");
    form.elements.moe.parentNode.setAttribute("data-for", "moe");

    // The file in the module's input region, and what it is.
    var held = null; // {kind: "config"|"gguf", bytes, fileLength}
    function hold(file) {
      if (held !== file) { api.input(file.bytes); held = file; }
    }
    var configFile = null, ggufFile = null;

    function state() {
      var f = form.elements;
      var device = Number(f.device.value);
      var gpu = gpus[device];
      var model = Number(f.model.value);
      return {
        model: model,
        params: model === api.GGUF ? (ggufFile ? ggufFile.fileLength : NaN) : Number(f.params.value) * 1e9,
        format: Number(f.format.value), context: Number(f.context.value), batch: Number(f.batch.value),
        cache: Number(f.cache.value),
        device: api.devices.indexOf(gpu || rams[Number(f.ram.value)]),
        gpus: Number(f.gpus.value) || 1,
        ram: api.devices.indexOf(rams[Number(f.ram.value)]),
        ngl: f.ngl.value === "" ? -1 : Number(f.ngl.value),
        moe: f.moe.checked ? -1 : 0,
        kind: gpu ? gpu.kind : "cpu"
      };
    }

    function writeHash(s) {
      var f = form.elements;
      var model = s.model < api.models.length ? api.models[s.model].id : s.model === api.CUSTOM ? "custom" : null;
      var parts = [];
      var add = function (k, v) { parts.push(k + "=" + encodeURIComponent(v)); };
      if (model) add("model", model);
      if (s.model === api.CUSTOM) add("params", f.params.value);
      add("quant", api.formats[s.format].id);
      add("ctx", s.context);
      if (s.batch !== 1) add("batch", s.batch);
      if (s.cache) add("cache", api.caches[s.cache]);
      add("device", s.kind === "cpu" ? "cpu" : gpus[Number(f.device.value)].id);
      if (s.gpus > 1) add("gpus", s.gpus);
      if (s.kind === "gpu" || s.kind === "cpu") add("ram", rams[Number(f.ram.value)].id);
      if (s.ngl >= 0) add("ngl", s.ngl);
      if (s.moe) add("moe", "cpu");
      history.replaceState(null, "", "#" + parts.join("&"));
    }

    function update() {
      var s = state();
      show("params", s.model === api.CUSTOM);
      show("config", s.model === api.CONFIG);
      show("gguf", s.model === api.GGUF);
      show("gpus", s.kind === "gpu");
      show("ram", s.kind !== "apple");
      show("moe", s.kind !== "cpu");
      form.elements.format.disabled = s.model === api.GGUF;
      problem.hidden = true;
      var file = s.model === api.CONFIG ? configFile : s.model === api.GGUF ? ggufFile : null;
      if (file) {
        hold(file);
        var status = api.status(s.model, s.params);
        if (status.error) { problem.textContent = say("not_a_model", { error: status.error }); problem.hidden = false; }
      }
      var r = api.estimate(s);
      rows.forEach(function (row) {
        var tr = body.querySelector('[data-row="' + row[0] + '"]');
        tr.children[1].textContent = fmt(r[row[0]], GB);
        tr.children[1].dataset.bytes = String(r[row[0]]);
        tr.children[2].textContent = fmt(r[row[0]], GIB);
      });
      bits.textContent = isFinite(r.bits) ? say("bits", { bits: r.bits.toFixed(2) }) : say("check_inputs");
      var where = s.kind === "cpu" ? say("system_ram") : (s.gpus > 1 ? s.gpus + " × " : "") + api.devices[s.device].name;
      var figures = { where: where, gpu_layers: r.gpuLayers, layers: r.layers, vram: fmt(r.vram, GIB), ram: fmt(r.ram, GIB), total: fmt(r.vram + r.ram, GIB) };
      verdict.className = "calc-verdict " + (r.fits ? "yes" : "no");
      verdict.textContent = !isFinite(r.total) ? "" : s.kind === "gpu" && r.gpuLayers < r.layers
        ? say(r.fits ? "runs_split" : "no_fit_split", figures)
        : say(r.fits ? "fits" : "no_fit", figures);
      speedLine.textContent = r.fits && isFinite(r.decode)
        ? say("speed", { decode: range(r.decodeRange), prompt: range(r.promptRange) })
        : "";
      speedLine.dataset.decode = String(r.decode);
      command.firstChild.textContent = isFinite(r.total) ? r.command + "\n# Ollama: " + r.ollama : "";
      var memory = s.kind === "cpu" ? api.devices[s.ram].usable : api.devices[s.device].usable * (s.kind === "gpu" ? s.gpus : 1);
      drawChart(chart, api, s, memory, (s.kind === "gpu" && s.gpus > 1 ? s.gpus + " × " : "") + api.devices[s.kind === "cpu" ? s.ram : s.device].name);
      writeHash(s);
    }

    function readFile(file) {
      var size = file.size, want = Math.min(size, 1 << 20);
      function next() {
        return file.slice(0, want).arrayBuffer().then(function (buffer) {
          ggufFile = { kind: "gguf", bytes: new Uint8Array(buffer), fileLength: size };
          held = null;
          hold(ggufFile);
          var status = api.status(api.GGUF, size);
          if (typeof status === "number" && status > 0 && want < size) {
            want = Math.min(size, Math.max(status, want * 2));
            return next();
          }
        });
      }
      return next().then(update);
    }

    function readConfig(text) {
      configFile = { kind: "config", bytes: new TextEncoder().encode(text) };
      held = null;
      update();
    }

    // A handler, not an `onsubmit` attribute: the site's policy runs no inline code.
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("input", function (event) {
      if (event.target.name === "config") return readConfig(event.target.value);
      if (event.target.name !== "gguf") update();
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === "gguf" && event.target.files[0]) readFile(event.target.files[0]);
      else update();
    });
    // Dropping a file anywhere on the widget: a .gguf is read from its header, else as a config.json.
    root.addEventListener("dragover", function (event) { event.preventDefault(); });
    root.addEventListener("drop", function (event) {
      var file = event.dataTransfer && event.dataTransfer.files[0];
      if (!file) return;
      event.preventDefault();
      var f = form.elements;
      if (/\.gguf$/i.test(file.name)) { f.model.value = String(api.GGUF); readFile(file); }
      else file.text().then(function (t) { f.model.value = String(api.CONFIG); f.config.value = t; readConfig(t); });
    });
    var staticCard = root.querySelector(".calculator-static");
    if (staticCard) staticCard.hidden = true;
    root.prepend(el("div", { class: "calculator-live" }, [form, problem, table, verdict, speedLine, command, chart, bits]));
    update();
    root.dataset.ready = "true";
  }

  instantiate(widgets[0].dataset.wasm).then(function (result) {
    var api = wrap(result.instance.exports);
    widgets.forEach(function (w) { mount(w, api); });
  }).catch(function (err) {
    console.warn("model-size calculator unavailable, showing the build-time table:", err);
  });
})();
