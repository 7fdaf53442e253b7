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
  function swapCss() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.searchParams.set("reload", Date.now());
      links[i].href = url.toString();
    }
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
