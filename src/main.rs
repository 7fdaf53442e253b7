//! The `wisdom` command line: parses arguments and hands off to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use wisdom::build::{BuildOptions, build};
use wisdom::report::{Style, render_error, render_warnings};

/// `wisdom 0.1.0 (commit 1a2b3c4d5e6f, x86_64-unknown-linux-musl)`; a debug build says
/// `a dev build` instead of its commit (see build.rs).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("WISDOM_BUILD"),
    ", ",
    env!("WISDOM_TARGET"),
    ")"
);

#[derive(Parser)]
#[command(
    name = "wisdom",
    version = VERSION,
    about = "A fast static site generator for a wisdom index of markdown notes"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Which notes that are not published yet a command shows anyway.
#[derive(clap::Args, Clone, Copy)]
struct Show {
    /// Include notes marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Include notes whose `publishDate` is still to come.
    #[arg(long)]
    future: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced only when the build succeeds).
    Build {
        /// The site's folder (with wisdom.toml, content/, templates/, static/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        show: Show,
        /// Override `base_url` from wisdom.toml, e.g. https://me.github.io/wisdom/.
        #[arg(long)]
        base_url: Option<String>,
        /// Print errors only: no progress line, warnings or summary.
        #[arg(long, short, conflicts_with = "verbose")]
        quiet: bool,
        /// Also print how long each stage took.
        #[arg(long, short, alias = "timings")]
        verbose: bool,
        /// Treat warnings (aliases that lose to a page, broken links kept as text, math that
        /// cannot be converted) as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Build, serve on loopback, rebuild on change and live-reload open browser tabs.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        #[command(flatten)]
        show: Show,
        /// Open the site in the default browser once it is served.
        #[arg(long)]
        open: bool,
        /// Fail when the port is taken, instead of moving to the next free one.
        #[arg(long)]
        strict_port: bool,
    },
    /// Check the site as a build would (front matter, links and anchors, templates) without
    /// writing anything; with --external, also request every external link.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[command(flatten)]
        show: Show,
        /// Request every http(s) link (HEAD, then GET if refused), one at a time per host.
        #[arg(long)]
        external: bool,
        /// Seconds to wait for each external link.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
        /// External requests at once, over all hosts.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Model size and memory: file size, weights, KV cache, buffers, and the devices it fits.
    Calc {
        /// A known model (see --list), e.g. deepseek-r1-distill-qwen-7b.
        #[arg(long)]
        model: Option<String>,
        /// Parameter count of another model, e.g. 13e9.
        #[arg(long, allow_negative_numbers = true)]
        params: Option<f64>,
        /// Any model, from its Hugging Face config.json.
        #[arg(long, value_name = "config.json")]
        config: Option<PathBuf>,
        /// A GGUF file: its exact layout and memory (only the header is read).
        #[arg(long, value_name = "FILE.gguf")]
        gguf: Option<PathBuf>,
        /// Run it on this GPU or Mac (see --list), or `cpu`: placement, speed and command.
        #[arg(long)]
        device: Option<String>,
        /// How many of that GPU (layers are split between them).
        #[arg(long, default_value_t = 1)]
        gpus: u64,
        /// The system RAM beside the GPU (see --list); default 64 GB, dual channel.
        #[arg(long)]
        ram: Option<String>,
        /// Blocks on the GPUs, counting the output layer, as llama.cpp's -ngl (default: as many as fit).
        #[arg(long)]
        ngl: Option<u64>,
        /// Keep the routed experts of the first N blocks in system RAM (llama.cpp's --n-cpu-moe).
        #[arg(long, value_name = "N")]
        n_cpu_moe: Option<u64>,
        /// Keep all routed experts in system RAM (llama.cpp's -ot exps=CPU).
        #[arg(long)]
        cpu_moe: bool,
        /// Storage format as llama.cpp names it (q4_k_m, q8_0, iq1_s, bf16, ...).
        #[arg(long, default_value = "q4_k_m")]
        quant: String,
        /// Context length in tokens.
        #[arg(long, default_value_t = 8192)]
        context: u64,
        /// Sequences decoded at once.
        #[arg(long, default_value_t = 1)]
        batch: u64,
        /// KV cache type: f16, q8_0 or q4_0.
        #[arg(long, default_value = "f16")]
        cache: String,
        /// List the known models, formats and cache types.
        #[arg(long)]
        list: bool,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Create a new site in DIR.
    Init {
        dir: PathBuf,
        /// Add the site to a folder that is not empty (files already there are kept).
        #[arg(long)]
        force: bool,
    },
    /// Create a note with its front matter filled in, e.g. content/wisdom/my-note.md.
    New {
        path: PathBuf,
        /// Open it in $VISUAL or $EDITOR once it is written.
        #[arg(long)]
        edit: bool,
    },
    /// Print a completion script: `wisdom completions bash > /etc/bash_completion.d/wisdom`
    /// (also zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff): `wisdom man > ~/.local/share/man/man1/wisdom.1`.
    Man,
    /// Write what a static host needs to build and publish the site on every push: a
    /// GitHub Pages workflow, netlify.toml, or (printed) Cloudflare Pages settings.
    DeployConfig {
        host: wisdom::deploy::Host,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Wisdom's repository: a GitHub URL is downloaded from (its release of this
        /// version), another git URL compiled [default: this folder when it is wisdom's
        /// source].
        #[arg(long)]
        install_from: Option<String>,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
        /// Rewrite the file to download this wisdom's version (from the repository it names).
        #[arg(long, conflicts_with = "install_from")]
        upgrade: bool,
    },
}

/// Faster than the system's malloc for a build's many small values (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let what = match cli.command {
        Command::Build { .. } => "build failed (the previous output was left untouched)",
        Command::Serve { .. } => "serve failed",
        Command::Check { .. } => "check failed",
        Command::Calc { .. } => "calc failed",
        Command::Init { .. } => "init failed",
        Command::New { .. } => "new failed",
        Command::Completions { .. } | Command::Man => "cannot print it",
        Command::DeployConfig { .. } => "deploy-config failed",
    };
    let result = match cli.command {
        Command::Build {
            root,
            output,
            show,
            base_url,
            quiet,
            verbose,
            strict,
        } => {
            let options = BuildOptions {
                root,
                output,
                drafts: show.drafts,
                future: show.future,
                base_url,
                strict,
                progress: Default::default(),
            };
            let built = if quiet {
                build(&options)
            } else {
                options
                    .progress
                    .show_while(progress_after(), || build(&options))
            };
            built.map(|r| report_build(&r, quiet, verbose))
        }
        Command::Serve {
            root,
            port,
            bind,
            show,
            open,
            strict_port,
        } => wisdom::serve::serve(&wisdom::serve::ServeOptions {
            root,
            bind,
            port,
            drafts: show.drafts,
            future: show.future,
            open,
            strict_port,
        }),
        Command::Check {
            root,
            show,
            external,
            timeout,
            concurrency,
            strict,
        } => wisdom::check::check(&wisdom::check::CheckOptions {
            root,
            drafts: show.drafts,
            future: show.future,
            external,
            timeout: std::time::Duration::from_secs(timeout),
            concurrency,
            strict,
        })
        .map(|r| {
            eprint!("{}", render_warnings(&r.warnings, &Style::for_stderr()));
            let external = if external {
                format!(", {} external URLs", r.external_urls)
            } else {
                String::new()
            };
            eprintln!(
                "No problems: {} notes, {} pages, {} links between notes{external}",
                r.notes, r.pages, r.internal_links
            );
        }),
        Command::Calc { list: true, .. } => {
            print!("{}", wisdom::calc::list());
            Ok(())
        }
        Command::Calc {
            model,
            params,
            config,
            gguf,
            device,
            gpus,
            ram,
            ngl,
            n_cpu_moe,
            cpu_moe,
            quant,
            context,
            batch,
            cache,
            json,
            ..
        } => wisdom::calc::estimate(&wisdom::calc::CalcOptions {
            model,
            params,
            config,
            gguf,
            device,
            gpus,
            ram,
            gpu_layers: ngl,
            cpu_moe: if cpu_moe { u64::MAX } else { n_cpu_moe.unwrap_or(0) },
            quant,
            context,
            batch,
            cache,
        })
        .map(|e| {
            if json {
                println!("{}", serde_json::to_string_pretty(&e).unwrap_or_default());
            } else {
                print!("{}", wisdom::calc::table(&e));
            }
        }),
        Command::Init { dir, force } => wisdom::scaffold::init(&dir, now(), force).and_then(|mut files| {
            // Publishing on GitHub Pages comes with the site when this wisdom knows where
            // its source is (to install it there); else init says how to add it.
            let publish = match wisdom::deploy::Install::choose(&dir, None) {
                Ok(install) => {
                    let host = wisdom::deploy::Host::Github;
                    files.extend(wisdom::deploy::write(&dir, host, &install, false)?.0);
                    "Publish: push to GitHub and choose \"GitHub Actions\" under Settings → Pages."
                        .to_string()
                }
                Err(_) => "Publish: `wisdom deploy-config github --install-from <wisdom's git URL>` (or netlify, cloudflare)".to_string(),
            };
            for f in files {
                eprintln!("created {}", f.display());
            }
            eprintln!("Next: cd {} && wisdom serve", dir.display());
            eprintln!("{publish}");
            Ok(())
        }),
        Command::New { path, edit } => wisdom::scaffold::new_note(&path, now()).and_then(|()| {
            eprintln!(
                "created {} (draft: true until you publish it)",
                path.display()
            );
            if edit {
                wisdom::scaffold::open_in_editor(&path)?;
            }
            Ok(())
        }),
        Command::DeployConfig {
            host,
            root,
            install_from,
            force,
            upgrade,
        } => if upgrade {
            wisdom::deploy::upgraded(&root, host)
        } else {
            wisdom::deploy::Install::choose(&root, install_from)
        }
        .and_then(|install| wisdom::deploy::write(&root, host, &install, force || upgrade))
            .map(|(files, next)| {
                for f in files {
                    eprintln!("wrote {}", f.display());
                }
                eprint!("{next}");
                if !next.ends_with('\n') {
                    eprintln!();
                }
            }),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "wisdom", &mut std::io::stdout());
            Ok(())
        }
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut std::io::stdout())
            .map_err(|e| wisdom::error::Error::Usage(format!("cannot write the manual: {e}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!("{}", render_error(&e, what, &Style::for_stderr()));
            ExitCode::FAILURE
        }
    }
}

fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

/// What a finished build says: its warnings, its stages (`--verbose`) and a summary line;
/// nothing with `--quiet`.
fn report_build(r: &wisdom::build::BuildReport, quiet: bool, verbose: bool) {
    if quiet {
        return;
    }
    eprint!("{}", render_warnings(&r.warnings, &Style::for_stderr()));
    if verbose {
        for (stage, took) in &r.stages {
            eprintln!("{stage:>18}: {:>7.1} ms", took.as_secs_f64() * 1000.0);
        }
    }
    let left_out = match r.left_out {
        0 => String::new(),
        n => format!(" ({n} not published: drafts, future or expired; see --drafts, --future)"),
    };
    eprintln!(
        "Built {} notes, {} sections, {} tags in {} ms: {}{left_out}",
        r.notes,
        r.sections,
        r.tags,
        r.elapsed.as_millis(),
        r.size
    );
}

/// When a build's progress line appears: after a second, or `WISDOM_PROGRESS_AFTER_MS`
/// (the tests' way to see it on a small site).
fn progress_after() -> Option<std::time::Duration> {
    let ms = std::env::var("WISDOM_PROGRESS_AFTER_MS").ok()?;
    ms.parse().ok().map(std::time::Duration::from_millis)
}
