//! Team sync against a real PostgreSQL (tests/common/pg.rs): a call syncs once however
//! often it is sent; killing the database mid-sync loses and duplicates nothing; the
//! agent role cannot read other agents' rows or write profiles; a profile change reaches a
//! running sync loop; and every bad input is one line and a non-zero exit.
// Needs Linux tools (Debian's PostgreSQL server and signals (kill)), which a Windows build
// under Wine cannot start: on Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::pg::Postgres;
use common::{binary, scratch};
use speech_coach::analysis::Summary;
use speech_coach::session::store::{SessionKind, SessionMeta};

/// One agent's PC: its settings folder and its session store.
struct Pc {
    config: PathBuf,
    data: PathBuf,
    password: String,
}

impl Pc {
    fn new(name: &str, url: &str, team: &str, agent: &str, password: &str) -> Self {
        let dir = scratch(&format!("team-{name}"));
        let pc =
            Pc { config: dir.join("config"), data: dir.join("data"), password: password.into() };
        std::fs::create_dir_all(&pc.config).unwrap();
        let settings = serde_json::json!({
            "team": {"url": url, "team": team, "agent": agent, "profile_poll_s": 0.5}
        });
        std::fs::write(pc.config.join("settings.json"), settings.to_string()).unwrap();
        pc
    }

    fn sessions(&self) -> PathBuf {
        self.data.join("sessions")
    }

    /// `n` finished calls, stored as the app stores them (session.json), ids from `first`.
    fn add_calls(&self, first: u64, n: u64) -> Vec<SessionMeta> {
        (first..first + n).map(|id| store_call(&self.sessions(), id, SessionKind::Call)).collect()
    }

    fn team(&self, args: &[&str]) -> Command {
        let mut cmd = binary();
        cmd.arg("team")
            .args(args)
            .env("SPEECH_COACH_CONFIG_DIR", &self.config)
            .env("SPEECH_COACH_DATA_DIR", &self.data)
            .env_remove("RUST_LOG");
        match self.password.as_str() {
            "" => cmd.env_remove("SPEECH_COACH_DB_PASSWORD"),
            password => cmd.env("SPEECH_COACH_DB_PASSWORD", password),
        };
        cmd
    }

    fn sync(&self) -> std::process::Output {
        self.team(&["sync"]).output().unwrap()
    }

    fn markers(&self) -> usize {
        std::fs::read_dir(self.sessions())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().join("team-sync.json").exists())
            .count()
    }
}

fn store_call(root: &Path, id: u64, kind: SessionKind) -> SessionMeta {
    let summary = Summary {
        duration_s: 120.0,
        speech_s: 60.0 + (id % 7) as f64,
        turn_s: 80.0,
        chars_per_min: Some(140.0 + (id % 50) as f32),
        pitch_spread_st: Some(6.0),
        ..Summary::empty()
    };
    let meta: SessionMeta = serde_json::from_value(serde_json::json!({
        "id": id.to_string(), "started_unix_s": id, "ended_unix_s": id + 120, "source": "mic",
        "kind": kind, "lang": "zh", "recording": false, "summary": summary, "cues": [],
        "uuid": uuid::Uuid::new_v4()
    }))
    .unwrap();
    let dir = root.join(id.to_string());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("session.json"), serde_json::to_string(&meta).unwrap()).unwrap();
    meta
}

fn text(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A cluster with the team schema and logins: alice and bob (agents, north), dave
/// (agent, south), carol (lead, north).
fn centre(name: &str) -> Postgres {
    let pg = Postgres::start(name);
    let init = binary().args(["team", "init", "--admin-url", &pg.admin_url()]).output().unwrap();
    assert!(init.status.success(), "{}", text(&init));
    for (login, role, team) in [
        ("alice", "speech_coach_agent", "north"),
        ("bob", "speech_coach_agent", "north"),
        ("dave", "speech_coach_agent", "south"),
        ("carol", "speech_coach_lead", "north"),
    ] {
        pg.add_login(login, &format!("{login}-pw"), role, team);
    }
    pg
}

/// `team report --team north --url URL` with `password`, in a settings folder of its own.
fn team_report(name: &str, url: &str, password: &str) -> Command {
    let mut cmd = binary();
    cmd.args(["team", "report", "--team", "north", "--url", url])
        .env("SPEECH_COACH_DB_PASSWORD", password)
        .env("SPEECH_COACH_CONFIG_DIR", scratch(name));
    cmd
}

fn count(pg: &Postgres, sql: &str) -> i64 {
    pg.admin().query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn a_finished_call_syncs_once_and_a_retry_or_a_second_init_adds_nothing() {
    let pg = centre("once");
    let pc = Pc::new("once", &pg.url("alice"), "north", "Alice", "alice-pw");
    let calls = pc.add_calls(1_764_000_000, 1);
    // A demo run and a rehearsal never leave the PC.
    store_call(&pc.sessions(), 1_764_000_500, SessionKind::Demo);
    store_call(&pc.sessions(), 1_764_000_600, SessionKind::Rehearsal);
    let out = pc.sync();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("sent 1 calls"), "{}", text(&out));
    let row = pg
        .admin()
        .query_one(
            "SELECT uuid::text, team, agent, login::text, pace_per_min, day::text, heard_caller \
             FROM speech_coach.summaries",
            &[],
        )
        .unwrap();
    let uuid: String = row.get(0);
    assert_eq!(uuid, calls[0].uuid.unwrap().to_string());
    assert_eq!(
        (row.get::<_, String>(1), row.get::<_, String>(2)),
        ("north".into(), "Alice".into())
    );
    assert_eq!(row.get::<_, String>(3), "alice");
    assert_eq!(row.get::<_, Option<f32>>(4), calls[0].summary.as_ref().unwrap().chars_per_min);
    assert_eq!(row.get::<_, String>(5), speech_coach::session::when::local_date(1_764_000_000));
    // Sent again after the marker is lost (a crash before it was written): same row.
    std::fs::remove_file(pc.sessions().join("1764000000/team-sync.json")).unwrap();
    let out = pc.sync();
    assert!(out.status.success() && text(&out).contains("sent 1 calls"), "{}", text(&out));
    let out = pc.sync();
    assert!(text(&out).contains("sent 0 calls"), "{}", text(&out));
    assert_eq!(count(&pg, "SELECT count(*) FROM speech_coach.summaries"), 1);
    let init = binary().args(["team", "init", "--admin-url", &pg.admin_url()]).output().unwrap();
    assert!(init.status.success() && text(&init).contains("up to date"), "{}", text(&init));
    let migrations = speech_coach::team::migrate::MIGRATIONS.len() as i64;
    assert_eq!(count(&pg, "SELECT count(*) FROM speech_coach.schema_migrations"), migrations);
}

#[test]
fn an_old_session_without_a_uuid_gets_one_once_and_keeps_it_across_retries() {
    let pg = centre("old");
    let pc = Pc::new("old", &pg.url("alice"), "north", "Alice", "alice-pw");
    pc.add_calls(1_764_000_000, 1);
    let path = pc.sessions().join("1764000000/session.json");
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    json.as_object_mut().unwrap().remove("uuid");
    std::fs::write(&path, json.to_string()).unwrap();
    assert!(pc.sync().status.success());
    let written = speech_coach::session::store::load_meta(path.parent().unwrap()).unwrap().uuid;
    std::fs::remove_file(pc.sessions().join("1764000000/team-sync.json")).unwrap();
    assert!(pc.sync().status.success());
    let in_db: String =
        pg.admin().query_one("SELECT uuid::text FROM speech_coach.summaries", &[]).unwrap().get(0);
    assert_eq!(Some(in_db), written.map(|u| u.to_string()));
    assert_eq!(count(&pg, "SELECT count(*) FROM speech_coach.summaries"), 1);
}

#[test]
fn bad_urls_wrong_passwords_dead_servers_and_missing_tables_are_one_line_and_keep_calls_waiting() {
    let pg = Postgres::start("bad");
    let closed = format!("postgresql://alice@127.0.0.1:{}/postgres", {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    });
    let cases = [
        ("unreachable", closed.as_str(), "alice-pw", "cannot reach the team database"),
        ("password", &pg.admin_url().replace("admin-pw@", "wrong@"), "wrong", "password"),
        ("no-tables", &pg.admin_url(), "admin-pw", "team init"),
        ("no-password", &pg.url("coach_admin"), "", "SPEECH_COACH_DB_PASSWORD"),
    ];
    for (name, url, password, says) in cases {
        let pc = Pc::new(&format!("bad-{name}"), url, "north", "Alice", password);
        pc.add_calls(1_764_000_000, 3);
        let out = pc.sync();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "{name}: {}", text(&out));
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: one line: {err}");
        assert!(err.contains(says), "{name}: {err}");
        assert!(err.contains("3 calls wait"), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert_eq!(pc.markers(), 0, "{name}");
    }
    // Settings that are not a usable team section: one line, nothing sent.
    let pc = Pc::new("bad-url", "mysql://x", "north", "Alice", "pw");
    let out = pc.sync();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("not configured"), "{err}");
    assert!(err.contains("team.url"), "the notice names the field: {err}");
    let init = binary()
        .args(["team", "init", "--admin-url", "postgresql://x@127.0.0.1:1/db"])
        .output()
        .unwrap();
    assert!(!init.status.success());
    assert_eq!(String::from_utf8_lossy(&init.stderr).trim_end().lines().count(), 1);
}

#[test]
fn killing_the_database_mid_sync_loses_and_duplicates_nothing() {
    let pg = centre("kill");
    let pc = Pc::new("kill", &pg.url("alice"), "north", "Alice", "alice-pw");
    let calls = pc.add_calls(1_700_000_000, 3000);
    // Small batches, so the kill lands between and inside statements.
    let child = pc
        .team(&["sync", "--batch", "20"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut admin = pg.admin();
    loop {
        let n: i64 =
            admin.query_one("SELECT count(*) FROM speech_coach.summaries", &[]).unwrap().get(0);
        if n >= 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the sync never got going");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(admin);
    pg.kill();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "the sync should have lost its database: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let marked = pc.markers();
    assert!(marked > 0 && marked < 3000, "killed mid-way: {marked} marked");
    pg.start_server();
    // Every marked call is in the database (a marker is written only after the commit).
    let committed = count(&pg, "SELECT count(*) FROM speech_coach.summaries") as usize;
    assert!(committed >= marked, "{committed} rows, {marked} marked");
    let out = pc.sync();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(pc.markers(), 3000);
    assert_eq!(count(&pg, "SELECT count(*) FROM speech_coach.summaries"), 3000);
    assert_eq!(count(&pg, "SELECT count(DISTINCT uuid) FROM speech_coach.summaries"), 3000);
    let in_db: std::collections::HashSet<String> = pg
        .admin()
        .query("SELECT uuid::text FROM speech_coach.summaries", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for c in &calls {
        assert!(in_db.contains(&c.uuid.unwrap().to_string()), "{} lost", c.id);
    }
}

fn refused(r: Result<u64, postgres::Error>) -> String {
    let e = r.expect_err("the database should refuse");
    e.as_db_error().map(|d| format!("{} {}", d.code().code(), d.message())).unwrap_or(e.to_string())
}

#[test]
fn the_agent_role_cannot_read_other_agents_rows_or_write_profiles() {
    let pg = centre("roles");
    let alice = Pc::new("roles-alice", &pg.url("alice"), "north", "Alice", "alice-pw");
    let bob = Pc::new("roles-bob", &pg.url("bob"), "north", "Bob", "bob-pw");
    let dave = Pc::new("roles-dave", &pg.url("dave"), "south", "Dave", "dave-pw");
    alice.add_calls(1_764_000_000, 2);
    let bobs = bob.add_calls(1_764_100_000, 3);
    dave.add_calls(1_764_200_000, 4);
    for pc in [&alice, &bob, &dave] {
        let out = pc.sync();
        assert!(out.status.success(), "{}", text(&out));
    }
    // An agent sending into a team that is not theirs is refused (and the calls wait).
    let stray = Pc::new("roles-stray", &pg.url("alice"), "south", "Alice", "alice-pw");
    stray.add_calls(1_764_300_000, 1);
    let out = stray.sync();
    assert!(!out.status.success() && text(&out).contains("row-level security"), "{}", text(&out));

    let mut a = pg.connect("alice", "alice-pw");
    let seen: i64 = a.query_one("SELECT count(*) FROM speech_coach.summaries", &[]).unwrap().get(0);
    assert_eq!(seen, 2, "alice sees her own rows only");
    let others: i64 = a
        .query_one("SELECT count(*) FROM speech_coach.summaries WHERE login <> 'alice'", &[])
        .unwrap()
        .get(0);
    assert_eq!(others, 0);
    let bob_uuid = bobs[0].uuid.unwrap().to_string();
    let changed = a
        .execute(
            "UPDATE speech_coach.summaries SET agent = 'x' WHERE uuid = $1::text::uuid",
            &[&bob_uuid],
        )
        .unwrap();
    assert_eq!(changed, 0, "bob's row is invisible to alice's UPDATE");
    // Re-using bob's UUID in an upsert cannot take his row over.
    let hijack = a.execute(
        "INSERT INTO speech_coach.summaries (uuid, team, agent, session_id, started_at, day, lang, \
         duration_s, speech_s, turn_s, pauses, longest_pause_s, clipped_samples, heard_caller, cues_total) \
         VALUES ($1::text::uuid, 'north', 'Alice', '1', now(), current_date, 'zh', 1, 1, 1, 0, 0, 0, false, 0) \
         ON CONFLICT (uuid) DO UPDATE SET agent = EXCLUDED.agent",
        &[&bob_uuid],
    );
    assert!(refused(hijack).contains("row-level security"));
    let forged = a.execute(
        "INSERT INTO speech_coach.summaries (uuid, team, agent, login, session_id, started_at, day, lang, \
         duration_s, speech_s, turn_s, pauses, longest_pause_s, clipped_samples, heard_caller, cues_total) \
         VALUES (gen_random_uuid(), 'north', 'Bob', 'bob', '1', now(), current_date, 'zh', 1, 1, 1, 0, 0, 0, false, 0)",
        &[],
    );
    assert!(refused(forged).contains("row-level security"));
    for write in [
        "INSERT INTO speech_coach.profiles (team, targets) VALUES ('north', '{}')",
        "UPDATE speech_coach.profiles SET targets = '{}'",
        "DELETE FROM speech_coach.summaries",
        "SELECT count(*)::int8 FROM speech_coach.members",
    ] {
        let e = refused(a.execute(write, &[]));
        assert!(e.starts_with("42501"), "{write}: {e}");
    }
    let agent: String = bob_uuid.clone();
    assert_eq!(
        count(
            &pg,
            &format!(
                "SELECT count(*) FROM speech_coach.summaries WHERE uuid = '{agent}' AND agent = 'Bob'"
            )
        ),
        1
    );

    // The lead reads the whole of north and nothing of south, and sends nothing.
    let mut c = pg.connect("carol", "carol-pw");
    let north: i64 =
        c.query_one("SELECT count(*) FROM speech_coach.summaries", &[]).unwrap().get(0);
    assert_eq!(north, 5);
    let e = refused(c.execute("DELETE FROM speech_coach.summaries", &[]));
    assert!(e.starts_with("42501"), "{e}");
    c.execute("INSERT INTO speech_coach.profiles (team, targets) VALUES ('north', '{}')", &[])
        .unwrap();
    let e = refused(
        c.execute("INSERT INTO speech_coach.profiles (team, targets) VALUES ('south', '{}')", &[]),
    );
    assert!(e.contains("row-level security"), "{e}");
    // Agents read their own team's profile only.
    let mut d = pg.connect("dave", "dave-pw");
    let visible: i64 =
        d.query_one("SELECT count(*) FROM speech_coach.profiles", &[]).unwrap().get(0);
    assert_eq!(visible, 0, "dave (south) must not see north's profile");
    let visible: i64 =
        a.query_one("SELECT count(*) FROM speech_coach.profiles", &[]).unwrap().get(0);
    assert_eq!(visible, 1);
}

#[test]
fn a_profile_change_reaches_a_running_sync_loop_and_new_calls_follow() {
    let pg = centre("profile");
    let pc = Pc::new("profile", &pg.url("alice"), "north", "Alice", "alice-pw");
    let mut child = pc
        .team(&["sync", "--watch", "--seconds", "60"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<serde_json::Value>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str(&line) {
                let _ = tx.send(v);
            }
        }
    });
    let wait_for = |what: &dyn Fn(&serde_json::Value) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(v) = rx.recv_timeout(Duration::from_millis(200))
                && what(&v)
            {
                return v;
            }
        }
        panic!("the running sync loop never reported it");
    };
    // The first read: no profile yet, so the local (default) bands.
    let first = wait_for(&|v| v["event"] == "profile");
    assert_eq!(
        first["targets"]["pace_zh_chars_per_min"]["green"],
        serde_json::json!([130.0, 170.0])
    );
    // A lead hands out a slower pace band while the loop runs.
    let mut carol = pg.connect("carol", "carol-pw");
    carol
        .execute(
            "INSERT INTO speech_coach.profiles (team, targets) VALUES ('north', \
             '{\"pace_zh_chars_per_min\": {\"green\": [120, 150], \"amber\": [100, 180]}}')",
            &[],
        )
        .unwrap();
    let changed = wait_for(&|v| v["event"] == "profile" && !v["updated_at"].is_null());
    assert_eq!(
        changed["targets"]["pace_zh_chars_per_min"]["green"],
        serde_json::json!([120.0, 150.0])
    );
    // A band the profile leaves out stays local.
    assert_eq!(changed["targets"]["volume_relative_db"]["green"], serde_json::json!([-4.0, 4.0]));
    // And again: every change arrives, not only the first.
    carol
        .execute(
            "UPDATE speech_coach.profiles SET targets = \
             '{\"pace_zh_chars_per_min\": {\"green\": [125, 155], \"amber\": [100, 180]}}'",
            &[],
        )
        .unwrap();
    let again = wait_for(&|v| {
        v["event"] == "profile" && v["targets"]["pace_zh_chars_per_min"]["green"][0] == 125.0
    });
    assert_ne!(again["updated_at"], changed["updated_at"]);
    // A call finishing while the loop runs is sent without a restart (within SYNC_EVERY).
    pc.add_calls(1_764_000_000, 2);
    wait_for(&|v| v["event"] == "sent" && v["sent"] == 2);
    assert_eq!(count(&pg, "SELECT count(*) FROM speech_coach.summaries"), 2);
    let _ = child.kill();
    let _ = child.wait();

    // Started again with the database down: the team's last profile still applies.
    pg.kill();
    let out = pc.team(&["sync", "--watch", "--seconds", "3"]).output().unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let offline = lines.iter().find(|v| v["event"] == "profile").expect("the cached profile");
    assert_eq!(
        offline["targets"]["pace_zh_chars_per_min"]["green"],
        serde_json::json!([125.0, 155.0])
    );
    assert!(lines.iter().any(|v| v["event"] == "error"), "{lines:?}");
}

#[test]
fn a_lead_hands_out_a_profile_from_a_file_and_an_agent_or_a_bad_band_is_refused() {
    let pg = centre("profile-cli");
    let dir = scratch("team-profile-cli");
    let good = dir.join("good.json");
    std::fs::write(
        &good,
        r#"{"pace_zh_chars_per_min": {"green": [120, 150], "amber": [100, 180]}}"#,
    )
    .unwrap();
    let inverted = dir.join("inverted.json");
    std::fs::write(
        &inverted,
        r#"{"pace_zh_chars_per_min": {"green": [150, 120], "amber": [100, 180]}}"#,
    )
    .unwrap();
    let profile = |login: &str, file: &Path| {
        binary()
            .args(["team", "profile", "--team", "north", "--url", &pg.url(login), "--set"])
            .arg(file)
            .env("SPEECH_COACH_DB_PASSWORD", format!("{login}-pw"))
            .env("SPEECH_COACH_CONFIG_DIR", dir.join("config"))
            .output()
            .unwrap()
    };
    let out = profile("carol", &good);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("120"), "{}", text(&out));
    for (login, file, says) in
        [("alice", &good, "permission denied"), ("carol", &inverted, "out of order")]
    {
        let out = profile(login, file);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "{login}: {}", text(&out));
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(says), "{login}: {err}");
    }
    let stored: String = pg
        .admin()
        .query_one(
            "SELECT targets->'pace_zh_chars_per_min'->>'green' FROM speech_coach.profiles",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(stored, "[120.0, 150.0]");
}

/// Rewrites fields of a stored call's `session.json` (a damaged file, a cloned disk).
fn edit_call(root: &Path, id: u64, fields: serde_json::Value) {
    let path = root.join(id.to_string()).join("session.json");
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    json.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
    std::fs::write(&path, json.to_string()).unwrap();
}

#[test]
fn one_call_that_cannot_be_sent_is_set_aside_with_its_reason_and_every_other_call_is_sent() {
    // Issue 22 D3: one bad stored call (a UUID another agent had sent, from a disk cloned
    // from one image; a start of 2^64 − 1) failed every batch, so no call of the PC was
    // ever sent again.
    let pg = centre("aside");
    let bob = Pc::new("aside-bob", &pg.url("bob"), "north", "Bob", "bob-pw");
    let bobs = bob.add_calls(1_764_000_000, 1);
    assert!(bob.sync().status.success());
    let alice = Pc::new("aside-alice", &pg.url("alice"), "north", "Alice", "alice-pw");
    alice.add_calls(1_764_100_000, 3);
    // Bob's call on Alice's disk, under Bob's UUID (the image was made on Bob's PC).
    let cloned = 1_764_000_000;
    store_call(&alice.sessions(), cloned, SessionKind::Call);
    edit_call(&alice.sessions(), cloned, serde_json::json!({"uuid": bobs[0].uuid}));
    // A start past i64, with an end a minute after it.
    let huge = 1_764_200_000;
    store_call(&alice.sessions(), huge, SessionKind::Call);
    let start = u64::MAX - 1_000;
    edit_call(
        &alice.sessions(),
        huge,
        serde_json::json!({"started_unix_s": start, "ended_unix_s": start + 60}),
    );
    // A row the centre's database refuses on its own (a rule of the DBA's).
    let ruled = 1_764_300_000;
    store_call(&alice.sessions(), ruled, SessionKind::Call);
    pg.admin()
        .batch_execute(
            "ALTER TABLE speech_coach.summaries ADD CONSTRAINT dba_rule \
             CHECK (session_id <> '1764300000')",
        )
        .unwrap();

    let out = alice.sync();
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("sent 4 calls") && said.contains("0 waiting; 2 set aside"), "{said}");
    let aside: Vec<&str> = said.lines().filter(|l| l.starts_with("set aside: ")).collect();
    assert_eq!(aside.len(), 2, "{said}");
    assert!(aside[0].contains("1764200000") && aside[0].contains("started_unix_s"), "{said}");
    assert!(aside[1].contains("1764300000") && aside[1].contains("dba_rule"), "{said}");
    // The cloned call went under a fresh UUID, written into its session.json; Bob's row
    // is untouched.
    let fresh = speech_coach::session::store::load_meta(&alice.sessions().join("1764000000"))
        .unwrap()
        .uuid
        .unwrap();
    assert_ne!(Some(fresh), bobs[0].uuid);
    let login_of = |uuid: uuid::Uuid| -> String {
        let row = pg
            .admin()
            .query_one(
                "SELECT login::text FROM speech_coach.summaries WHERE uuid = $1::text::uuid",
                &[&uuid.to_string()],
            )
            .unwrap();
        row.get(0)
    };
    assert_eq!((login_of(fresh), login_of(bobs[0].uuid.unwrap())), ("alice".into(), "bob".into()));
    assert_eq!(count(&pg, "SELECT count(*) FROM speech_coach.summaries WHERE login = 'alice'"), 4);

    // Set aside means no retry for ever: the next sync sends nothing and lists them again.
    let out = alice.sync();
    assert!(
        text(&out).contains("sent 0 calls") && text(&out).contains("2 set aside"),
        "{}",
        text(&out)
    );
    // With the DBA's rule gone and its marker deleted, the call goes.
    pg.admin()
        .batch_execute("ALTER TABLE speech_coach.summaries DROP CONSTRAINT dba_rule")
        .unwrap();
    std::fs::remove_file(alice.sessions().join("1764300000/team-sync-refused.json")).unwrap();
    let out = alice.sync();
    assert!(
        text(&out).contains("sent 1 calls") && text(&out).contains("1 set aside"),
        "{}",
        text(&out)
    );
    assert_eq!(count(&pg, "SELECT count(*) FROM speech_coach.summaries"), 6);
}

#[test]
fn numbers_that_are_not_finite_or_absurd_are_refused_by_the_schema_and_never_reach_the_report() {
    // Issue 22 S3: an 'Infinity' level (sent from a session that held 1e300, or inserted
    // directly) blanked the team's period level and put its agent first as "off target inf".
    let pg = centre("finite");
    let alice = Pc::new("finite-alice", &pg.url("alice"), "north", "Alice", "alice-pw");
    alice.add_calls(1_764_000_000, 2);
    assert!(alice.sync().status.success());
    let mut a = pg.connect("alice", "alice-pw");
    let insert = |client: &mut postgres::Client, column: &str, value: &str| {
        client.execute(
            &format!(
                "INSERT INTO speech_coach.summaries (uuid, team, agent, session_id, started_at, \
                 ended_at, day, lang, duration_s, speech_s, turn_s, spread_floor_st, pauses, \
                 longest_pause_s, clipped_samples, heard_caller, cues_total, {column}) VALUES \
                 (gen_random_uuid(), 'north', 'Alice', '1', to_timestamp(1764000000), \
                 to_timestamp(1764000100), '2025-11-24', 'zh', 100, 50, 60, 5, 1, 1, 0, false, \
                 0, {value})"
            ),
            &[],
        )
    };
    for (column, value) in [
        ("level_active_dbfs", "'Infinity'"),
        ("level_active_dbfs", "'NaN'"),
        ("volume_relative_db", "'-Infinity'"),
        ("pace_per_min", "1e30"),
        ("pitch_median_hz", "1e30"),
        ("agent_talk_share", "2"),
        ("holds", "-1"),
        ("longest_hold_s", "'Infinity'"),
    ] {
        for (who, client) in [("alice", &mut a), ("owner", &mut pg.admin())] {
            let said = refused(insert(client, column, value));
            assert!(said.starts_with("23514"), "{who}: {column} = {value}: {said}");
        }
    }
    pg.add_login("lena", "lena-pw", "speech_coach_lead", "north");
    let out = binary()
        .args(["team", "report", "--team", "north", "--url", &pg.url("lena"), "--json"])
        .args(["--to", "2025-11-30"])
        .env("SPEECH_COACH_DB_PASSWORD", "lena-pw")
        .env("SPEECH_COACH_CONFIG_DIR", scratch("team-finite-report"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let report = String::from_utf8_lossy(&out.stdout);
    for never in ["inf", "NaN"] {
        assert!(!report.contains(never), "{never} in {report}");
    }
}

#[test]
fn who_wrote_a_profile_and_when_are_the_databases_on_insert_too() {
    // Issue 22 S6: the trigger ran on UPDATE only, so a lead inserting a team's first
    // profile could write any author and time.
    let pg = centre("forge");
    let mut carol = pg.connect("carol", "carol-pw");
    carol
        .execute(
            "INSERT INTO speech_coach.profiles (team, targets, updated_at, updated_by) \
             VALUES ('north', '{}', '2000-01-01', 'alice')",
            &[],
        )
        .unwrap();
    let row = carol
        .query_one(
            "SELECT updated_by::text, now() - updated_at < interval '1 minute' \
             FROM speech_coach.profiles WHERE team = 'north'",
            &[],
        )
        .unwrap();
    assert_eq!((row.get::<_, String>(0), row.get::<_, bool>(1)), ("carol".into(), true));
}

#[test]
fn a_server_that_accepts_and_never_answers_ends_sync_and_report_with_one_line_in_time() {
    // Issue 22 C3: no limit past the TCP connect, so `team sync` (and the window's sync
    // and profile threads) waited for ever on a server that took the connection and said
    // nothing.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        // Every connection accepted and held open, never a byte back.
        let held: Vec<_> = listener.incoming().map_while(Result::ok).collect();
        drop(held);
    });
    let url = format!("postgresql://alice@127.0.0.1:{port}/postgres");
    let pc = Pc::new("silent", &url, "north", "Alice", "alice-pw");
    pc.add_calls(1_764_000_000, 2);
    let bound = speech_coach::team::db::ANSWER_LIMIT + Duration::from_secs(10);
    let report = team_report("team-silent-report", &url, "alice-pw");
    for (what, mut cmd) in [("team sync", pc.team(&["sync"])), ("team report", report)] {
        let started = Instant::now();
        let out = common::output_within(&mut cmd, bound)
            .unwrap_or_else(|| panic!("{what} still waits after {bound:?}"));
        common::assert_clean_failure(&out, "no answer within 10 s");
        assert!(started.elapsed() >= speech_coach::team::db::ANSWER_LIMIT, "{what}");
    }
    let out = pc.sync();
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 calls wait"), "{}", text(&out));
    assert_eq!(pc.markers(), 0);
}

#[test]
fn a_call_killed_mid_way_is_closed_at_the_next_start_and_sent() {
    use common::vmic::{VirtualMic, feed, raw_pcm};
    let _real_time = common::real_time();
    let pg = centre("killed");
    let pc = Pc::new("killed", &pg.url("alice"), "north", "Alice", "alice-pw");
    let mic = VirtualMic::start("killed-call");
    let pcm = raw_pcm(&common::shared_data().join("zh/BAC009S0764W0121.wav"));
    let _feeder = feed(mic.fifo.clone(), pcm, true);
    let mut listen = mic
        .command()
        .args(["listen", "--record"])
        .env("SPEECH_COACH_CONFIG_DIR", &pc.config)
        .env("SPEECH_COACH_DATA_DIR", &pc.data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed (SIGKILL: no handler runs) 3 s into its call, with speech stored.
    let deadline = Instant::now() + Duration::from_secs(20);
    let dir = loop {
        let dirs: Vec<PathBuf> = std::fs::read_dir(pc.sessions())
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        if let Some(dir) = dirs.into_iter().next() {
            break dir;
        }
        assert!(listen.try_wait().unwrap().is_none(), "listen exited early");
        assert!(Instant::now() < deadline, "no session appeared");
        std::thread::sleep(Duration::from_millis(20));
    };
    std::thread::sleep(Duration::from_secs(3));
    listen.kill().unwrap();
    listen.wait().unwrap();
    let meta = || -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join("session.json")).unwrap()).unwrap()
    };
    assert!(meta()["ended_unix_s"].is_null(), "{}", meta());

    let out = pc.sync();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("closed 1 call(s) left open"), "{}", text(&out));
    assert!(text(&out).contains("sent 1 calls"), "{}", text(&out));
    let m = meta();
    assert_eq!(m["ended_by"], "interrupted", "{m}");
    let length = m["ended_unix_s"].as_u64().unwrap() - m["started_unix_s"].as_u64().unwrap();
    assert!((3..=6).contains(&length), "a call of about 3 s stored as {length} s");
    assert_eq!(count(&pg, "SELECT count(*) FROM speech_coach.summaries"), 1);
    // Its recording's header covers every whole sample in the file.
    let wav = speech_coach::audio::WavSource::open(&dir.join("audio.wav")).unwrap();
    let bytes = std::fs::metadata(dir.join("audio.wav")).unwrap().len();
    assert_eq!(58 + 4 * wav.frames_total(), bytes);
    // Closed once: the next sync neither closes nor sends it again.
    let out = pc.sync();
    assert!(!text(&out).contains("closed"), "{}", text(&out));
    assert!(text(&out).contains("sent 0 calls"), "{}", text(&out));
}

/// A server that answers every SSLRequest with "N" (no TLS) and, if a client goes on,
/// asks for its password in clear; each connection's bytes after the SSLRequest (what
/// such a server, or anyone on the path, reads) come out of the channel.
fn server_without_tls() -> (u16, std::sync::mpsc::Receiver<Vec<u8>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for mut peer in listener.incoming().map_while(Result::ok) {
            peer.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
            // SSLRequest: length 8, code 80877103.
            let mut request = [0u8; 8];
            if peer.read_exact(&mut request).is_err() || request != [0, 0, 0, 8, 4, 210, 22, 47] {
                continue;
            }
            peer.write_all(b"N").unwrap();
            let (mut after, mut buf, mut asked) = (Vec::new(), [0u8; 1024], false);
            while let Ok(n @ 1..) = peer.read(&mut buf) {
                after.extend_from_slice(&buf[..n]);
                if !asked {
                    // AuthenticationCleartextPassword: 'R', length 8, code 3.
                    let _ = peer.write_all(b"R\0\0\0\x08\0\0\0\x03");
                    asked = true;
                }
            }
            let _ = tx.send(after);
        }
    });
    (port, rx)
}

#[test]
fn a_server_that_declines_tls_never_gets_the_password_and_the_error_says_how_to_allow_it() {
    // Issue 22 S2: with the client's default `sslmode=prefer`, a server (or anyone on the
    // path) answering "no TLS" was sent the login and the password in clear.
    let (port, received) = server_without_tls();
    let url = format!("postgresql://alice@127.0.0.1:{port}/postgres");
    let pc = Pc::new("no-tls", &url, "north", "Alice", "alice-secret-pw");
    pc.add_calls(1_764_000_000, 2);
    let report = team_report("team-no-tls-report", &url, "alice-secret-pw");
    for (what, mut cmd) in [("team sync", pc.team(&["sync"])), ("team report", report)] {
        let out = common::output_within(&mut cmd, Duration::from_secs(20))
            .unwrap_or_else(|| panic!("{what} still waits"));
        common::assert_clean_failure(&out, "does not offer TLS");
        assert_eq!(out.status.code(), Some(1), "{what}");
        let line = String::from_utf8_lossy(&out.stderr);
        assert!(line.contains("add ?sslmode=disable to the URL"), "{what}: {line}");
        let after = received.recv_timeout(Duration::from_secs(5)).expect("one connection");
        assert!(after.is_empty(), "{what}: sent after the SSLRequest: {after:?}");
    }
    assert_eq!(pc.markers(), 0);

    // The control: `sslmode=prefer` in the URL is the user's choice, and then the same
    // server reads the password, as it did by default before.
    let prefer = format!("{url}?sslmode=prefer");
    let out = team_report("team-no-tls-prefer", &prefer, "alice-secret-pw").output().unwrap();
    assert!(!out.status.success());
    let after = received.recv_timeout(Duration::from_secs(5)).expect("one connection");
    let password: &[u8] = b"alice-secret-pw";
    assert!(after.windows(password.len()).any(|w| w == password), "{after:?}");
}

/// Issue 22 S1: the agent name is free text in an agent's settings; the team report keys
/// agents by the login that sent each call, so a call filed under a colleague's name
/// lands in the sender's figures, shown with their login.
#[test]
fn a_call_filed_under_a_colleagues_name_counts_for_the_login_that_sent_it() {
    let pg = centre("borrowed-name");
    let bob = Pc::new("borrowed-bob", &pg.url("bob"), "north", "Bob", "bob-pw");
    bob.add_calls(1_764_000_000, 2);
    let alice = Pc::new("borrowed-alice", &pg.url("alice"), "north", "Bob", "alice-pw");
    alice.add_calls(1_764_001_000, 3);
    for pc in [&bob, &alice] {
        let out = pc.sync();
        assert!(out.status.success(), "{}", text(&out));
    }
    let day = speech_coach::session::when::local_date(1_764_000_000);
    let out = team_report("borrowed-name-report", &pg.url("carol"), "carol-pw")
        .args(["--to", &day, "--days", "1", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut agents: Vec<(String, u64)> = json["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["agent"].as_str().unwrap().to_string(), a["period"]["calls"].as_u64().unwrap()))
        .collect();
    agents.sort();
    assert_eq!(agents, vec![("Bob (alice)".to_string(), 3), ("bob".to_string(), 2)]);
}

/// A session's `session.json` as written.
fn stored(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("session.json")).unwrap()).unwrap()
}

/// Issue 22: a session folder copied with `cp -a` kept the original's UUID and its
/// `team-sync.json`, so team sync took a copy of a sent call as sent, and sent a copy of a
/// waiting call as the original's row (one row for two calls).
#[test]
fn a_session_copied_with_cp_a_is_sent_as_a_call_of_its_own_and_the_original_is_untouched() {
    let pg = centre("copied");
    let pc = Pc::new("copied", &pg.url("alice"), "north", "Alice", "alice-pw");
    let sent = pc.add_calls(1_764_100_000, 2);
    let out = pc.sync();
    assert!(out.status.success(), "{}", text(&out));
    let cp = |from: &str, to: &str| {
        let (from, to) = (pc.sessions().join(from), pc.sessions().join(to));
        assert!(Command::new("cp").arg("-a").arg(&from).arg(&to).status().unwrap().success());
    };
    // A copy of a call already sent: its marker came along.
    cp("1764100000", "1764100000-1");
    // A copy of a call not sent yet.
    let waiting = pc.add_calls(1_764_100_500, 1);
    cp("1764100500", "1764100500-1");
    let original = std::fs::read(pc.sessions().join("1764100000").join("session.json")).unwrap();
    let out = pc.sync();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("sent 3 calls"), "{}", text(&out));
    let rows: Vec<(String, uuid::Uuid)> = pg
        .admin()
        .query("SELECT session_id, uuid::text FROM speech_coach.summaries ORDER BY session_id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get::<_, String>(1).parse().unwrap()))
        .collect();
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(ids, ["1764100000", "1764100000-1", "1764100001", "1764100500", "1764100500-1"]);
    let distinct: std::collections::HashSet<_> = rows.iter().map(|r| r.1).collect();
    assert_eq!(distinct.len(), 5, "{rows:?}");
    // The originals keep their UUIDs (their rows are the same rows); the copies have
    // their own, written into their session.json; the original's file is untouched.
    assert_eq!(rows[0].1, sent[0].uuid.unwrap());
    assert_eq!(rows[3].1, waiting[0].uuid.unwrap());
    for (copy, row) in [("1764100000-1", &rows[1]), ("1764100500-1", &rows[4])] {
        let meta = stored(&pc.sessions().join(copy));
        assert_eq!(meta["uuid"], row.1.to_string(), "{copy}");
        assert_eq!(meta["id"], copy);
    }
    assert_eq!(
        std::fs::read(pc.sessions().join("1764100000").join("session.json")).unwrap(),
        original
    );
    // Settled: the next sync sends nothing.
    let out = pc.sync();
    assert!(text(&out).contains("sent 0 calls"), "{}", text(&out));
    assert_eq!(count(&pg, "SELECT count(*) FROM speech_coach.summaries"), 5);
}

/// A CA and a server certificate it signed for 127.0.0.1, made with openssl in `dir`:
/// (ca.pem, server.crt, server.key).
fn private_ca(dir: &Path, name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output().unwrap();
        assert!(out.status.success(), "openssl {args:?}: {}", text(&out));
    };
    std::fs::create_dir_all(dir).unwrap();
    let subject = format!("/CN=speech-coach test CA {name}");
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        &subject,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n").unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    ]);
    (dir.join("ca.pem"), dir.join("server.crt"), dir.join("server.key"))
}

/// Issue 22 S8: TLS is required by default, so a centre whose server has a certificate
/// from its own CA could only get through with `sslmode=disable`. Its CA file is now
/// trusted with `--ca-file` (init, profile, report, sync) or the settings' `ca_file`.
#[test]
fn a_centres_own_ca_is_trusted_with_ca_file_and_refused_without_it() {
    let pg = centre("private-ca");
    let certs = scratch("private-ca-certs");
    let (ca, cert, key) = private_ca(&certs.join("centre"), "centre");
    let (other_ca, _, _) = private_ca(&certs.join("other"), "other");
    pg.enable_tls(&cert, &key);
    let limit = Duration::from_secs(30);
    let run = |mut cmd: Command| {
        common::output_within(&mut cmd, limit).unwrap_or_else(|| panic!("{cmd:?} still runs"))
    };
    let with_ca = |cmd: &mut Command, file: &Path| {
        cmd.arg("--ca-file").arg(file);
    };

    // An agent's PC: the URL without sslmode (TLS required, the certificate checked).
    let pc = Pc::new("private-ca", &pg.tls_url("alice"), "north", "Alice", "alice-pw");
    pc.add_calls(1_764_200_000, 2);
    let out = run(pc.team(&["sync"]));
    common::assert_clean_failure(
        &out,
        "has a certificate this PC does not trust (unable to get local issuer certificate)",
    );
    assert!(text(&out).contains("--ca-file"), "{}", text(&out));
    assert_eq!((out.status.code(), pc.markers()), (Some(1), 0));
    // Another CA is no better.
    let mut sync = pc.team(&["sync"]);
    with_ca(&mut sync, &other_ca);
    common::assert_clean_failure(&run(sync), "does not trust");
    let mut sync = pc.team(&["sync"]);
    with_ca(&mut sync, &ca);
    let out = run(sync);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(pc.markers(), 2);
    // The settings' ca_file does the same for the window and a plain `team sync`.
    let settings = serde_json::json!({"team": {"url": pg.tls_url("alice"), "team": "north",
        "agent": "Alice", "ca_file": ca}});
    std::fs::write(pc.config.join("settings.json"), settings.to_string()).unwrap();
    pc.add_calls(1_764_200_100, 1);
    let out = run(pc.team(&["sync"]));
    assert!(out.status.success() && text(&out).contains("sent 1 calls"), "{}", text(&out));
    assert_eq!(count(&pg, "SELECT count(*) FROM speech_coach.summaries"), 3);

    // A lead's and the owner's commands with --url.
    let owner = format!("postgresql://{}@127.0.0.1:{}/postgres", common::pg::ADMIN, pg.port);
    let lead = pg.tls_url("carol");
    /// A command, made afresh for each try.
    type Make<'a> = Box<dyn Fn() -> Command + 'a>;
    let commands: [(&str, Make); 3] = [
        (
            "init",
            Box::new(|| {
                let mut cmd = binary();
                cmd.args(["team", "init", "--admin-url", &owner])
                    .env("SPEECH_COACH_DB_PASSWORD", common::pg::ADMIN_PASSWORD)
                    .env("SPEECH_COACH_CONFIG_DIR", scratch("team-private-ca-init"));
                cmd
            }),
        ),
        (
            "profile",
            Box::new(|| {
                let mut cmd = binary();
                cmd.args(["team", "profile", "--team", "north", "--url", &lead])
                    .env("SPEECH_COACH_DB_PASSWORD", "carol-pw")
                    .env("SPEECH_COACH_CONFIG_DIR", scratch("team-private-ca-profile"));
                cmd
            }),
        ),
        (
            "report",
            Box::new(|| {
                let mut cmd = team_report("team-private-ca-report", &lead, "carol-pw");
                cmd.args(["--to", "2025-12-15", "--days", "30"]);
                cmd
            }),
        ),
    ];
    for (what, command) in &commands {
        common::assert_clean_failure(&run(command()), "does not trust");
        let mut cmd = command();
        with_ca(&mut cmd, &ca);
        let out = run(cmd);
        assert!(out.status.success(), "{what} with the CA: {}", text(&out));
    }

    // A CA file that is missing, not a certificate, or a folder: one line, exit 1, and
    // said as the CA file's fault, not the server's.
    let not_a_cert = certs.join("centre").join("server.key");
    for (file, says) in [
        (certs.join("missing.pem"), "cannot read the CA certificate: No such file"),
        (not_a_cert, "not a PEM certificate"),
        (certs.clone(), "not a regular file (a folder)"),
    ] {
        for (what, command) in &commands {
            let mut cmd = command();
            with_ca(&mut cmd, &file);
            let out = run(cmd);
            common::assert_clean_failure(&out, says);
            assert_eq!(out.status.code(), Some(1), "{what}");
        }
        let mut sync = pc.team(&["sync"]);
        with_ca(&mut sync, &file);
        common::assert_clean_failure(&run(sync), says);
    }
}

/// Issue 22's fuzz of stored sessions, through `team sync` on a real PostgreSQL: in each
/// of 20 data folders, 100 calls whose `session.json` is mutated (bit flips, cuts, huge
/// numbers, a byte-order mark, bytes that are not UTF-8, long lines, deep nesting, foreign
/// text: the stored-session fuzz's mutations) beside 10 untouched ones. `team sync` must
/// end (under a heap cap, within 60 s) without a panic, send every untouched call, and
/// account for every mutated one: sent, set aside, or damaged, each said on one line of
/// its own; or no finished call at all any more (a mutation that unset its end, say).
#[test]
fn mutated_session_files_never_stop_team_sync_and_each_bad_one_is_said_on_one_line() {
    use crate::stored_sessions::{Rng, mutate};
    use speech_coach::session::store;
    use speech_coach::team::summary::is_sendable;
    let _cpu = common::cpu_bound();
    const ROUNDS: u64 = 20;
    const MUTATED: u64 = 100;
    const GOOD: u64 = 10;
    /// `team sync` reads one session.json at a time: a few MB at most.
    const HEAP_CAP: u64 = 256 << 20;
    let pg = centre("fuzz");
    let mut rng = Rng(0x7ea5_5c0f_fee0_d00d);
    let (mut failures, mut cases) = (Vec::new(), 0);
    let (mut sent, mut aside, mut damaged, mut not_calls) = (0, 0, 0, 0);
    let mut admin = pg.admin();
    for round in 0..ROUNDS {
        let home = scratch(&format!("team-fuzz-{round}"));
        let settings = serde_json::json!({"team": {"url": pg.url("alice"), "team": "north",
            "agent": "Alice"}});
        std::fs::write(home.join("settings.json"), settings.to_string()).unwrap();
        let root = home.join("data").join("sessions");
        let first = 1_764_300_000 + round * 10_000;
        let mut good = Vec::new();
        let mut mutated = Vec::new();
        for n in 0..MUTATED + GOOD {
            let id = first + n * 60;
            let meta = store_call(&root, id, SessionKind::Call);
            if n >= MUTATED {
                good.push(meta);
                continue;
            }
            let path = root.join(id.to_string()).join("session.json");
            let mut bytes = std::fs::read(&path).unwrap();
            let case = mutate(&mut rng, &mut bytes, "session.json");
            std::fs::write(&path, bytes).unwrap();
            mutated.push((id.to_string(), case));
        }
        cases += mutated.len();
        let mut cmd = common::isolated_capped(&home, HEAP_CAP);
        cmd.args(["team", "sync"]).env("SPEECH_COACH_DB_PASSWORD", "alice-pw");
        let Some(out) = common::output_within(&mut cmd, Duration::from_secs(60)) else {
            failures.push(format!("round {round}: team sync still runs after 60 s"));
            continue;
        };
        if common::crashed(&out) || !out.status.success() {
            failures.push(format!("round {round}: {:?}: {}", out.status, text(&out)));
            continue;
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        // Which ids each kind of line names, and how often.
        let named = |prefix: &str| -> Vec<String> {
            stdout
                .lines()
                .filter_map(|l| l.strip_prefix(prefix))
                .filter_map(|rest| rest.split(':').next())
                .map(str::to_string)
                .collect()
        };
        let (set_aside, damaged_lines) = (named("set aside: "), named("damaged, not sent: "));
        let ids: Vec<String> =
            good.iter().map(|m| m.id.clone()).chain(mutated.iter().map(|m| m.0.clone())).collect();
        let rows: std::collections::HashMap<String, String> = admin
            .query(
                "SELECT session_id, uuid::text FROM speech_coach.summaries \
                 WHERE session_id = ANY($1)",
                &[&ids],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        for meta in &good {
            if rows.get(&meta.id) != Some(&meta.uuid.unwrap().to_string()) {
                failures.push(format!("round {round}: untouched call {} not sent", meta.id));
            }
        }
        for (id, case) in &mutated {
            let lines = set_aside.iter().chain(&damaged_lines).filter(|n| *n == id).count();
            let outcome = if rows.contains_key(id) {
                sent += 1;
                lines == 0
            } else if set_aside.contains(id) {
                aside += 1;
                lines == 1
            } else if damaged_lines.contains(id) {
                damaged += 1;
                lines == 1
            } else if store::load_meta(&root.join(id)).is_ok_and(|m| !is_sendable(&m)) {
                not_calls += 1;
                lines == 0
            } else {
                false
            };
            if !outcome {
                failures.push(format!(
                    "round {round}: {id} ({case}): neither sent nor said once ({lines} lines)"
                ));
            }
        }
        if failures.is_empty() {
            let _ = std::fs::remove_dir_all(&home);
        }
    }
    println!(
        "{cases} mutated calls through team sync: {sent} sent, {aside} set aside, {damaged} \
         damaged, {not_calls} no longer finished calls"
    );
    assert!(
        failures.is_empty(),
        "{} failures; the first ones:\n{}",
        failures.len(),
        failures.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
    );
    assert_eq!(cases, (ROUNDS * MUTATED) as usize);
}
