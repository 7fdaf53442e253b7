// The table of contents beside a long note on wide screens: open, and the heading being read
// marked (`aria-current`). On narrow screens it stays a closed list above the text.
(function () {
  "use strict";
  var toc = document.querySelector(".note > .toc");
  if (!toc) return;
  var wide = window.matchMedia("(min-width: 72rem)");
  function follow() { if (wide.matches) toc.open = true; }
  follow();
  wide.addEventListener("change", follow);
  var links = {};
  toc.querySelectorAll("a[href^='#']").forEach(function (a) {
    links[decodeURIComponent(a.getAttribute("href").slice(1))] = a;
  });
  var headings = Array.prototype.filter.call(
    document.querySelectorAll(".note .prose h2[id], .note .prose h3[id]"),
    function (h) { return links[h.id]; });
  if (!headings.length || !("IntersectionObserver" in window)) return;
  var current = null;
  function mark() {
    // The last heading above the upper quarter of the window is the one being read.
    var line = window.innerHeight / 4, found = headings[0];
    headings.forEach(function (h) { if (h.getBoundingClientRect().top <= line) found = h; });
    if (found === current) return;
    if (current) { links[current.id].classList.remove("current"); links[current.id].removeAttribute("aria-current"); }
    current = found;
    links[current.id].classList.add("current");
    links[current.id].setAttribute("aria-current", "location");
  }
  var observer = new IntersectionObserver(mark, { rootMargin: "0px 0px -75% 0px" });
  headings.forEach(function (h) { observer.observe(h); });
  window.addEventListener("scroll", mark, { passive: true });
  mark();
})();
