use std::path::Path;

use super::*;
use crate::config::Config;
use crate::config::FeedFormat;
use crate::content::{SourceFile, parse};
use crate::site::Source;

fn config() -> Config {
    Config {
        paginate: 2,
        feed_limit: 2,
        ..Config::default()
    }
}

fn sources(files: &[(&str, String)]) -> Vec<Source> {
    let docs: Vec<_> = files
        .iter()
        .map(|(rel, text)| {
            parse(
                SourceFile {
                    path: Path::new("content").join(rel),
                    rel: rel.into(),
                    text: text.clone(),
                },
                &jiff::tz::TimeZone::UTC,
            )
            .unwrap()
        })
        .collect();
    let config = config();
    docs.into_iter()
        .map(|d| crate::site::tests::prepared(d, &config))
        .collect()
}

fn site(files: &[(&str, String)]) -> Site {
    crate::site::assemble(config(), &sources(files), Vec::new()).unwrap()
}

fn note(title: &str, day: u32, tags: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2024-01-{day:02}\ntags: [{tags}]\n---\n{body}\n")
}

/// Five notes, newest first: e, d, c, b, a; two per listing page.
fn files() -> Vec<(&'static str, String)> {
    vec![
        ("w/_index.md", "---\ntitle: W\n---\n".to_string()),
        ("w/a.md", note("A", 1, "x", "a")),
        ("w/b.md", note("B", 2, "x", "b")),
        ("w/c.md", note("C", 3, "y", "c")),
        ("w/d.md", note("D", 4, "y", "d")),
        ("w/e.md", note("E", 5, "y", "e")),
    ]
}

/// Like `wisdom serve`: files whose text did not change keep their prepared sources.
fn jobs_after(
    edit: impl FnOnce(&mut Vec<(&'static str, String)>),
    touched: &[&str],
) -> (Site, Vec<Job>) {
    let before = files();
    let old_sources = sources(&before);
    let mut after = files();
    edit(&mut after);
    let edited: Vec<_> = after
        .iter()
        .filter(|f| !before.contains(f))
        .cloned()
        .collect();
    let new_sources = sources(&edited);
    let kept = old_sources.iter().filter(|s| {
        after
            .iter()
            .any(|(rel, text)| Path::new(rel) == s.doc.source.rel && *text == s.doc.source.text)
    });
    let old = crate::site::assemble(config(), &old_sources, Vec::new()).unwrap();
    let new = crate::site::assemble(config(), kept.chain(&new_sources), Vec::new()).unwrap();
    let touched: Vec<_> = touched
        .iter()
        .map(|t| Path::new("content").join(t))
        .collect();
    let jobs = changed_jobs(&old, &new, &touched);
    (new, jobs)
}

fn id(site: &Site, title: &str) -> NoteId {
    site.notes.iter().position(|n| n.title == title).unwrap()
}

#[test]
fn editing_a_body_renders_its_page_and_the_listing_pages_that_show_it() {
    let (new, jobs) = jobs_after(|f| f[1].1 = note("A", 1, "x", "a edited"), &["w/a.md"]);
    let x = new.tags.iter().position(|t| t.slug == "x").unwrap();
    assert_eq!(
        jobs,
        [
            Job::Note(id(&new, "A")),
            Job::Listing(Listing::Section(0), 3),
            Job::Listing(Listing::Section(1), 3),
            Job::Listing(Listing::Tag(x), 1),
            Job::TagFeed(x, FeedFormat::Rss),
            Job::TagFeed(x, FeedFormat::Atom),
            Job::TagFeed(x, FeedFormat::Json),
            Job::SearchIndex,
            // Its social card: drawn again only if what it shows changed (the cache).
            Job::SocialCard(id(&new, "A")),
        ]
    );
}

#[test]
fn a_new_date_that_reorders_touches_the_pages_in_between_and_the_sitemap() {
    let (new, jobs) = jobs_after(|f| f[1].1 = note("A", 9, "x", "a"), &["w/a.md"]);
    for page in 1..=3 {
        assert!(
            jobs.contains(&Job::Listing(Listing::Section(0), page)),
            "{jobs:?}"
        );
    }
    assert!(jobs.contains(&Job::SiteFeed(FeedFormat::Atom)));
    assert!(jobs.contains(&Job::Sitemap(0)));
    assert!(jobs.contains(&Job::Note(id(&new, "A"))));
    // B shares tag x with A, whose new date moves it up B's related notes.
    assert!(jobs.contains(&Job::Note(id(&new, "B"))));
    assert!(!jobs.contains(&Job::Note(id(&new, "C"))));
}

#[test]
fn a_new_tag_renders_the_tag_index_and_its_pages() {
    let (new, jobs) = jobs_after(|f| f[5].1 = note("E", 5, "y, z", "e"), &["w/e.md"]);
    let z = new.tags.iter().position(|t| t.slug == "z").unwrap();
    for job in [
        Job::TaxonomyIndex(0),
        Job::Listing(Listing::Tag(z), 1),
        Job::TagFeed(z, FeedFormat::Json),
        Job::Note(id(&new, "E")),
    ] {
        assert!(jobs.contains(&job), "{job:?} missing from {jobs:?}");
    }
    assert!(
        jobs.contains(&Job::Listing(Listing::Section(0), 1)),
        "the home tag cloud changed"
    );
}

#[test]
fn a_removed_note_renders_every_page_of_its_listings() {
    let (_, jobs) = jobs_after(
        |f| {
            f.remove(1);
        },
        &["w/a.md"],
    );
    for page in 1..=2 {
        assert!(
            jobs.contains(&Job::Listing(Listing::Section(0), page)),
            "{jobs:?}"
        );
    }
    assert!(jobs.contains(&Job::Sitemap(0)));
}

#[test]
fn same_files_tells_edits_from_moves() {
    let a = site(&files());
    let mut f = files();
    f[1].1 = note("A", 1, "x", "edited");
    assert!(same_files(&a, &site(&f)));
    f.remove(2);
    assert!(!same_files(&a, &site(&f)));
}

#[test]
fn a_section_title_renders_everything() {
    let (new, jobs) = jobs_after(
        |f| f[0].1 = "---\ntitle: Renamed\n---\n".into(),
        &["w/_index.md"],
    );
    assert_eq!(jobs, plan(&new));
}

#[test]
fn an_in_place_edit_gives_the_jobs_the_full_diff_gives() {
    for (i, body, day) in [(1, "a edited", 1), (5, "e edited", 5), (3, "c edited", 3)] {
        let old_sources = sources(&files());
        let mut old = crate::site::assemble(config(), &old_sources, Vec::new()).unwrap();
        let before = crate::site::assemble(config(), &old_sources, Vec::new()).unwrap();
        let (rel, _) = files()[i].clone();
        let title = rel[2..3].to_uppercase();
        let tags = if i <= 2 { "x" } else { "y" };
        let edited = sources(&[(rel, note(&title, day, tags, body))]);
        let crate::site::Prepared::Note(data) = &edited[0].prepared else {
            panic!()
        };
        let ids = old
            .replace_in_place(std::slice::from_ref(data))
            .expect("same place");
        let fast = jobs_for_notes(&old, &ids.ids, ids.lastmod_moved, |_| Shown::ALL);
        let touched = [Path::new("content").join(rel)];
        assert_eq!(fast, changed_jobs(&before, &old, &touched), "{rel}");
    }
}

#[test]
fn a_note_that_moves_is_not_replaced_in_place() {
    let mut s = site(&files());
    let moved = sources(&[("w/a.md", note("A", 9, "x", "a"))]);
    let crate::site::Prepared::Note(data) = &moved[0].prepared else {
        panic!()
    };
    assert_eq!(s.replace_in_place(std::slice::from_ref(data)), None);
    let retagged = sources(&[("w/a.md", note("A", 1, "x, q", "a"))]);
    let crate::site::Prepared::Note(data) = &retagged[0].prepared else {
        panic!()
    };
    assert_eq!(s.replace_in_place(std::slice::from_ref(data)), None);
}

#[test]
fn an_edit_that_keeps_the_card_and_feed_item_renders_only_the_notes_own_files() {
    let s = site(&files());
    let a = id(&s, "A");
    let kept = Shown {
        card: false,
        feed_item: false,
    };
    let jobs = jobs_for_notes(&s, &[a], false, |_| kept);
    assert_eq!(jobs, [Job::Note(a), Job::SearchIndex, Job::SocialCard(a)]);
    // A new card redraws the listing pages that show it; a new item, the feeds.
    let card = jobs_for_notes(&s, &[a], false, |_| Shown { card: true, ..kept });
    assert!(card.iter().any(|j| matches!(j, Job::Listing(..))));
    assert!(
        !card
            .iter()
            .any(|j| matches!(j, Job::SiteFeed(_) | Job::TagFeed(..)))
    );
    let item = jobs_for_notes(&s, &[a], false, |_| Shown {
        feed_item: true,
        ..kept
    });
    assert!(!item.iter().any(|j| matches!(j, Job::Listing(..))));
    assert!(item.iter().any(|j| matches!(j, Job::TagFeed(..))));
}
