//! The images of a note's page: each gets the size of its file (`width` and `height`, so
//! that the text does not jump as they load; a width the note gave, as Obsidian's
//! `![[p.png|300]]`, keeps its aspect); its smaller copies in `srcset` (a phone picks the
//! one near its width), with the theme's `sizes`; and past the first, `loading="lazy"` and
//! `decoding="async"` (a phone then fetches only the pictures it scrolls to).

use std::borrow::Cow;

use crate::assets::images::copy_path;
use crate::html::read_tag;
use crate::site::{Picture, Pictures};

/// `html` with its `<img>` tags given what they lack of the above.
pub fn sized<'h>(html: &'h str, pictures: &Pictures, sizes: &str) -> Cow<'h, str> {
    if !html.contains("<img") {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + 256);
    let mut attrs = Vec::new();
    let (mut at, mut images) = (0, 0);
    while let Some(found) = html[at..].find("<img").map(|i| at + i) {
        let tag = read_tag(html, found + 1, &mut attrs);
        out.push_str(&html[at..found + 4]);
        at = found + 4;
        if !tag.is_some_and(|(name, _)| name.eq_ignore_ascii_case("img")) {
            continue;
        }
        let attr = |wanted: &str| {
            let found = attrs.iter().find(|(n, _)| n.eq_ignore_ascii_case(wanted));
            found.map(|(_, v)| *v)
        };
        let given = |name: &str| attr(name).and_then(|v| v.trim().parse::<u32>().ok());
        let src = attr("src");
        let picture = src.and_then(|src| pictures.get(src));
        if let (Some(src), Some(picture)) = (src, picture)
            && !picture.copies.is_empty()
            && attr("srcset").is_none()
        {
            let shown = match given("width") {
                Some(width) => format!("{width}px"),
                None => sizes.to_string(),
            };
            out.push_str(&format!(
                " srcset=\"{}\" sizes=\"{}\"",
                srcset(src, picture),
                crate::html::escape(&shown)
            ));
        }
        let size = picture.map(|p| (p.width, p.height));
        if let Some((w, h)) = size.filter(|(w, h)| *w > 0 && *h > 0) {
            let scaled = |v: u32, from: u32, to: u32| {
                (u64::from(v) * u64::from(to) / u64::from(from).max(1)) as u32
            };
            match (
                given("width"),
                given("height"),
                attr("width"),
                attr("height"),
            ) {
                (_, _, None, None) => out.push_str(&format!(" width=\"{w}\" height=\"{h}\"")),
                (Some(width), _, Some(_), None) => {
                    out.push_str(&format!(" height=\"{}\"", scaled(width, w, h)))
                }
                (_, Some(height), None, Some(_)) => {
                    out.push_str(&format!(" width=\"{}\"", scaled(height, h, w)))
                }
                _ => {}
            }
        }
        if images > 0 {
            if attr("loading").is_none() {
                out.push_str(" loading=\"lazy\"");
            }
            if attr("decoding").is_none() {
                out.push_str(" decoding=\"async\"");
            }
        }
        images += 1;
    }
    out.push_str(&html[at..]);
    Cow::Owned(out)
}

/// `p-480w.jpg 480w, …, p.jpg 2400w`: the copies, then the original (`src` is written as
/// the page has it, escaped; the copies' names add only digits and `-w`).
fn srcset(src: &str, picture: &Picture) -> String {
    let mut set: Vec<String> = picture
        .copies
        .iter()
        .map(|&w| format!("{} {w}w", copy_path(src, w)))
        .collect();
    set.push(format!("{src} {}w", picture.width));
    set.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_get_their_size_and_all_but_the_first_load_lazily() {
        let picture = |width, height, copies: &[u32]| Picture {
            width,
            height,
            copies: copies.to_vec(),
        };
        let sizes: Pictures = [
            ("/a/p.png".to_string(), picture(1600, 900, &[])),
            ("/a/q&amp;r.jpg".to_string(), picture(800, 1200, &[])),
        ]
        .into_iter()
        .collect();
        let html = concat!(
            r#"<p><img src="/a/p.png" alt="first" /></p>"#,
            r#"<p><img src="/a/q&amp;r.jpg" alt="second"> <img src="/a/p.png" width="400"> "#,
            r#"<img src="https://example.org/x.png" alt="far" loading="eager"> <imgx></p>"#,
        );
        assert_eq!(
            sized(html, &sizes, ""),
            concat!(
                r#"<p><img width="1600" height="900" src="/a/p.png" alt="first" /></p>"#,
                r#"<p><img width="800" height="1200" loading="lazy" decoding="async" src="/a/q&amp;r.jpg" alt="second"> "#,
                r#"<img height="225" loading="lazy" decoding="async" src="/a/p.png" width="400"> "#,
                r#"<img decoding="async" src="https://example.org/x.png" alt="far" loading="eager"> <imgx></p>"#,
            )
        );
        assert!(matches!(
            sized("<p>no pictures</p>", &sizes, ""),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_picture_with_copies_offers_them_in_srcset() {
        let pictures: Pictures = [(
            "/a/p.jpg".to_string(),
            Picture {
                width: 2400,
                height: 1200,
                copies: vec![480, 800],
            },
        )]
        .into_iter()
        .collect();
        let sizes = "(max-width: 44.5rem) calc(100vw - 2.5rem), 42rem";
        assert_eq!(
            sized(
                r#"<img src="/a/p.jpg"> <img src="/a/p.jpg" width="300">"#,
                &pictures,
                sizes
            ),
            concat!(
                r#"<img srcset="/a/p-480w.jpg 480w, /a/p-800w.jpg 800w, /a/p.jpg 2400w" "#,
                r#"sizes="(max-width: 44.5rem) calc(100vw - 2.5rem), 42rem" width="2400" "#,
                r#"height="1200" src="/a/p.jpg"> <img srcset="/a/p-480w.jpg 480w, "#,
                r#"/a/p-800w.jpg 800w, /a/p.jpg 2400w" sizes="300px" height="150" "#,
                r#"loading="lazy" decoding="async" src="/a/p.jpg" width="300">"#,
            )
        );
    }
}
