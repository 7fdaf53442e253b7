// Video shortcodes are links until clicked: then, and only then, the player loads
// (privacy: no request to the video host before the reader asks for it).
for (const link of document.querySelectorAll("a.video-embed[data-embed]:not([data-ready])")) {
  link.dataset.ready = "";
  link.addEventListener("click", (event) => {
    event.preventDefault();
    const frame = document.createElement("iframe");
    frame.src = link.dataset.embed;
    frame.title = link.dataset.title || "Video";
    frame.className = "video-frame";
    frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
    frame.allowFullscreen = true;
    link.replaceWith(frame);
    frame.focus();
  });
}
