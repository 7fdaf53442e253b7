//! Video shortcodes (`{{< youtube ID >}}`, `{{< vimeo ID >}}`), as a component: a link with
//! the video's thumbnail until the reader clicks, and only then the player, from
//! `youtube-nocookie.com` (or Vimeo with `dnt=1`), loaded by a small script.

use super::Component;
use crate::templates::{Statics, Templates, ThemePart};

pub struct Videos;

impl Component for Videos {
    fn name(&self) -> &'static str {
        "videos"
    }
}

impl ThemePart for Videos {
    fn templates(&self) -> Templates {
        &[
            (
                "shortcodes/youtube.html",
                include_str!("../../templates/shortcodes/youtube.html"),
            ),
            (
                "shortcodes/vimeo.html",
                include_str!("../../templates/shortcodes/vimeo.html"),
            ),
        ]
    }

    fn statics(&self) -> Statics {
        &[("embed.js", include_bytes!("../../static/embed.js"))]
    }
}
