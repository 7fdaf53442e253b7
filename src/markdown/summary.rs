//! Summaries cut from the rendered events: always on a word boundary, never inside a tag,
//! with every element that was opened closed again.

use pulldown_cmark::{Event, Tag};

use super::Block;
use super::words::count_words;

/// Everything before the `<!--more-->` marker.
pub(super) fn before(events: &[Event<'_>]) -> String {
    let mut open: Vec<Tag<'_>> = Vec::new();
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    for e in events {
        track(&mut open, e);
        out.push(e.clone());
    }
    close(&mut out, open);
    to_html(out)
}

/// The leading paragraphs, lists and quotes up to `max_words`; a first block that is longer
/// is cut at the last whole word that fits, with an ellipsis.
pub(super) fn leading_prose(events: &[Event<'_>], blocks: &[Block], max_words: usize) -> String {
    let mut out: Vec<Event<'_>> = Vec::new();
    let mut words = 0;
    for block in blocks {
        if !block.prose {
            if out.is_empty() {
                continue;
            }
            break;
        }
        if words + block.words <= max_words {
            out.extend(events[block.start..block.end].iter().cloned());
            words += block.words;
            if words >= max_words {
                break;
            }
            continue;
        }
        if out.is_empty() {
            cut(&events[block.start..block.end], max_words, &mut out);
        }
        break;
    }
    to_html(out)
}

fn cut<'a>(events: &[Event<'a>], max_words: usize, out: &mut Vec<Event<'a>>) {
    let mut open: Vec<Tag<'a>> = Vec::new();
    let mut words = 0;
    for e in events {
        if let Event::Text(text) = e {
            let n = count_words(text);
            if words + n > max_words {
                let keep = max_words - words;
                let end = text.split_whitespace().take(keep).last().map_or(0, |w| {
                    w.as_ptr() as usize - text.as_ptr() as usize + w.len()
                });
                let mut cut_text = text[..end].trim_end().to_string();
                cut_text.push('…');
                out.push(Event::Text(cut_text.into()));
                break;
            }
            words += n;
        }
        track(&mut open, e);
        out.push(e.clone());
    }
    close(out, open);
}

fn track<'a>(open: &mut Vec<Tag<'a>>, e: &Event<'a>) {
    match e {
        Event::Start(tag) => open.push(tag.clone()),
        Event::End(_) => {
            open.pop();
        }
        _ => {}
    }
}

fn close<'a>(out: &mut Vec<Event<'a>>, open: Vec<Tag<'a>>) {
    for tag in open.into_iter().rev() {
        out.push(Event::End(tag.to_end()));
    }
}

fn to_html(events: Vec<Event<'_>>) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html.trim_end().to_string()
}
