//! Requests external links politely: one request at a time per host, a few hosts at once,
//! each request bounded by a timeout. `HEAD` first; servers that refuse it get a `GET`.

use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Settings {
    pub timeout: Duration,
    pub concurrency: usize,
}

/// Why a link is broken: an error status, or no answer.
pub type Outcome = Result<u16, String>;

/// Checks each URL once; results come back in the order of `urls`.
pub fn check_urls<'u>(urls: &[&'u str], settings: &Settings) -> Vec<(&'u str, Outcome)> {
    let mut by_host: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, url) in urls.iter().enumerate() {
        let host = host(url);
        match by_host.iter_mut().find(|(h, _)| *h == host) {
            Some((_, list)) => list.push(i),
            None => by_host.push((host, vec![i])),
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent(concat!("wisdom-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let queue = Mutex::new(by_host);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; urls.len()]);
    let workers = settings.concurrency.max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some((_, indexes)) = queue.lock().ok().and_then(|mut q| q.pop()) {
                    for i in indexes {
                        let outcome = check_one(&agent, urls[i]);
                        if let Ok(mut r) = results.lock() {
                            r[i] = Some(outcome);
                        }
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_default();
    urls.iter()
        .zip(results)
        .map(|(url, r)| (*url, r.unwrap_or_else(|| Err("not checked".into()))))
        .collect()
}

fn check_one(agent: &ureq::Agent, url: &str) -> Outcome {
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| {
        r.map(|r| r.status().as_u16()).map_err(describe)
    };
    let mut code = status(agent.head(url).call())?;
    // Some servers refuse or mishandle HEAD; ask again the usual way.
    if matches!(code, 403 | 405 | 501) {
        code = status(agent.get(url).call())?;
    }
    if code >= 400 {
        Err(format!("answered {code}"))
    } else {
        Ok(code)
    }
}

fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "no answer before the timeout".into(),
        ureq::Error::TooManyRedirects => "too many redirects".into(),
        e => e.to_string(),
    }
}

/// `https://example.org:8080/a?b` → `example.org:8080`.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hosts_are_the_authority_part() {
        assert_eq!(super::host("https://a.org:8080/x?y#z"), "a.org:8080");
        assert_eq!(super::host("http://b.org"), "b.org");
    }
}
