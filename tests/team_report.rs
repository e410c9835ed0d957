//! The team report against a real PostgreSQL: synthetic calls through the same upsert as
//! real ones (`team load-test`, small), then `team report` as JSON (agents furthest from
//! the targets first, every day of the period) and as HTML that a headless browser loads
//! and draws, in both languages.
// Needs Linux tools (Debian's PostgreSQL server and headless Chromium), which a Windows build
// under Wine cannot start: on Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use std::path::Path;
use std::process::Command;

use common::pg::Postgres;
use common::{binary, scratch};

fn out_text(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Counts what the browser drew: figures, lines with a real size, table rows.
const PROBE: &str = r#"<script>
window.addEventListener('load', () => {
  const lines = [...document.querySelectorAll('polyline')].filter(l => { const b = l.getBBox(); return b.width > 0; });
  const pre = document.createElement('pre');
  pre.id = 'drawn';
  pre.textContent = JSON.stringify({figures: document.querySelectorAll('figure svg').length,
    lines: lines.length, rows: document.querySelectorAll('table.agents tr').length,
    legends: [...document.querySelectorAll('figure p.legend')].map(p => p.textContent),
    width: document.body.scrollWidth, title: document.title});
  document.body.appendChild(pre);
});
</script>"#;

fn drawn_in_browser(page: &Path, work: &Path) -> serde_json::Value {
    let probe = work.join(format!("probe-{}", page.file_name().unwrap().to_string_lossy()));
    let html = std::fs::read_to_string(page).unwrap();
    std::fs::write(&probe, html.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let profile = work.join(format!("chromium-{}", page.file_name().unwrap().to_string_lossy()));
    let out = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"])
        .args(["--disable-background-networking", "--disable-component-update"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--virtual-time-budget=5000")
        .arg("--dump-dom")
        .arg(format!("file://{}", probe.display()))
        .output()
        .expect("cannot run chromium (make test installs it: apt-get install chromium)");
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find(r#"<pre id="drawn">"#).unwrap_or_else(|| {
        panic!("the page never loaded: {}", String::from_utf8_lossy(&out.stderr))
    });
    let rest = &dom[start + r#"<pre id="drawn">"#.len()..];
    serde_json::from_str(&rest[..rest.find("</pre>").unwrap()].replace("&quot;", "\"")).unwrap()
}

#[test]
fn the_team_report_ranks_agents_by_distance_and_its_page_draws_in_a_browser() {
    let pg = Postgres::start("report");
    let work = scratch("team-report");
    let init = binary().args(["team", "init", "--admin-url", &pg.admin_url()]).output().unwrap();
    assert!(init.status.success(), "{}", out_text(&init));
    // 40 agents in 2 teams, 12 calls a day for 10 days, the last day fixed.
    let load = binary()
        .args(["team", "load-test", "--url", &pg.admin_url(), "--agents", "40", "--teams", "2"])
        .args(["--calls-per-day", "12", "--days", "10", "--batch", "100", "--to", "2026-11-20"])
        .output()
        .unwrap();
    assert!(load.status.success(), "{}", out_text(&load));
    let figures: serde_json::Value = serde_json::from_slice(&load.stdout).unwrap();
    assert_eq!(figures["rows_in_table"], 40 * 12 * 10);
    // A lead of team-01 reads its team's report with their own login.
    pg.add_login("lena", "lena-pw", "speech_coach_lead", "team-01");
    let lead_url = pg.url("lena");
    let report = |extra: &[&str]| {
        let out = binary()
            .args(["team", "report", "--team", "team-01", "--url", &lead_url, "--to", "2026-11-20"])
            .args(extra)
            .env("SPEECH_COACH_DB_PASSWORD", "lena-pw")
            .env("SPEECH_COACH_CONFIG_DIR", work.join("config"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", out_text(&out));
        out
    };
    let json: serde_json::Value =
        serde_json::from_slice(&report(&["--days", "14", "--json"]).stdout).unwrap();
    let agents = json["agents"].as_array().unwrap();
    assert_eq!(agents.len(), 20, "team-01 holds every other agent");
    assert_eq!(json["days"].as_array().unwrap().len(), 14);
    assert_eq!(json["team_period"]["calls"], 20 * 12 * 10);
    assert_eq!(json["team_days"].as_array().unwrap().len(), 10, "days with calls");
    let distances: Vec<f64> =
        agents.iter().map(|a| a["distance"]["total"].as_f64().unwrap()).collect();
    assert!(distances.windows(2).all(|w| w[0] >= w[1]), "furthest first: {distances:?}");
    assert!(distances[0] > 0.0 && distances[19] < distances[0], "{distances:?}");
    // The load makes some agents fast (about 195 chars/min) and some tiring: both show.
    let fastest =
        agents.iter().filter_map(|a| a["period"]["pace_per_min"].as_f64()).fold(0.0, f64::max);
    assert!(fastest > 180.0, "{fastest}");
    let all_paces_on_target = agents.iter().all(|a| a["distance"]["pace"].as_f64() == Some(0.0));
    assert!(!all_paces_on_target);
    // The terminal's list speaks the report's language and says what it left out.
    for (lang, header, more) in
        [("zh", "20 位坐席", "另有 10 位"), ("en", "20 agents", "and 10 more")]
    {
        let out = report(&["--lang", lang]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(header) && text.contains(more), "{lang}: {text}");
        assert_eq!(text.lines().count(), 1 + 10 + 1, "{lang}: {text}");
    }
    // A lead of team-01 sees nothing of team-02: said in one line, exit 1, as for a
    // mistyped team.
    let other = binary()
        .args(["team", "report", "--team", "team-02", "--url", &lead_url, "--json"])
        .args(["--to", "2026-11-20"])
        .env("SPEECH_COACH_DB_PASSWORD", "lena-pw")
        .env("SPEECH_COACH_CONFIG_DIR", work.join("config"))
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(1), "{}", out_text(&other));
    assert!(other.stdout.is_empty(), "{}", out_text(&other));
    let said = String::from_utf8_lossy(&other.stderr);
    assert!(said.contains("team-02") && said.contains("may not read it"), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "{said}");

    for lang in ["zh", "en"] {
        let page = work.join(format!("team-{lang}.html"));
        report(&["--days", "14", "--html", page.to_str().unwrap(), "--lang", lang]);
        let drawn = drawn_in_browser(&page, &work);
        assert_eq!(drawn["figures"], 8, "{lang}: {drawn}");
        // Every agent and the team draw a line in seven plots; the tiring plot has the
        // team's count of tiring agents alone.
        assert!(drawn["lines"].as_u64().unwrap() > 7 * 21, "{lang}: {drawn}");
        // Each plot names its coloured lines: the pace plot the fastest agents, who are the
        // ones off its target.
        let legends: Vec<&str> =
            drawn["legends"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
        assert_eq!(legends.len(), 8, "{lang}: {legends:?}");
        let fast: Vec<&str> = agents
            .iter()
            .filter(|a| a["period"]["pace_per_min"].as_f64().is_some_and(|p| p > 180.0))
            .map(|a| a["agent"].as_str().unwrap())
            .collect();
        assert!(!fast.is_empty());
        let pace_legend = legends[0];
        let named = fast.iter().filter(|a| pace_legend.contains(*a)).count();
        assert_eq!(named, fast.len().min(3), "{pace_legend} / {fast:?}");
        assert_eq!(drawn["rows"], 1 + 20 + 1, "{lang}: {drawn}");
        let title = drawn["title"].as_str().unwrap();
        assert!(title.contains(if lang == "zh" { "团队报告" } else { "Team report" }), "{title}");
    }
}

/// Issue 22 S4: an agent name of 65,536 characters crashed `team report` (a panic,
/// "Formatting argument out of range"). The settings refuse such a name now, but the
/// database holds what any client sent: the terminal's list cuts it to its column, and
/// shows its escape codes rather than obeying them.
#[test]
fn an_agent_name_of_65536_characters_is_cut_to_its_column_not_a_crash() {
    let pg = Postgres::start("report-long-name");
    let work = scratch("team-report-long-name");
    let init = binary().args(["team", "init", "--admin-url", &pg.admin_url()]).output().unwrap();
    assert!(init.status.success(), "{}", out_text(&init));
    let load = binary()
        .args(["team", "load-test", "--url", &pg.admin_url(), "--agents", "3", "--teams", "1"])
        .args(["--calls-per-day", "2", "--days", "2", "--batch", "100", "--to", "2026-11-20"])
        .output()
        .unwrap();
    assert!(load.status.success(), "{}", out_text(&load));
    let name = format!("{}\x1b[2J", "名".repeat(65_536));
    let renamed = pg
        .admin()
        .execute("UPDATE speech_coach.summaries SET agent = $1 WHERE agent = 'agent-001'", &[&name])
        .unwrap();
    assert_eq!(renamed, 4);
    pg.add_login("lena", "lena-pw", "speech_coach_lead", "team-01");
    for lang in ["zh", "en"] {
        let out = binary()
            .args(["team", "report", "--team", "team-01", "--url", &pg.url("lena")])
            .args(["--to", "2026-11-20", "--lang", lang])
            .env("SPEECH_COACH_DB_PASSWORD", "lena-pw")
            .env("SPEECH_COACH_CONFIG_DIR", work.join("config"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{lang}: {}", out_text(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text.lines().count(), 1 + 3, "{lang}: {text}");
        assert!(text.contains("名名名名") && text.contains('…'), "{lang}: {text}");
        assert!(!text.contains('\x1b'), "{lang}: {text}");
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest < 200, "{lang}: a line of {widest} characters");
    }
}
