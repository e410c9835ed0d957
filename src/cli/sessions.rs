//! `speech-coach sessions` and `speech-coach report SESSION`: stored sessions on the
//! command line, named by their local date and time; the id is the handle commands take.

use std::path::PathBuf;

use anyhow::{Result, bail};
use speech_coach::analysis::Lang;
use speech_coach::report::{self, Report, ReportOptions};
use speech_coach::report::{moments, words};
use speech_coach::session::store::{self, Listed, SessionKind, SessionMeta};
use speech_coach::session::when;

use super::table::{Align, render, shorten};

/// Terminal columns of the id and source cells at most: both come from `session.json`,
/// which anything can write (an id the store made is at most 24 characters).
const ID_COLUMNS: usize = 30;
const SOURCE_COLUMNS: usize = 60;
use super::terminal::{clean, json_clean};

#[derive(Debug, clap::Args)]
pub struct SessionsArgs {
    /// Delete this session (by id) and its audio.
    #[arg(long, value_name = "SESSION")]
    pub delete: Option<String>,
    /// Language of the table: zh or en (default: the interface language of the settings,
    /// else the locale).
    #[arg(long, value_enum, hide_possible_values = true)]
    pub lang: Option<Lang>,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Session id, as `speech-coach sessions` lists it.
    pub session: String,
    /// Also write the report as a self-contained HTML page (plots and replays inline).
    #[arg(long, value_name = "OUT.html")]
    pub html: Option<PathBuf>,
    /// Also copy the per-hop metrics (CSV) to this file.
    #[arg(long, value_name = "OUT.csv")]
    pub csv: Option<PathBuf>,
    /// Language of the report: zh or en (default: the interface language of the
    /// settings, else the locale).
    #[arg(long, value_enum, hide_possible_values = true)]
    pub lang: Option<Lang>,
    /// Print the report as one JSON object (for scripts) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Words of the `sessions` table header, in the table's language.
fn header(lang: Lang) -> Vec<String> {
    let words: [&str; 7] = match lang {
        Lang::Zh => ["时间", "类型", "语速", "提示", "录音", "编号", "来源"],
        Lang::En => ["when", "kind", "pace", "cues", "rec", "id", "source"],
    };
    words.iter().map(|w| w.to_string()).collect()
}

fn kind_text(lang: Lang, kind: SessionKind) -> &'static str {
    match (lang, kind) {
        (Lang::Zh, SessionKind::Call) => "通话",
        (Lang::En, SessionKind::Call) => "call",
        (_, SessionKind::Demo) => words::words(lang).demo_run,
        (_, SessionKind::Rehearsal) => words::words(lang).rehearsal,
    }
}

/// How long a stored session lasted: its summary, else its start and end.
pub fn duration_s(m: &SessionMeta) -> Option<f64> {
    m.summary
        .as_ref()
        .map(|s| s.duration_s)
        .filter(|d| *d > 0.0)
        .or_else(|| Some(m.ended_unix_s?.saturating_sub(m.started_unix_s) as f64))
}

/// One row of the `sessions` table.
fn session_row(lang: Lang, m: &SessionMeta) -> Vec<String> {
    let pace = m.summary.as_ref().and_then(|s| s.syllables_per_min).map_or("-".into(), |p| {
        format!("{:.0} {}", m.lang.pace_from_syllables(p), words::pace_unit(lang, m.lang))
    });
    vec![
        when::title(lang, m.started_unix_s, duration_s(m)),
        kind_text(lang, m.kind).into(),
        pace,
        m.cues.len().to_string(),
        if m.recording { "●".into() } else { String::new() },
        shorten(&clean(&m.id), ID_COLUMNS).into_owned(),
        shorten(&clean(&m.source), SOURCE_COLUMNS).into_owned(),
    ]
}

pub fn list(args: SessionsArgs) -> Result<()> {
    let root = store::default_root();
    if let Some(id) = args.delete {
        store::delete(&root, &id)?;
        speech_coach::errln!("speech-coach: deleted session {id}");
        return Ok(());
    }
    let lang = args.lang.unwrap_or_else(|| super::load_settings().ui_lang.into());
    let sessions = store::list(&root)?;
    if sessions.is_empty() {
        speech_coach::errln!("no sessions yet in {}", root.display());
        return Ok(());
    }
    let mut rows = vec![header(lang)];
    let mut damaged = Vec::new();
    for s in sessions {
        match s {
            Listed::Ok(m) => rows.push(session_row(lang, &m)),
            Listed::Damaged { id, reason } => {
                damaged.push(format!("{id}  (damaged: {})", clean(&reason)))
            }
        }
    }
    let align = [Align::Left, Align::Left, Align::Right, Align::Right, Align::Left];
    out!("{}", render(&rows, &align))?;
    for line in damaged {
        outln!("{line}")?;
    }
    Ok(())
}

/// The report as a person reads it in a terminal: the title, the moments and the tips.
fn report_text(r: &Report) -> String {
    let lang = r.report_lang;
    let w = words::words(lang);
    let context = moments::Context {
        lang,
        speech_lang: r.lang,
        pace_green: r.pace_target,
        baseline: r.normal_is_baseline,
    };
    // The id comes from session.json: shown, never obeyed (escape codes, forged lines).
    let id = shorten(&clean(&r.id), ID_COLUMNS).into_owned();
    let mut out = format!("{} · {}  ({id})\n", w.call_report, clean(&r.title));
    if !r.moments.is_empty() {
        out += &format!("\n{}\n", w.moments);
        for m in &r.moments {
            let colon = if lang == Lang::Zh { "：" } else { ": " };
            out += &format!(
                "  {}  {}{colon}{}\n",
                when::clock(m.at_s),
                moments::title(lang, m.kind),
                moments::detail(&context, m)
            );
        }
    }
    if !r.tips.is_empty() {
        out += &format!("\n{}\n", w.tips);
        for t in &r.tips {
            out += &format!("  - {}\n", t.text);
        }
    }
    out
}

pub fn report(args: ReportArgs) -> Result<()> {
    let root = store::default_root();
    let dir = store::session_dir(&root, &args.session)?;
    for out in [&args.csv, &args.html].into_iter().flatten() {
        super::output::check(out, &[&dir.join("frames.csv")], &root)?;
    }
    let mut options = ReportOptions::from(&super::load_settings());
    if let Some(lang) = args.lang {
        options.lang = lang;
    }
    let (r, page) = report::build_with_html(&dir, &options)?;
    // Both hold the call (the page its recording's replays): for the user alone, as the
    // session they come from.
    let private = |out: &std::path::Path, from: &mut dyn std::io::Read| {
        speech_coach::platform::private::create_file(out).and_then(|mut f| {
            std::io::copy(from, &mut f)?;
            f.sync_all()
        })
    };
    if let Some(out) = args.csv {
        // Streamed: a day's frames.csv is hundreds of megabytes.
        let written = std::fs::File::open(dir.join("frames.csv"))
            .and_then(|mut frames| private(&out, &mut frames));
        if let Err(e) = written {
            bail!("{}: cannot write: {e}", out.display());
        }
    }
    if let Some(out) = &args.html
        && let Err(e) = private(out, &mut page.as_bytes())
    {
        bail!("{}: cannot write: {e}", out.display());
    }
    if args.json {
        outln!("{}", json_clean(serde_json::to_string(&r)?))?;
    } else {
        out!("{}", report_text(&r))?;
    }
    Ok(())
}
