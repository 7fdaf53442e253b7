//! What a site weighs, and the limits that static hosts publish for what they serve: a
//! build that passes one warns with the limit and what to turn off, rather than let the
//! deploy fail (or the host refuse it) later.

use crate::config::HostName;
use crate::error::{Diagnostic, Kind};

/// The files of a written site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputSize {
    pub files: usize,
    pub bytes: u64,
    /// The largest file: its bytes and path.
    pub largest: (u64, String),
    /// Bytes of the social cards (`og/`), the bulk of a large site.
    pub card_bytes: u64,
}

impl OutputSize {
    pub fn add(&mut self, path: &str, bytes: u64) {
        self.files += 1;
        self.bytes += bytes;
        if bytes > self.largest.0 {
            self.largest = (bytes, path.to_string());
        }
        if path.starts_with("og/") {
            self.card_bytes += bytes;
        }
    }
}

/// `1,234 files, 56.7 MB`, for the build's summary.
impl std::fmt::Display for OutputSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} files, {}", self.files, megabytes(self.bytes))
    }
}

/// A host's published limits.
struct Limits {
    name: &'static str,
    site_bytes: Option<u64>,
    files: Option<usize>,
    /// The largest file, and how the host writes that size.
    file_bytes: Option<(u64, &'static str)>,
}

const MB: u64 = 1_000_000;
const MIB: u64 = 1 << 20;

fn limits(host: HostName) -> Limits {
    match host {
        // "Published GitHub Pages sites may be no larger than 1 GB."
        HostName::Github => Limits {
            name: "GitHub Pages",
            site_bytes: Some(1_000 * MB),
            files: None,
            file_bytes: None,
        },
        // Workers and Pages limits: 20,000 files a site (Free plan), 25 MiB a file.
        HostName::Cloudflare => Limits {
            name: "Cloudflare Pages",
            site_bytes: None,
            files: Some(20_000),
            file_bytes: Some((25 * MIB, "25 MiB")),
        },
        // Netlify publishes no limit on a site's size or files.
        HostName::Netlify => Limits {
            name: "Netlify",
            site_bytes: None,
            files: None,
            file_bytes: None,
        },
    }
}

/// A warning for each of `host`'s limits that `size` passes.
pub fn check(size: &OutputSize, host: HostName) -> Vec<Diagnostic> {
    let limits = limits(host);
    let turn_off = if size.card_bytes > size.bytes / 4 {
        format!(
            "the social cards are {} of it: og_images = false turns them off",
            megabytes(size.card_bytes)
        )
    } else {
        "og_images = false (social cards) and search = false make a site smaller".to_string()
    };
    let warn = |message: String, hint: String| {
        Diagnostic::new(Kind::HostLimit, "wisdom.toml", message).hint(hint)
    };
    let mut found = Vec::new();
    if let Some(max) = limits.site_bytes.filter(|&max| size.bytes > max) {
        found.push(warn(
            format!(
                "the site is {}; {} publishes sites of at most {}",
                megabytes(size.bytes),
                limits.name,
                megabytes(max)
            ),
            turn_off.clone(),
        ));
    }
    if let Some(max) = limits.files.filter(|&max| size.files > max) {
        found.push(warn(
            format!(
                "the site has {} files; {} takes at most {max} a site",
                size.files, limits.name
            ),
            turn_off,
        ));
    }
    if let Some((_, max)) = limits.file_bytes.filter(|&(max, _)| size.largest.0 > max) {
        found.push(warn(
            format!(
                "{} is {}; {} serves files of at most {max}",
                size.largest.1,
                megabytes(size.largest.0),
                limits.name,
            ),
            "keep large files elsewhere and link them".to_string(),
        ));
    }
    found
}

/// `12.3 MB`.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / MB as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(files: usize, bytes: u64, cards: u64) -> OutputSize {
        OutputSize {
            files,
            bytes,
            largest: (bytes / files as u64, "a/index.html".into()),
            card_bytes: cards,
        }
    }

    #[test]
    fn each_hosts_limits_warn_with_what_to_turn_off() {
        let big = size(671_000, 1_300 * MB, 800 * MB);
        let github = check(&big, HostName::Github);
        assert_eq!(github.len(), 1);
        assert!(
            github[0].message.contains(
                "the site is 1300.0 MB; GitHub Pages publishes sites of at most 1000.0 MB"
            )
        );
        assert!(
            github[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("og_images = false")
        );
        let cloudflare = check(&big, HostName::Cloudflare);
        assert_eq!(cloudflare.len(), 1, "{cloudflare:?}");
        assert!(cloudflare[0].message.contains("671000 files"));
        assert!(check(&big, HostName::Netlify).is_empty());
        assert!(check(&size(100, 5 * MB, 0), HostName::Github).is_empty());
        let one_big_file = OutputSize {
            largest: (30 * MIB, "video.mp4".into()),
            ..size(10, 40 * MB, 0)
        };
        assert!(
            check(&one_big_file, HostName::Cloudflare)[0]
                .message
                .starts_with("video.mp4 is 31.5 MB")
        );
    }
}
