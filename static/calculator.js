// wisdom's model-size calculator: the model-size crate compiled to WebAssembly, driven by
// this small script. Without JavaScript (or WebAssembly) the build-time table stays.
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

  function wrap(e) {
    var decoder = new TextDecoder();
    var text = function (ptr, len) { return decoder.decode(new Uint8Array(e.memory.buffer, ptr, len)); };
    var list = function (count, f) { var out = []; for (var i = 0; i < count; i++) out.push(f(i)); return out; };
    return {
      models: list(e.model_count(), function (i) {
        return { id: text(e.model_id(i), e.model_id_len(i)), name: text(e.model_name(i), e.model_name_len(i)) };
      }),
      formats: list(e.format_count(), function (i) {
        return { id: text(e.format_id(i), e.format_id_len(i)), label: text(e.format_label(i), e.format_label_len(i)) };
      }),
      caches: list(e.cache_count(), function (i) { return text(e.cache_id(i), e.cache_id_len(i)); }),
      devices: list(e.device_count(), function (i) {
        return { name: text(e.device_name(i), e.device_name_len(i)), usable: e.device_usable(i) };
      }),
      // s: {model, params, format, context, batch, cache, device}; indexes as the lists above.
      estimate: function (s) {
        var file = e.file_bytes(s.model, s.params, s.format);
        var weights = e.weights_bytes(s.model, s.params, s.format);
        var kv = e.kv_cache_bytes(s.model, s.params, s.context, s.batch, s.cache);
        var compute = e.compute_bytes(s.model, s.params, s.context, s.batch, s.cache);
        var device = this.devices[s.device];
        return {
          file: file, weights: weights, kv: kv, compute: compute, total: weights + kv + compute,
          bits: e.bits_per_weight(s.model, s.params, s.format),
          layers: e.layer_count(s.model, s.params),
          gpuLayers: e.gpu_layers(s.model, s.params, s.format, s.context, s.batch, s.cache, device.usable),
          usable: device.usable, deviceName: device.name
        };
      }
    };
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
    return el("label", {}, [label, el("input", { name: name, type: "number", value: String(value), min: String(min), max: String(max), step: String(step || 1), inputmode: "numeric" })]);
  }

  var GB = 1e9, GIB = Math.pow(2, 30);
  function fmt(bytes, unit) { return isFinite(bytes) ? (bytes / unit).toFixed(2) : "–"; }

  function mount(root, api) {
    var start = api.models.findIndex(function (m) { return m.id === root.dataset.model; });
    var fmtStart = api.formats.findIndex(function (f) { return f.id === (root.dataset.quant || "q4_k_m"); });
    var gpu24 = api.devices.findIndex(function (d) { return /24 GB/.test(d.name); });
    var form = el("form", { class: "calc-form", onsubmit: "return false" }, [
      select("model", "Model", api.models.map(function (m) { return m.name; }).concat(["Custom (by parameter count)"]), Math.max(start, 0)),
      number("params", "Parameters (billions, custom)", 13, 0.001, 10000, "any"),
      select("format", "Format", api.formats.map(function (f) { return f.label; }), Math.max(fmtStart, 0)),
      number("context", "Context (tokens)", 8192, 1, 10000000),
      number("batch", "Batch (sequences)", 1, 1, 1024),
      select("cache", "KV cache type", api.caches, 0),
      select("device", "Device", api.devices.map(function (d) { return d.name; }), Math.max(gpu24, 0))
    ]);
    var rows = [["file", "Model file"], ["weights", "Weights in memory"], ["kv", "KV cache"], ["compute", "Compute buffers (estimate)"], ["total", "Total"]];
    var body = el("tbody");
    rows.forEach(function (r) {
      body.append(el("tr", { "data-row": r[0] }, [el("td", {}, [r[1]]), el("td", { "data-result": r[0], "data-unit": "GB" }), el("td", { "data-unit": "GiB" })]));
    });
    var table = el("table", { class: "size-table calc-result" }, [el("thead", {}, [el("tr", {}, [el("th", {}, ["Memory"]), el("th", {}, ["GB"]), el("th", {}, ["GiB"])])]), body]);
    var verdict = el("p", { class: "calc-verdict", "aria-live": "polite" });
    var bits = el("p", { class: "meta" });
    var paramsField = form.elements.params.parentNode;

    function update() {
      var f = form.elements;
      var custom = Number(f.model.value) >= api.models.length;
      paramsField.hidden = !custom;
      var s = {
        model: Number(f.model.value), params: Number(f.params.value) * 1e9, format: Number(f.format.value),
        context: Number(f.context.value), batch: Number(f.batch.value), cache: Number(f.cache.value), device: Number(f.device.value)
      };
      var r = api.estimate(s);
      rows.forEach(function (row) {
        var tr = body.querySelector('[data-row="' + row[0] + '"]');
        tr.children[1].textContent = fmt(r[row[0]], GB);
        tr.children[1].dataset.bytes = String(r[row[0]]);
        tr.children[2].textContent = fmt(r[row[0]], GIB);
      });
      bits.textContent = isFinite(r.bits) ? r.bits.toFixed(2) + " bits per weight (GB = 10⁹ bytes, GiB = 2³⁰ bytes)" : "Check the inputs: a number is out of range.";
      var fits = r.total <= r.usable;
      verdict.className = "calc-verdict " + (fits ? "yes" : "no");
      verdict.textContent = !isFinite(r.total) ? "" : fits
        ? "Fits on " + r.deviceName + " (" + fmt(r.usable, GIB) + " GiB usable)."
        : r.gpuLayers > 0
          ? "Does not fit on " + r.deviceName + ": " + r.gpuLayers + " of " + r.layers + " layers on it, the rest offloaded to system RAM."
          : "Does not fit on " + r.deviceName + ", not even one layer.";
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    var staticCard = root.querySelector(".calculator-static");
    if (staticCard) staticCard.hidden = true;
    root.prepend(el("div", { class: "calculator-live" }, [form, table, verdict, bits]));
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
