//! `speech-coach team ...`: set up the centre's database (`init`), send this PC's waiting
//! calls (`sync`, or keep syncing with `--watch`), hand a team its targets (`profile`),
//! write the team report (`report`), and the hidden load test behind
//! `scripts/team-load.sh`.
//!
//! Every failure is one line and a non-zero exit; summaries that could not be sent stay
//! waiting in the local store.

use std::path::PathBuf;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::json;
use speech_coach::analysis::Lang;
use speech_coach::coach::Targets;
use speech_coach::session::{store, when};
use speech_coach::settings::{self, Settings};
use speech_coach::team::config::{TeamConfig, password};
use speech_coach::team::link::TeamLink;
use speech_coach::team::{TeamError, db, load, migrate, profile, queue, report, upload};
use speech_coach::words::fill;

use super::table::{self, pad_right, shorten};
use super::terminal::clean;

/// Terminal columns an agent's name takes in `team report` at most.
const NAME_COLUMNS: usize = 40;

#[derive(Debug, clap::Args)]
pub struct TeamArgs {
    #[command(subcommand)]
    pub command: TeamCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum TeamCommand {
    /// Create or upgrade the team schema and roles (migrations/*.sql, each applied once).
    /// Run by the centre's DBA with an owner's login; safe to run again.
    Init {
        /// postgresql://OWNER@HOST:PORT/DATABASE (password in SPEECH_COACH_DB_PASSWORD).
        #[arg(long, value_name = "URL")]
        admin_url: String,
        #[command(flatten)]
        ca: CaArg,
    },
    /// Send this PC's finished calls that wait (per-call numbers only) to the team database.
    Sync {
        /// Keep running: send calls as they finish and print each change of the team's
        /// profile as a JSON line (until Ctrl-C, or --seconds).
        #[arg(long)]
        watch: bool,
        /// With --watch: stop after this many seconds.
        #[arg(long)]
        seconds: Option<f64>,
        /// Calls per statement.
        #[arg(long, default_value_t = upload::BATCH as u64,
              value_parser = clap::value_parser!(u64).range(1..=10_000))]
        batch: u64,
        #[command(flatten)]
        ca: CaArg,
    },
    /// Show or set a team's target profile (a lead's or the owner's login).
    Profile {
        #[arg(long)]
        team: String,
        /// A JSON file of target bands in the settings file's "targets" shape.
        #[arg(long, value_name = "TARGETS.json")]
        set: Option<PathBuf>,
        /// The database (default: the settings' team URL).
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        #[command(flatten)]
        ca: CaArg,
    },
    /// The team report: per agent and for the team, the trends of pace, volume, tone,
    /// interruptions, dead air, long holds, talk share and tiring, furthest off first.
    Report {
        /// The team's name, as in the agents' settings.
        #[arg(long)]
        team: String,
        /// How many days, up to the last (1–366).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=366))]
        days: u32,
        /// The period's last day (YYYY-MM-DD; default today).
        #[arg(long)]
        to: Option<String>,
        /// Write the report as a self-contained HTML page.
        #[arg(long, value_name = "OUT.html")]
        html: Option<PathBuf>,
        /// Print every figure as one JSON object.
        #[arg(long)]
        json: bool,
        /// The report's language: zh or en (default: the window's interface language).
        #[arg(long, value_enum, hide_possible_values = true)]
        lang: Option<Lang>,
        /// The database (default: the settings' team URL); a lead's login reads its teams.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        #[command(flatten)]
        ca: CaArg,
    },
    /// Load test: synthetic summaries through the upsert, then the report's time and the
    /// database size (see scripts/team-load.sh).
    #[command(hide = true)]
    LoadTest {
        #[arg(long, value_name = "URL")]
        url: String,
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
        agents: u32,
        /// At most --agents: every team gets at least one agent.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
        teams: u32,
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
        calls_per_day: u32,
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=366))]
        days: u32,
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=10_000))]
        batch: u64,
        /// The period's last day (YYYY-MM-DD; default today, UTC).
        #[arg(long)]
        to: Option<String>,
    },
}

/// The CA certificate to trust for this command, besides the system's roots.
#[derive(Debug, Clone, clap::Args)]
pub struct CaArg {
    /// A CA certificate (PEM) to trust besides the system's, for a centre's own CA: with
    /// --url, or over the settings' team "ca_file".
    #[arg(long = "ca-file", value_name = "PATH")]
    ca_file: Option<PathBuf>,
}

pub fn run(args: TeamArgs) -> Result<()> {
    match args.command {
        TeamCommand::Init { admin_url, ca } => init(&admin_url, &ca),
        TeamCommand::Sync { watch: false, batch, ca, .. } => sync_once(batch as usize, &ca),
        TeamCommand::Sync { watch: true, seconds, ca, .. } => watch(seconds, &ca),
        TeamCommand::Profile { team, set, url, ca } => {
            profile_cmd(&team, set, Database { url, ca })
        }
        TeamCommand::Report { team, days, to, html, json, lang, url, ca } => {
            report_cmd(&team, days, to, html, json, lang, Database { url, ca })
        }
        TeamCommand::LoadTest { url, agents, teams, calls_per_day, days, batch, to } => {
            if teams > agents {
                bail!("--teams {teams} is more than --agents {agents}: a team needs an agent");
            }
            let centre = load::Centre { agents, teams, calls_per_day, days };
            load_test(&url, centre, batch as usize, to)
        }
    }
}

/// A connection to `url` (the password from the environment), trusting `ca` too.
fn connect_url(url: &str, ca: &CaArg) -> Result<postgres::Client, TeamError> {
    let config = db::config(url, password(None)?.as_deref())?;
    db::connect(&config, ca.ca_file.as_deref())
}

/// The database a lead's command reads: `--url` with its `--ca-file`, or the settings'.
struct Database {
    url: Option<String>,
    ca: CaArg,
}

impl Database {
    /// Connects; the settings are only read (their notices only said) without `--url`.
    fn connect(self, settings: impl FnOnce() -> Settings) -> Result<postgres::Client> {
        Ok(match self.url {
            Some(url) => connect_url(&url, &self.ca)?,
            None => team_config(&settings(), &self.ca)?.connect()?,
        })
    }
}

/// The settings' team section resolved; a `--ca-file` given wins over its `ca_file`.
fn team_config(settings: &Settings, ca: &CaArg) -> Result<TeamConfig> {
    let section = settings
        .team
        .as_ref()
        .ok_or_else(|| TeamError::NotConfigured { settings: settings::default_path() })?;
    let mut config = TeamConfig::resolve(section)?;
    if let Some(path) = &ca.ca_file {
        config.settings.ca_file = Some(path.clone());
    }
    Ok(config)
}

fn init(admin_url: &str, ca: &CaArg) -> Result<()> {
    let mut client = connect_url(admin_url, ca)?;
    let applied = migrate::run(&mut client)?;
    if applied.applied.is_empty() {
        outln!("team schema up to date ({} migrations already applied)", applied.already)?;
    } else {
        outln!("applied {}", applied.applied.join(", "))?;
    }
    Ok(())
}

fn sync_once(batch: usize, ca: &CaArg) -> Result<()> {
    let settings = super::load_settings();
    let config = team_config(&settings, ca)?;
    let root = store::default_root();
    speech_coach::session::repair::close_interrupted_at_start(&root);
    let waiting = queue::count_waiting(&root, &config.destination)?;
    let still = |e: TeamError| {
        let left = queue::count_waiting(&root, &config.destination).unwrap_or(waiting);
        anyhow::anyhow!("{e}; {left} calls wait in the local store and go at the next sync")
    };
    let mut client = config.connect().map_err(still)?;
    let bar = (waiting > batch).then(|| {
        let bar = indicatif::ProgressBar::new(waiting as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {pos}/{len} calls  eta {eta}",
            )
            .expect("static template")
            .progress_chars("=> "),
        );
        bar.set_message("sending");
        bar
    });
    // The upload runs on a thread of its own, watched: each batch must be answered within
    // the exchange limit, or the command ends with one line (a server that stops answering
    // mid-sync must not hang it; the thread goes with the process).
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let (config, root, baseline) = (config.clone(), root.clone(), settings.baseline);
        let progress = tx.clone();
        std::thread::spawn(move || {
            let sent =
                upload::send_waiting(&mut client, &config, &root, baseline, batch, |n, _| {
                    let _ = progress.send(Ok(n));
                });
            let _ = tx.send(Err(sent));
        });
    }
    let sent = loop {
        match rx.recv_timeout(db::EXCHANGE_LIMIT) {
            Ok(Ok(done)) => {
                if let Some(bar) = &bar {
                    bar.set_position(done as u64);
                }
            }
            Ok(Err(sent)) => break sent,
            Err(_) => {
                let target = db::target(&config.db);
                let reason = format!("no answer within {} s", db::EXCHANGE_LIMIT.as_secs());
                break Err(TeamError::Unreachable { target, reason });
            }
        }
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let sent = sent.map_err(still)?;
    let aside = queue::set_aside(&root, &config.destination)?;
    let damaged = queue::damaged(&root)?;
    let mut notes = String::new();
    if !aside.is_empty() {
        notes.push_str(&format!("; {} set aside", aside.len()));
    }
    if !damaged.is_empty() {
        notes.push_str(&format!("; {} damaged", damaged.len()));
    }
    outln!("sent {} calls to {}; {} waiting{notes}", sent.sent, config.destination, sent.waiting)?;
    // Each call set aside once per run, with the reason (text from the store or the
    // database: shown through `terminal::clean`), and how to send it again.
    for call in &aside {
        outln!(
            "set aside: {}: {} (delete {} to send it again)",
            super::terminal::clean(&call.id),
            super::terminal::clean(&call.reason),
            super::terminal::clean(&call.dir.join(queue::REFUSED).display().to_string()),
        )?;
    }
    // A session.json that cannot be read is no call to send; said once a run, as
    // `sessions` lists it, so a damaged call is not silently never sent.
    for session in &damaged {
        outln!(
            "damaged, not sent: {}: {}",
            super::terminal::clean(&session.id),
            super::terminal::clean(&session.reason)
        )?;
    }
    Ok(())
}

fn watch(seconds: Option<f64>, ca: &CaArg) -> Result<()> {
    let settings = super::load_settings();
    let config = team_config(&settings, ca)?;
    let destination = config.destination.clone();
    speech_coach::session::repair::close_interrupted_at_start(&store::default_root());
    let mut link = TeamLink::start(config, store::default_root(), settings.baseline);
    let stop = super::interrupted_flag("the watch");
    let started = Instant::now();
    let (mut last_sent, mut last_error) = (0, None::<String>);
    // A reader that closed our output (`| head -3`), or any failed write, ends the watch.
    let mut closed = outln!("{}", json!({"event": "started", "destination": destination})).is_err();
    while !closed
        && !stop.load(Ordering::Relaxed)
        && seconds.is_none_or(|s| started.elapsed().as_secs_f64() < s)
    {
        let mut lines = Vec::new();
        if let Some(change) = link.profile_change() {
            let (targets, notices) = match &change {
                Some(p) => p.apply(settings.targets),
                None => (settings.targets, Vec::new()),
            };
            for n in notices {
                speech_coach::errln!("speech-coach: {n}");
            }
            let updated_at = change.as_ref().map(|p| p.updated_at.clone());
            lines.push(json!({"event": "profile", "updated_at": updated_at, "targets": targets}));
        }
        let status = link.status();
        if status.sent != last_sent {
            last_sent = status.sent;
            lines.push(json!({"event": "sent", "sent": status.sent, "waiting": status.waiting,
                "set_aside": status.set_aside}));
        }
        if status.last_error != last_error {
            last_error = status.last_error.clone();
            if let Some(e) = &last_error {
                lines.push(json!({"event": "error", "message": e, "waiting": status.waiting}));
            }
        }
        closed = lines.iter().any(|line| outln!("{line}").is_err());
        std::thread::sleep(Duration::from_millis(100));
    }
    link.stop();
    Ok(())
}

fn profile_cmd(team: &str, set: Option<PathBuf>, database: Database) -> Result<()> {
    let mut client = database.connect(super::load_settings)?;
    if let Some(path) = set {
        let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
        let value: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
        let candidate =
            profile::Profile { team: team.into(), updated_at: String::new(), targets: value };
        let (targets, notices) = candidate.apply(Targets::default());
        if !notices.is_empty() {
            bail!("{}: {}", path.display(), notices.join("; "));
        }
        profile::store(&mut client, team, &targets)?;
    }
    match profile::fetch(&mut client, team)? {
        Some(p) => outln!(
            "{}",
            serde_json::to_string_pretty(
                &json!({"team": p.team, "updated_at": p.updated_at, "targets": p.targets})
            )?
        )?,
        None => outln!("team {team} has no profile (the training defaults apply)")?,
    }
    Ok(())
}

fn report_cmd(
    team: &str,
    days: u32,
    to: Option<String>,
    html: Option<PathBuf>,
    json_out: bool,
    lang: Option<Lang>,
    database: Database,
) -> Result<()> {
    let settings = super::load_settings();
    let mut client = database.connect(|| settings.clone())?;
    let to = to.unwrap_or_else(|| when::local_date(now_unix()));
    let started = Instant::now();
    let r = report::build(&mut client, team, days, &to)?;
    let query_ms = started.elapsed().as_secs_f64() * 1000.0;
    if r.agents.is_empty() {
        // A mistyped team, or one this login may not read, looks exactly like this.
        bail!(
            "team \"{}\": no calls from {} to {} (a team of that name has sent none, or this login may not read it)",
            clean(&r.team),
            r.from,
            r.to
        );
    }
    let lang = lang.unwrap_or_else(|| settings.ui_lang.into());
    if let Some(path) = &html {
        let page = speech_coach::report::team::render(&r, lang);
        std::fs::write(path, page).with_context(|| format!("{}: cannot write", path.display()))?;
    }
    if json_out {
        let mut value = serde_json::to_value(&r)?;
        value["query_ms"] = json!(query_ms);
        outln!("{}", serde_json::to_string(&value)?)?;
    } else {
        let t = speech_coach::report::team::words::team_words(lang);
        let counted = speech_coach::words::counted;
        outln!(
            "{}",
            fill(
                t.terminal_header,
                &[
                    ("team", &clean(&r.team)),
                    ("agents", &r.agents.len().to_string()),
                    ("agents_noun", counted(t.agent_nouns, r.agents.len() as i64)),
                    ("calls", &r.team_period.calls.to_string()),
                    ("calls_noun", counted(t.call_nouns, r.team_period.calls)),
                    ("from", &r.from),
                    ("to", &r.to),
                    ("ms", &format!("{query_ms:.0}")),
                ],
            )
        )?;
        const LISTED: usize = 10;
        // Agent names come from the database: made safe for a terminal first.
        // Cut to a column's width too: a name has no length limit in the database.
        let names: Vec<String> = r
            .agents
            .iter()
            .take(LISTED)
            .map(|a| shorten(&clean(&a.agent), NAME_COLUMNS).into_owned())
            .collect();
        let width = names.iter().map(|n| table::width(n)).max().unwrap_or(0);
        for (a, name) in r.agents.iter().zip(&names) {
            let agent = pad_right(name, width);
            let calls = format!("{:>6}", a.period.calls);
            let off = format!("{:.2}", a.distance.total);
            outln!(
                "{}",
                fill(
                    t.terminal_agent,
                    &[
                        ("agent", &agent),
                        ("calls", &calls),
                        ("calls_noun", counted(t.call_nouns, a.period.calls)),
                        ("off", &off),
                    ]
                )
            )?;
        }
        if r.agents.len() > LISTED {
            let n = (r.agents.len() - LISTED).to_string();
            outln!("{}", fill(t.terminal_more, &[("n", &n)]))?;
        }
        if let Some(path) = &html {
            let path = path.display().to_string();
            outln!("{}", fill(t.terminal_wrote, &[("path", &path)]))?;
        }
    }
    Ok(())
}

fn now_unix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn load_test(url: &str, centre: load::Centre, batch: usize, to: Option<String>) -> Result<()> {
    let mut client = connect_url(url, &CaArg { ca_file: None })?;
    let to = to.unwrap_or_else(|| {
        chrono::DateTime::from_timestamp(now_unix() as i64, 0)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    });
    let last_day = chrono::NaiveDate::parse_from_str(&to, "%Y-%m-%d")
        .with_context(|| format!("{to:?} is not a date (YYYY-MM-DD)"))?
        .signed_duration_since(chrono::NaiveDate::default())
        .num_days();
    let total = centre.total();
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {pos}/{len}  {per_sec}  eta {eta}",
        )
        .expect("static template")
        .progress_chars("=> "),
    );
    bar.set_message("upserting");
    let started = Instant::now();
    let mut n = 0u64;
    while n < total {
        let end = (n + batch.max(1) as u64).min(total);
        let rows: Vec<_> = (n..end).map(|i| load::call(&centre, i, last_day)).collect();
        upload::upsert(&mut client, &rows)?;
        n = end;
        bar.set_position(n);
    }
    bar.finish_and_clear();
    let insert_s = started.elapsed().as_secs_f64();
    // The owner sent every row, so each carries the owner's login; the team report keys
    // agents by login, so each made-up agent becomes its own login, as in a real centre.
    // Not in the sync rate: agents' own logins need no such step.
    client
        .execute(
            "UPDATE speech_coach.summaries SET login = agent::name \
             WHERE login = session_user AND agent ~ '^agent-[0-9]{3}$'",
            &[],
        )
        .map_err(TeamError::from_db)?;
    // That update left a dead copy of every row: compacted, so the table's size and the
    // report's time are those of a table the agents filled themselves.
    client.batch_execute("VACUUM FULL speech_coach.summaries").map_err(TeamError::from_db)?;
    client.batch_execute("ANALYZE speech_coach.summaries").map_err(TeamError::from_db)?;
    // The report for one team and the whole period: the first run (cold plan) and the
    // best of three more.
    let team = centre.team_of(0);
    let mut times = Vec::new();
    let mut calls = 0;
    for _ in 0..4 {
        let t = Instant::now();
        let r = report::build(&mut client, &team, centre.days, &to)?;
        times.push(t.elapsed().as_secs_f64());
        calls = r.team_period.calls;
    }
    let row = client
        .query_one(
            "SELECT pg_total_relation_size('speech_coach.summaries'), count(*) FROM speech_coach.summaries",
            &[],
        )
        .map_err(TeamError::from_db)?;
    let (bytes, rows): (i64, i64) = (row.get(0), row.get(1));
    let best = times[1..].iter().copied().fold(f64::INFINITY, f64::min);
    outln!(
        "{}",
        serde_json::to_string_pretty(&json!({
            "summaries_sent": total,
            "insert_s": insert_s,
            "summaries_per_s": total as f64 / insert_s,
            "rows_in_table": rows,
            "report_team": team,
            "report_team_calls": calls,
            "report_first_s": times[0],
            "report_best_s": best,
            "table_bytes_total": bytes,
            "mb_per_100k_calls": bytes as f64 / rows.max(1) as f64 * 100_000.0 / 1e6,
        }))?
    )?;
    Ok(())
}
