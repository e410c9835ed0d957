//! The window's views, headless (egui_kittest): gauges change band as values cross the
//! thresholds, the language switch works, and the cue line holds through flicker.

use crate::common;

use egui_kittest::Harness;
use kittest::{NodeT as _, Queryable as _, by};
use speech_coach::analysis::{Frame, Lang};
use speech_coach::coach::rehearsal::Script;
use speech_coach::coach::{Band, Calibration, Coach, PaceProfile, Targets};
use speech_coach::coach::{Cue, Headline};
use speech_coach::conversation::{HoldAlert, LiveConversation};
use speech_coach::egui::accesskit::Role;
use speech_coach::pipeline::{DeviceStatus, LiveState, TalkPoint};
use speech_coach::settings::UiLang;
use speech_coach::ui::views::{Action, SessionsPanel, View};

use common::gui::{frame, live_mic};

fn state_after(frames: &[Frame]) -> LiveState {
    let mut coach = Coach::new(Lang::Zh, None);
    let mut state = LiveState::new(Lang::Zh);
    state.device = live_mic();
    for f in frames {
        state.coach = *coach.push(f);
    }
    state
}

struct Screen {
    state: LiveState,
    ui_lang: UiLang,
    actions: Vec<Action>,
    devices: Vec<String>,
    caller_devices: Vec<String>,
    fonts_installed: bool,
    sessions: Option<SessionsPanel>,
    script: Option<Script>,
    pace_profile: Option<PaceProfile>,
    calibrated: bool,
    can_undo_calibration: bool,
}

fn harness(state: LiveState, ui_lang: UiLang) -> Harness<'static, Screen> {
    Harness::builder().with_size([900.0, 760.0]).build_ui_state(
        |ui, screen: &mut Screen| {
            if !screen.fonts_installed {
                speech_coach::ui::install_fonts(ui.ctx());
                screen.fonts_installed = true;
            }
            let targets = Targets::default();
            let view = View {
                state: &screen.state,
                ui_lang: screen.ui_lang,
                speech_lang: Lang::Zh,
                notice: None,
                baseline_spread_st: None,
                targets: &targets,
                devices: &screen.devices,
                caller_devices: &screen.caller_devices,
                caller_device: None,
                device: None,
                recording: false,
                on_hold: false,
                script: screen.script.as_ref(),
                sessions: screen.sessions.as_ref(),
                targets_open: false,
                team_sync: None,
                pace_profile: screen.pace_profile.as_ref(),
                use_pace_profile: true,
                calibrated: screen.calibrated,
                can_undo_calibration: screen.can_undo_calibration,
            };
            let actions = view.full(ui);
            screen.actions.extend(actions);
        },
        Screen {
            state,
            ui_lang,
            actions: Vec::new(),
            devices: vec!["USB Headset".into(), "Laptop microphone".into()],
            caller_devices: vec!["Monitor of Softphone".into()],
            fonts_installed: false,
            sessions: None,
            script: None,
            pace_profile: None,
            calibrated: false,
            can_undo_calibration: false,
        },
    )
}

#[test]
fn gauges_show_their_band_as_values_cross_the_thresholds() {
    let mut h = harness(state_after(&[frame(0.0, 150.0, -26.0, 8.0)]), UiLang::En);
    h.run();
    h.get_by_label_contains("Speed: 150 chars/min on target");
    h.get_by_label_contains("Volume: 0.0 dB vs normal on target");
    h.get(by().role(Role::Meter).label_contains("lively"));

    h.state_mut().state = state_after(&[frame(0.0, 185.0, -19.0, 4.0)]);
    h.run();
    h.get_by_label_contains("Speed: 185 chars/min a little fast");
    h.get_by_label_contains("Volume: +7.0 dB vs normal a little loud");
    h.get(by().role(Role::Meter).label_contains("a little flat"));
    // Amber, within its wait: the line says it is listening, not a bare "…".
    h.get_by_label("listening…");

    h.state_mut().state = state_after(&[frame(0.0, 230.0, -12.0, 2.0)]);
    h.run();
    h.get_by_label_contains("Speed: 230 chars/min too fast");
    h.get_by_label_contains("Volume: +14.0 dB vs normal too loud");
    h.get(by().role(Role::Meter).label_contains("flat"));
    assert!(h.query(by().role(Role::Meter).label_contains("a little flat")).is_none(), "red");

    // Under the band the words say so: "off target" alone read the same both ways.
    h.state_mut().state = state_after(&[frame(0.0, 120.0, -32.0, 8.0)]);
    h.run();
    h.get_by_label_contains("Speed: 120 chars/min a little slow");
    h.get_by_label_contains("Volume: -6.0 dB vs normal a little soft");
    h.state_mut().state = state_after(&[frame(0.0, 95.0, -36.0, 8.0)]);
    h.run();
    h.get_by_label_contains("Speed: 95 chars/min too slow");
    h.get_by_label_contains("Volume: -10.0 dB vs normal too soft");
}

#[test]
fn in_chinese_the_gauges_say_which_way_they_are_off() {
    let mut h = harness(state_after(&[frame(0.0, 230.0, -36.0, 8.0)]), UiLang::Zh);
    h.run();
    h.get_by_label_contains("字/分钟 太快");
    h.get_by_label_contains("（相对平常） 太小");
    h.state_mut().state = state_after(&[frame(0.0, 120.0, -19.0, 8.0)]);
    h.run();
    h.get_by_label_contains("字/分钟 稍慢");
    h.get_by_label_contains("（相对平常） 稍大");
}

#[test]
fn with_the_caller_heard_the_view_shows_who_talks_the_hold_timer_and_the_interruption_cue() {
    let mut state = state_after(&[frame(0.0, 150.0, -26.0, 8.0)]);
    // No caller source: no conversation section at all.
    let mut h = harness(state.clone(), UiLang::En);
    h.run();
    assert!(h.query_by_label_contains("Who is talking").is_none());

    state.caller_device = Some(DeviceStatus::Live {
        name: "Monitor of Headset".into(),
        sample_rate: 48000,
        channels: 2,
        format: "i16".into(),
    });
    for i in 0..300 {
        let t = i as f64 * 0.01;
        state.talk.push_back(TalkPoint { time_s: t, agent: i < 200, caller: i > 100 });
    }
    state.conversation = Some(LiveConversation {
        time_s: 3.0,
        hold_s: Some(27.4),
        hold_alert: HoldAlert::Warn,
        interrupted_at_s: Some(1.0),
        ..LiveConversation::default()
    });
    state.coach.cue = Some(Cue::LetCallerFinish);
    state.coach.headline = Headline::Cue { cue: Cue::LetCallerFinish, band: Band::Red };
    h.state_mut().state = state.clone();
    h.run();
    h.get_by_label_contains("Who is talking");
    h.get_by_label("Let the caller finish");
    h.get_by_label("Hold 27 s");
    h.get_by_label("Hold (H)").click();
    h.run();
    assert_eq!(h.state().actions, vec![Action::ToggleHold]);

    // The caller's source lost: said in the section, in the interface's language.
    state.caller_device =
        Some(DeviceStatus::Lost { name: "x".into(), reason: "gone".into(), silent: false });
    h.state_mut().state = state;
    h.state_mut().ui_lang = UiLang::Zh;
    h.run();
    h.get_by_label("听不到客户一侧");
}

/// Issue 23 item 10: "s" in the Chinese interface ("保持 27 s", "约需 81 s") and a sign on
/// nothing ("−0dB").
#[test]
fn chinese_seconds_read_as_seconds_and_zero_has_no_sign() {
    let mut state = state_after(&[frame(0.0, 150.0, -26.0, 8.0)]);
    state.caller_device = Some(DeviceStatus::Live {
        name: "Monitor of Headset".into(),
        sample_rate: 48000,
        channels: 2,
        format: "i16".into(),
    });
    state.conversation = Some(LiveConversation {
        time_s: 3.0,
        hold_s: Some(27.4),
        hold_alert: HoldAlert::Warn,
        ..LiveConversation::default()
    });
    state.coach.volume.value = Some(-0.04);
    let mut h = harness(state, UiLang::Zh);
    h.run();
    h.get_by_label("保持 27 秒");
    assert!(h.query_by_label_contains("-0.0").is_none(), "a sign on nothing");
    h.state_mut().ui_lang = UiLang::En;
    h.run();
    h.get_by_label("Hold 27 s");
    h.get_by_label_contains("Volume: 0.0 dB vs normal");
    h.state_mut().ui_lang = UiLang::Zh;
    h.state_mut().script =
        Some(Script::parse("# 开场\n您好，这里是客服热线。\n", Lang::Zh, &Targets::default()));
    h.run();
    // A label's text is its AccessKit value.
    let estimate = h.get_by_label_contains("按目标语速约需").accesskit_node().value();
    let estimate = estimate.unwrap_or_default();
    assert!(estimate.ends_with(" 秒"), "{estimate}");
}

/// Issue 23 item 9: in a rehearsal there is no call, so no hold timer or talk lanes; every
/// line is scored (the last one too) in its band's colour, and a summary ends it.
#[test]
fn a_rehearsal_scores_every_line_in_colour_ends_with_a_summary_and_shows_no_call_widgets() {
    use speech_coach::coach::rehearsal::Rehearsal;
    let mut state = state_after(&[frame(0.0, 150.0, -26.0, 8.0)]);
    state.caller_device = Some(live_mic());
    state.conversation =
        Some(LiveConversation { time_s: 3.0, hold_s: Some(12.0), ..LiveConversation::default() });
    let script =
        Script::parse("一二三四五六七八\n一二三四五六七八\n", Lang::Zh, &Targets::default());
    // Line one at 150 a minute (8 syllables in 3.2 s), line two at 240 (in 2 s).
    let mut r = Rehearsal::new(script.clone(), Lang::Zh);
    let mut t = 0.0;
    for (step, hops) in [(40usize, 320usize), (25, 200)] {
        for h in 0..hops {
            let f = Frame {
                time_s: t,
                active: true,
                syllable: h % step == step / 2,
                ..Frame::default()
            };
            r.push(&f);
            t += 0.01;
        }
        for _ in 0..100 {
            r.push(&Frame { time_s: t, ..Frame::default() });
            t += 0.01;
        }
    }
    assert!(r.finished());
    state.rehearsal = Some((r.current_line(), r.results()));
    let mut h = harness(state, UiLang::En);
    h.run();
    // In a call both are there…
    h.get_by_label("Hold 12 s");
    h.get_by_label("Who is talking");
    h.state_mut().script = Some(script);
    h.run();
    // …in a rehearsal neither.
    assert!(h.query_by_label_contains("Hold").is_none(), "a hold timer in a rehearsal");
    assert!(h.query_by_label("Who is talking").is_none(), "talk lanes in a rehearsal");
    h.get_by_label_contains("150 / 150 chars/min");
    h.get_by_label_contains("240 / 150 chars/min");
    h.get_by_label("Done: 2 lines, 1 at their target pace, 1 too fast, 0 too slow");
    h.state_mut().ui_lang = UiLang::Zh;
    h.run();
    h.get_by_label("练习完成：2 行，1 行语速合适，1 行太快，0 行太慢");
}

#[test]
fn switching_the_interface_to_chinese_relabels_everything() {
    let mut h = harness(state_after(&[frame(0.0, 150.0, -26.0, 8.0)]), UiLang::En);
    h.run();
    h.get_by_label("中文").click();
    h.run();
    assert_eq!(h.state().actions, vec![Action::SetUiLang(UiLang::Zh)]);
    h.state_mut().ui_lang = UiLang::Zh;
    h.run();
    h.get_by_label_contains("语速: 150 字/分钟 合适");
    assert!(h.query_by_label_contains("Speed:").is_none());
}

#[test]
fn the_cue_line_follows_a_pace_wobbling_across_the_limit_and_never_praises_meanwhile() {
    // 4.5 s clearly too fast (a nudge needs a sustained breach), then 4 s wobbling across
    // 170 every 0.3 s: the line says "slow down" whenever the pace is off (amber), never
    // while it is green, and never "keep it up" in between (the gauges were off a moment
    // ago).
    let mut frames = Vec::new();
    for i in 0..850 {
        let t = i as f64 * 0.01;
        let pace = if t < 4.5 || (i / 30) % 2 == 1 { 190.0 } else { 160.0 };
        frames.push(frame(t, pace, -26.0, 8.0));
    }
    let mut coach = Coach::new(Lang::Zh, None);
    let mut state = LiveState::new(Lang::Zh);
    let mut h = harness(state.clone(), UiLang::En);
    let mut checked = 0;
    for (i, f) in frames.iter().enumerate() {
        state.coach = *coach.push(f);
        if i % 10 == 0 && f.time_s >= 4.5 {
            h.state_mut().state = state.clone();
            h.run();
            let slow_down = h.query_by_label("Slow down a little").is_some();
            let off = f.syllables_per_min == Some(190.0);
            assert_eq!(slow_down, off, "at {:.2} s", f.time_s);
            assert!(h.query_by_label("Keep it up").is_none(), "praise at {:.2} s", f.time_s);
            checked += 1;
        }
    }
    assert_eq!(checked, 40);
}

#[test]
fn choosing_a_microphone_in_the_list_asks_for_that_device() {
    let mut h = harness(state_after(&[frame(0.0, 150.0, -26.0, 8.0)]), UiLang::En);
    h.run();
    h.get_by_label("Microphone").click();
    h.run();
    h.get_by_label("USB Headset").click();
    h.run();
    assert_eq!(h.state().actions, vec![Action::SelectDevice(Some("USB Headset".into()))]);
}

#[test]
fn with_the_caller_heard_a_second_list_picks_the_callers_source() {
    let mut state = state_after(&[frame(0.0, 150.0, -26.0, 8.0)]);
    let mut h = harness(state.clone(), UiLang::En);
    h.run();
    assert!(h.query_by_label("Caller").is_none(), "no caller source, no caller list");
    state.caller_device = Some(DeviceStatus::Connecting);
    h.state_mut().state = state;
    h.run();
    h.get_by_label("Caller").click();
    h.run();
    h.get_by_label("Monitor of Softphone").click();
    h.run();
    let wanted = Action::SelectCallerDevice(Some("Monitor of Softphone".into()));
    assert_eq!(h.state().actions, vec![wanted]);
}

#[test]
fn the_sessions_panel_offers_report_and_delete_for_each_session() {
    use speech_coach::session::store::{Listed, SessionMeta};
    let mut h = harness(state_after(&[frame(0.0, 150.0, -26.0, 8.0)]), UiLang::En);
    let meta = SessionMeta {
        id: "1795380000".into(),
        started_unix_s: 1_795_380_000,
        ended_unix_s: None,
        source: "mic".into(),
        lang: Lang::Zh,
        recording: true,
        summary: None,
        cues: vec![],
        kind: Default::default(),
        conversation: None,
        conversation_events: vec![],
        ended_by: None,
        uuid: None,
    };
    h.state_mut().sessions = Some(SessionsPanel {
        rows: vec![Listed::Ok(meta)],
        days: vec![],
        report: None,
        message: None,
        confirm_delete: None,
    });
    h.run();
    // "Delete" only asks: the question and its answers take the button's place.
    h.get_by_label("Delete").click();
    h.run();
    assert_eq!(h.state().actions, vec![Action::AskDelete("1795380000".into())]);
    assert!(h.query_by_label("Delete this session and its audio? It cannot be undone").is_none());
    h.state_mut().sessions.as_mut().unwrap().confirm_delete = Some("1795380000".into());
    h.state_mut().actions.clear();
    h.run();
    h.get_by_label("Delete this session and its audio? It cannot be undone");
    h.get_by_label("Keep").click();
    h.run();
    h.get_by_label("Delete").click();
    h.run();
    h.get_by_label("Report").click();
    h.run();
    assert_eq!(
        h.state().actions,
        vec![
            Action::CancelDelete,
            Action::DeleteSession("1795380000".into()),
            Action::OpenReport("1795380000".into())
        ]
    );
}

#[test]
fn the_progress_view_flags_a_shift_where_the_voice_tires() {
    use speech_coach::analysis::Summary;
    use speech_coach::session::history::by_shift;
    use speech_coach::session::store::SessionMeta;
    let day = 20_400 * 86_400;
    let metas: Vec<SessionMeta> = (0..6)
        .map(|i| SessionMeta {
            id: format!("{}", day + i * 3600),
            started_unix_s: day + i * 3600,
            ended_unix_s: None,
            source: "mic".into(),
            lang: Lang::Zh,
            recording: false,
            // level and pitch spread fall through the day
            summary: Some(Summary {
                speech_s: 120.0,
                level_active_dbfs: Some(-20.0 - i as f32),
                pitch_spread_st: Some(8.0 - 0.7 * i as f32),
                ..Summary::empty()
            }),
            cues: vec![],
            kind: Default::default(),
            conversation: None,
            conversation_events: vec![],
            ended_by: None,
            uuid: None,
        })
        .collect();
    let mut h = harness(state_after(&[frame(0.0, 150.0, -26.0, 8.0)]), UiLang::En);
    h.state_mut().sessions = Some(SessionsPanel {
        rows: vec![],
        days: by_shift(&metas),
        report: None,
        message: None,
        confirm_delete: None,
    });
    h.run();
    h.get_by_label_contains("6 calls · talk time 12 min");
    h.get_by_label_contains("voice tiring through the shift");
}

/// A stored call of 60 s talked at 4 syllables a second (240 chars/min), with the caller
/// heard and one interruption, in a scratch store.
fn fast_call_session(name: &str) -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.join("1795500180");
    std::fs::create_dir_all(&dir).unwrap();
    let conversation = serde_json::json!({
        "duration_s": 60.0, "agent_talk_s": 50.0, "caller_talk_s": 8.0,
        "agent_talk_share": 0.86, "overlap_s": 1.0, "agent_spurts": 5, "caller_spurts": 2,
        "agent_interruptions": 1, "caller_interruptions": 0, "response_gaps": 1,
        "response_gap_median_s": 0.8, "dead_air_count": 0, "longest_dead_air_s": 0.0,
        "holds": [], "longest_hold_s": 0.0, "longest_agent_monologue_s": 40.0,
        "caller_arousal": null
    });
    let meta = serde_json::json!({
        "id": "1795500180", "started_unix_s": 1_795_500_180u64, "ended_unix_s": 1_795_500_240u64,
        "source": "mic", "kind": "call", "lang": "zh", "recording": false,
        "summary": null, "cues": [{"time_s": 20.0, "cue": "TooFast"}],
        "conversation": conversation,
        "conversation_events": [{"time_s": 30.0, "kind": "agent_interruption", "duration_s": 1.0}]
    });
    std::fs::write(dir.join("session.json"), meta.to_string()).unwrap();
    let mut csv = speech_coach::session::frames::HEADER.to_string() + "\n";
    for i in 0..6000 {
        let syllable = u8::from(i % 25 == 0);
        csv += &format!(
            "{:.2},200.00,-30.00,1,1,{syllable},-28.00,240.00,6.00,R,G,G,1,0\n",
            i as f64 * 0.01
        );
    }
    std::fs::write(dir.join("frames.csv"), csv).unwrap();
    dir
}

#[test]
fn the_open_report_reads_in_the_interface_language_with_its_moments_and_tips() {
    use speech_coach::report::call::{ReportOptions, build_for};
    let dir = fast_call_session("gui-report");
    for (lang, expected, foreign) in [
        (
            UiLang::Zh,
            [
                "通话报告",
                "值得回放的时刻",
                "语速最快的 20 秒：240 字/分钟（目标 130–170）",
                "0:30  打断客户",
            ],
            ["syl/min", "TooFast", "Pace", "chars/min"],
        ),
        (
            UiLang::En,
            [
                "Call report",
                "Moments worth a replay",
                "Your fastest 20 seconds: 240 chars/min (target 130–170)",
                "0:30  Talking over the caller",
            ],
            ["syl/min", "TooFast", "语速", "字/分钟"],
        ),
    ] {
        // The page may be in the other language: the window words it in its own.
        let other = if lang == UiLang::Zh { Lang::En } else { Lang::Zh };
        let report =
            build_for(&dir, &ReportOptions { lang: other, ..ReportOptions::default() }).unwrap();
        let mut h = harness(state_after(&[frame(0.0, 150.0, -26.0, 8.0)]), lang);
        h.state_mut().sessions = Some(SessionsPanel {
            rows: vec![],
            days: vec![],
            report: Some((report, dir.join("report.html"))),
            message: None,
            confirm_delete: None,
        });
        h.run();
        for text in expected {
            h.get_by_label_contains(text);
        }
        for text in foreign {
            assert!(h.query_by_label_contains(text).is_none(), "{lang:?}: {text}");
        }
    }
}

/// The headline as drawn never contradicts the gauges as drawn: over every combination of
/// green, amber and red on the three gauges (held long enough for any cue to show), all
/// green shows praise and nothing else, otherwise the headline is the cue of a gauge in
/// the worst band shown.
#[test]
fn the_drawn_headline_agrees_with_the_drawn_gauges_in_every_band_combination() {
    // (value, band) per gauge, guidance defaults without a baseline (zh).
    let pace = [(150.0, Band::Green), (185.0, Band::Amber), (230.0, Band::Red)];
    let level = [(-26.0, Band::Green), (-20.0, Band::Amber), (-15.0, Band::Red)];
    let spread = [(8.0, Band::Green), (4.5, Band::Amber), (2.0, Band::Red)];
    // Each gauge's cue as the line says it in amber and in red ("a little" only in amber).
    let cue_text = [
        ["Slow down a little", "Too fast: slow down"],
        ["A bit loud, soften your voice", "Too loud: soften your voice"],
        ["Voice is flat", "Voice is flat"],
    ];
    let mut all_text: Vec<&str> = cue_text.iter().flatten().copied().collect();
    all_text.dedup();
    let mut checked = 0;
    for p in pace {
        for l in level {
            for s in spread {
                let frames: Vec<Frame> =
                    (0..800).map(|i| frame(i as f64 * 0.01, p.0, l.0, s.0)).collect();
                let mut h = harness(state_after(&frames), UiLang::En);
                h.run();
                let bands = [p.1, l.1, s.1];
                let worst = *bands.iter().max_by_key(|b| **b as u8).unwrap();
                let praise = h.query_by_label("Keep it up").is_some();
                let combo = format!("pace {}, level {}, spread {}", p.0, l.0, s.0);
                if worst == Band::Green {
                    assert!(praise, "{combo}: all green, no praise");
                    for text in &all_text {
                        assert!(h.query_by_label_contains(text).is_none(), "{combo}: {text}");
                    }
                } else {
                    assert!(!praise, "{combo}: praise with a gauge off");
                    let allowed: Vec<&str> = (0..3)
                        .filter(|&g| bands[g] == worst)
                        .map(|g| cue_text[g][usize::from(worst == Band::Red)])
                        .collect();
                    let shown: Vec<&str> = all_text
                        .iter()
                        .copied()
                        .filter(|t| h.query_by_label_contains(t).is_some())
                        .collect();
                    assert_eq!(shown.len(), 1, "{combo}: headline {shown:?}");
                    assert!(allowed.contains(&shown[0]), "{combo}: {shown:?}, allowed {allowed:?}");
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 27);
}

#[test]
fn calibration_shows_the_passage_to_read_and_the_pace_calibration_can_be_switched_off() {
    let mut state = state_after(&[frame(0.0, 150.0, -26.0, 8.0)]);
    let mut calibration = Calibration::new(Lang::Zh);
    for i in 0..400 {
        calibration.push(&Frame { speech: true, syllable: i % 10 == 0, ..Frame::default() });
    }
    state.calibration = Some(calibration);
    let mut h = harness(state.clone(), UiLang::Zh);
    h.run();
    h.get_by_label("请用平常的语速朗读这段话：");
    h.get_by_label_contains("您好，这里是客户服务中心");
    // The seconds so far beside the reading's progress (400 hops: 4 s).
    h.get_by_label_contains("校准中，请朗读上面这段话 · 4 秒");
    assert!(h.query_by_label_contains("撤销校准").is_none());

    // The reading ended without teaching a pace calibration: said so, nothing to switch.
    state.calibration = None;
    state.pace_result = Some(None);
    h.state_mut().state = state;
    h.state_mut().ui_lang = UiLang::En;
    h.run();
    h.get_by_label("Pace not calibrated: read the whole passage");
    assert!(h.query_by_label_contains("Pace calibration ×").is_none());

    // A stored calibration (71 syllables read, 66 heard): its factor, switched off by a click.
    h.state_mut().pace_profile = Some(PaceProfile::learn(Lang::Zh, 71, 66).unwrap());
    h.run();
    h.get(by().role(Role::CheckBox).label_contains("Pace calibration ×1.08")).click();
    h.run();
    assert_eq!(h.state().actions, vec![Action::SetUsePaceProfile(false)]);

    // A calibration of this run can be undone, and any can be cleared.
    h.state_mut().actions.clear();
    h.state_mut().calibrated = true;
    h.state_mut().can_undo_calibration = true;
    h.run();
    h.get_by_label("Undo calibration").click();
    h.run();
    h.get_by_label("Clear calibration").click();
    h.run();
    assert_eq!(h.state().actions, vec![Action::UndoCalibration, Action::ClearCalibration]);
}
