//! `speech-coach history`: progress across calls, one row per shift, rounded for people;
//! `--json` keeps the full figures for scripts.

use anyhow::Result;
use speech_coach::analysis::Lang;
use speech_coach::report::words;
use speech_coach::session::history::{Shift, from_listing};
use speech_coach::session::store::{self, Listed};
use speech_coach::settings::{self, Settings};

use super::table::{Align, render};
use super::terminal::{clean, json_clean};

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Print the shifts as JSON (every figure, unrounded) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Language of the table: zh or en (default: the interface language of the settings,
    /// else the locale).
    #[arg(long, value_enum, hide_possible_values = true)]
    pub lang: Option<Lang>,
}

fn header(lang: Lang) -> Vec<String> {
    let words: [&str; 10] = match lang {
        Lang::Zh => [
            "班次开始",
            "通话",
            "说话",
            "语速",
            "音量",
            "语调起伏",
            "打断/通",
            "最长保持",
            "说话占比",
            "",
        ],
        Lang::En => [
            "shift start",
            "calls",
            "talk",
            "pace",
            "level",
            "pitch range",
            "interrupt/call",
            "longest hold",
            "talk share",
            "",
        ],
    };
    words.iter().map(|w| w.to_string()).collect()
}

fn or_dash<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map_or_else(|| "-".into(), f)
}

/// One shift as a table row: whole numbers where a person reads whole numbers, one
/// decimal for decibels, semitones and rates per call.
pub fn shift_row(lang: Lang, pace_lang: Lang, d: &Shift) -> Vec<String> {
    let w = words::words(lang);
    let tiring = match (d.tiring, lang) {
        (false, _) => String::new(),
        (true, Lang::Zh) => "声音变累".into(),
        (true, Lang::En) => "tiring".into(),
    };
    // Pace in the calls' own unit; a shift of calls in both languages falls back to
    // the settings' speech language.
    let pace_lang = d.lang.unwrap_or(pace_lang);
    let unit = words::pace_unit(lang, pace_lang);
    vec![
        d.local_start.clone(),
        d.sessions.len().to_string(),
        speech_coach::session::when::duration_text(lang, d.talk_s),
        or_dash(d.syllables_per_min, |p| format!("{:.0} {unit}", pace_lang.pace_from_syllables(p))),
        or_dash(d.level_active_dbfs, |l| format!("{l:.1} dBFS")),
        or_dash(d.pitch_spread_st, |s| format!("{s:.1} {}", w.semitones)),
        or_dash(d.interruptions_per_call, |n| format!("{n:.1}")),
        or_dash(d.longest_hold_s, |h| {
            let flag = if d.holds_over_limit > 0 { " !" } else { "" };
            format!("{h:.0} {}{flag}", w.seconds)
        }),
        or_dash(d.agent_talk_share, |s| format!("{:.0} %", s * 100.0)),
        tiring,
    ]
}

pub fn run(args: HistoryArgs) -> Result<()> {
    let rows = store::list(&store::default_root())?;
    for row in &rows {
        if let Listed::Damaged { id, reason } = row {
            speech_coach::errln!("speech-coach: skipping session {id}: {}", clean(reason));
        }
    }
    let shifts = from_listing(&rows);
    if args.json {
        outln!("{}", json_clean(serde_json::to_string(&shifts)?))?;
        return Ok(());
    }
    let (settings, _) = Settings::load_leaving_damage(&settings::default_path());
    let lang = args.lang.unwrap_or(settings.ui_lang.into());
    if shifts.is_empty() {
        // In the table's language, like the table it stands for.
        let none = match lang {
            Lang::Zh => "还没有通话（演示和练习不计在内）",
            Lang::En => "no calls yet (demo runs and rehearsals do not count)",
        };
        speech_coach::errln!("{none}");
        return Ok(());
    }
    let mut table = vec![header(lang)];
    table.extend(shifts.iter().map(|d| shift_row(lang, settings.speech_lang, d)));
    let align = [
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
    ];
    out!("{}", render(&table, &align))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use speech_coach::analysis::Summary;
    use speech_coach::session::history::by_shift;
    use speech_coach::session::store::SessionMeta;

    fn call(start: u64, level: f32) -> SessionMeta {
        let summary = Summary {
            speech_s: 100.0,
            syllables_per_min: Some(152.4),
            level_active_dbfs: Some(level),
            pitch_spread_st: Some(5.6),
            ..Summary::empty()
        };
        serde_json::from_value(serde_json::json!({
            "id": start.to_string(), "started_unix_s": start, "ended_unix_s": null,
            "source": "mic", "lang": "zh", "recording": false, "summary": summary, "cues": []
        }))
        .unwrap()
    }

    #[test]
    fn history_rows_are_rounded_for_people() {
        let shifts = by_shift(&[call(1_764_000_000, -26.04), call(1_764_000_600, -26.0)]);
        let row = shift_row(Lang::En, Lang::Zh, &shifts[0]);
        assert_eq!(row[1], "2");
        assert_eq!(row[2], "3 min");
        assert_eq!(row[3], "152 chars/min");
        assert_eq!(row[4], "-26.0 dBFS");
        assert_eq!(row[5], "5.6 semitones");
        assert_eq!(&row[6..9], ["-", "-", "-"]);
        let text = render(&[header(Lang::En), row], &[]);
        assert!(!text.contains("0000") && !text.contains("9999"), "{text}");
        let zh = shift_row(Lang::Zh, Lang::Zh, &shifts[0]);
        assert_eq!((zh[3].as_str(), zh[5].as_str()), ("152 字/分钟", "5.6 半音"));
    }
}
