// wisdom serve: reload on rebuild, swap CSS in place, show build errors as an overlay.
(function () {
  var overlay = null;
  function showError(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "wisdom-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.94);color:#f3f3f3;padding:2rem;overflow:auto;font:14px/1.5 ui-monospace,monospace";
      document.body.appendChild(overlay);
    }
    overlay.innerHTML = "";
    var pre = document.createElement("pre");
    pre.style.whiteSpace = "pre-wrap";
    pre.textContent = text;
    overlay.appendChild(pre);
  }
  // Stylesheets are named by their content (style.<hash>.css): take the new names from the
  // page as it is now, and reload the others in place.
  function swapCss() {
    fetch(location.href, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelectorAll('link[rel="stylesheet"]');
      var links = document.querySelectorAll('link[rel="stylesheet"]');
      if (fresh.length !== links.length) { location.reload(); return; }
      for (var i = 0; i < links.length; i++) {
        var url = new URL(fresh[i].getAttribute("href"), location.href);
        url.searchParams.set("reload", Date.now());
        links[i].href = url.toString();
      }
    }).catch(function () { location.reload(); });
  }
  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/__wisdom/livereload");
    ws.onmessage = function (event) {
      var msg = JSON.parse(event.data);
      if (msg.type === "error") showError(msg.message);
      else if (msg.type === "css" && !overlay) swapCss();
      else location.reload();
    };
    ws.onclose = function () { setTimeout(connect, 1000); };
  }
  connect();
})();
