//! `speech-coach sessions` and `speech-coach report SESSION`: stored sessions on the
//! command line.

use std::path::PathBuf;

use anyhow::{Result, bail};
use speech_coach::session::report;
use speech_coach::session::store::{self, Listed};

use speech_coach::ui::settings::{self, Settings};

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
                let kind = match m.kind {
                    store::SessionKind::Call => "",
                    store::SessionKind::Demo => " demo",
                    store::SessionKind::Rehearsal => " rehearsal",
                };
                println!(
                    "{}  {:>7.1} s  {pace:>4} syl/min  {} cues{rec}{kind}  {}",
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
    let (settings, notices) = Settings::load(&settings::default_path());
    for n in &notices {
        eprintln!("speech-coach: settings: {n}");
    }
    let (r, page) = report::build_with_html(&dir, &settings.targets)?;
    if let Some(out) = args.csv
        && let Err(e) = std::fs::copy(dir.join("frames.csv"), &out)
    {
        bail!("{}: cannot write: {e}", out.display());
    }
    if let Some(out) = args.html
        && let Err(e) = std::fs::write(&out, page)
    {
        bail!("{}: cannot write: {e}", out.display());
    }
    println!("{}", serde_json::to_string(&r)?);
    Ok(())
}

/// `speech-coach history`: per-shift figures and the fatigue trend, as JSON.
pub fn history() -> Result<()> {
    let rows = store::list(&store::default_root())?;
    for row in &rows {
        if let Listed::Damaged { id, reason } = row {
            eprintln!("speech-coach: skipping session {id}: {}", clean(reason));
        }
    }
    println!("{}", serde_json::to_string(&speech_coach::session::history::from_listing(&rows))?);
    Ok(())
}
