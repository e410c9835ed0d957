//! `speech-coach sessions` and `speech-coach report SESSION`: stored sessions on the
//! command line.

use std::path::PathBuf;

use anyhow::{Result, bail};
use speech_coach::session::report;
use speech_coach::session::store::{self, Listed};

use super::terminal::clean;

#[derive(Debug, clap::Args)]
pub struct SessionsArgs {
    /// Delete this session and its audio.
    #[arg(long, value_name = "SESSION")]
    pub delete: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Session id, as `speech-coach sessions` lists it.
    pub session: String,
    /// Also write the report as a self-contained HTML page (plots inline).
    #[arg(long, value_name = "OUT.html")]
    pub html: Option<PathBuf>,
    /// Also copy the per-hop metrics (CSV) to this file.
    #[arg(long, value_name = "OUT.csv")]
    pub csv: Option<PathBuf>,
}

pub fn list(args: SessionsArgs) -> Result<()> {
    let root = store::default_root();
    if let Some(id) = args.delete {
        store::delete(&root, &id)?;
        eprintln!("speech-coach: deleted session {id}");
        return Ok(());
    }
    let sessions = store::list(&root)?;
    if sessions.is_empty() {
        eprintln!("no sessions yet in {}", root.display());
    }
    for s in sessions {
        match s {
            Listed::Ok(m) => {
                let duration = m.summary.as_ref().map_or(0.0, |s| s.duration_s);
                let pace = m
                    .summary
                    .as_ref()
                    .and_then(|s| s.syllables_per_min)
                    .map_or("-".into(), |p| format!("{p:.0}"));
                let rec = if m.recording { " rec" } else { "" };
                println!(
                    "{}  {:>7.1} s  {pace:>4} syl/min  {} cues{rec}  {}",
                    clean(&m.id),
                    duration,
                    m.cues.len(),
                    clean(&m.source)
                );
            }
            Listed::Damaged { id, reason } => println!("{id}  (damaged: {})", clean(&reason)),
        }
    }
    Ok(())
}

pub fn report(args: ReportArgs) -> Result<()> {
    let root = store::default_root();
    let dir = store::session_dir(&root, &args.session)?;
    for out in [&args.csv, &args.html].into_iter().flatten() {
        super::output::check(out, &[&dir.join("frames.csv")], &root)?;
    }
    let r = report::build(&dir)?;
    if let Some(out) = args.csv
        && let Err(e) = std::fs::copy(dir.join("frames.csv"), &out)
    {
        bail!("{}: cannot write: {e}", out.display());
    }
    if let Some(out) = args.html {
        let target = speech_coach::coach::Targets::default().pace_zh_chars_per_min.green;
        let html = speech_coach::session::html::render(&r, target);
        if let Err(e) = std::fs::write(&out, html) {
            bail!("{}: cannot write: {e}", out.display());
        }
    }
    println!("{}", serde_json::to_string(&r)?);
    Ok(())
}

/// `speech-coach history`: per-shift figures and the fatigue trend, as JSON.
pub fn history() -> Result<()> {
    let metas: Vec<_> = store::list(&store::default_root())?
        .into_iter()
        .filter_map(|l| match l {
            Listed::Ok(m) => Some(m),
            Listed::Damaged { id, reason } => {
                eprintln!("speech-coach: skipping session {id}: {}", clean(&reason));
                None
            }
        })
        .collect();
    println!("{}", serde_json::to_string(&speech_coach::session::history::by_shift(&metas))?);
    Ok(())
}
