//! The window's words in Chinese and English. Chinese is the default when the system
//! locale is Chinese; the choice is a setting.
//!
//! One long file on purpose: both languages side by side, so a translator (and the font
//! subset check, which reads every Chinese string from here) sees every string at once.

mod team;
mod window;
pub use team::{TeamStrings, team_strings};
pub use window::{WindowStrings, window_strings};

use crate::coach::rehearsal::ScriptNotice;
use crate::coach::targets::ValueProblem;
use crate::coach::{Band, Cue, ToneState};
use crate::pipeline::StorageProblem;
use crate::session::store::{SessionPart, StorageCause};
use crate::settings::{SettingsNotice, UiLang};
use crate::words::fill;
use crate::words::word_table;

word_table! {
    pub struct Strings {
        pub title: &'static str,
        pub tone: &'static str,
        pub volume: &'static str,
        pub speed: &'static str,
        pub chars_per_min: &'static str,
        pub words_per_min: &'static str,
        pub semitones: &'static str,
        pub db_vs_normal: &'static str,
        pub waiting: &'static str,
        /// The cue line between cues (a gauge amber within its wait, or just after one):
        /// "…" alone there could not be told from a window that had stopped.
        pub listening: &'static str,
        pub flat: &'static str,
        /// Flat, but only amber: the other gauges say "a little" there too.
        pub a_little_flat: &'static str,
        pub lively: &'static str,
        pub agitated: &'static str,
        pub in_band: &'static str,
        pub compact: &'static str,
        pub full_view: &'static str,
        pub calibrate: &'static str,
        pub calibrating: &'static str,
        pub calibrated: &'static str,
        pub calibration_failed: &'static str,
        pub language: &'static str,
        pub speech_language: &'static str,
        pub device_live: &'static str,
        pub device_lost: &'static str,
        /// The microphone's stream runs but carries exact silence: muted, most likely.
        pub device_silent: &'static str,
        pub no_microphone: &'static str,
        pub start_demo: &'static str,
        pub demo: &'static str,
        pub timeline: &'static str,
        pub pitch_hz: &'static str,
        pub level_dbfs: &'static str,
        pub all_good: &'static str,
        pub settings_reset: &'static str,
        pub dropped: &'static str,
        pub mandarin: &'static str,
        pub default_device: &'static str,
        pub record_audio: &'static str,
        pub recording_on: &'static str,
        pub who_is_talking: &'static str,
        pub agent: &'static str,
        pub caller: &'static str,
        pub caller_not_heard: &'static str,
        pub hold: &'static str,
        pub hold_key: &'static str,
        pub call_waiting: &'static str,
        pub call_on: &'static str,
        pub demo_session: &'static str,
        pub rehearsal_session: &'static str,
        pub start_call: &'static str,
        pub end_call: &'static str,
        pub storage_session: &'static str,
        pub storage_audio: &'static str,
        pub storage_frames: &'static str,
        pub storage_summary: &'static str,
        pub disk_full: &'static str,
        pub no_write_permission: &'static str,
        pub write_failed: &'static str,
        /// Between a notice's subject and what is wrong with it.
        pub colon: &'static str,
        pub script: &'static str,
        pub expected: &'static str,
        /// The rehearsal's end: {lines} said, {green} at their target pace, {fast} too fast,
        /// {slow} too slow (amber or red against each line's own target); `{lines_noun}`
        /// is one of `line_nouns`, singular for one line.
        pub rehearsal_done: &'static str,
        pub line_nouns: [&'static str; 2],
        /// After a number of seconds: "秒" in Chinese text, "s" in English.
        pub seconds: &'static str,
        pub sessions: &'static str,
        pub report: &'static str,
        pub delete: &'static str,
        pub talk_time: &'static str,
        pub cues: &'static str,
        pub history: &'static str,
        pub tiring: &'static str,
        pub notice_field: &'static str,
        pub notice_baseline: &'static str,
        pub notice_team: &'static str,
        pub notice_unreadable: &'static str,
        pub notice_damaged: &'static str,
        pub notice_script_tag: &'static str,
        pub notice_more: &'static str,
        pub notice_separator: &'static str,
        pub problem_wrong_type: &'static str,
        pub problem_unknown_value: &'static str,
        /// A key the settings section does not have (a misspelt target).
        pub problem_unknown_key: &'static str,
        pub problem_not_a_number: &'static str,
        pub problem_out_of_range: &'static str,
        pub problem_misordered: &'static str,
    }
}

pub const ZH: Strings = Strings {
    title: "通话语音教练",
    tone: "语调",
    volume: "音量",
    speed: "语速",
    chars_per_min: "字/分钟",
    words_per_min: "词/分钟",
    semitones: "半音",
    db_vs_normal: "分贝（相对平常）",
    waiting: "等待说话…",
    listening: "正在听…",
    flat: "平淡",
    a_little_flat: "稍平淡",
    lively: "生动",
    agitated: "激动",
    in_band: "合适",
    compact: "通话条",
    full_view: "完整视图",
    calibrate: "校准（朗读一段话）",
    calibrating: "校准中，请朗读上面这段话",
    calibrated: "已按您的声音校准",
    calibration_failed: "校准失败：说话太少，请再试一次",
    language: "界面语言",
    speech_language: "通话语言",
    device_live: "麦克风",
    device_lost: "麦克风断开，正在重试",
    device_silent: "麦克风没有声音：静音了吗？",
    no_microphone: "没有找到麦克风",
    start_demo: "播放演示录音",
    demo: "演示",
    timeline: "最近30秒",
    pitch_hz: "音高 (Hz)",
    level_dbfs: "电平 (dBFS)",
    all_good: "保持这个状态",
    settings_reset: "设置文件损坏，已恢复默认设置",
    dropped: "丢弃的音频块",
    mandarin: "普通话",
    default_device: "系统默认",
    record_audio: "录音",
    recording_on: "正在录音",
    who_is_talking: "谁在说话",
    agent: "坐席",
    caller: "客户",
    caller_not_heard: "听不到客户一侧",
    hold: "保持",
    hold_key: "保持通话 (H)",
    call_waiting: "等待来电",
    call_on: "通话中",
    demo_session: "演示",
    rehearsal_session: "练习",
    start_call: "开始通话",
    end_call: "结束通话",
    storage_session: "无法保存本次记录",
    storage_audio: "无法录音",
    storage_frames: "无法保存逐帧数据",
    storage_summary: "无法保存通话摘要",
    disk_full: "磁盘已满",
    no_write_permission: "没有写入权限",
    write_failed: "写入失败",
    colon: "：",
    script: "练习脚本",
    expected: "按目标语速约需",
    rehearsal_done: "练习完成：{lines} 行，{green} 行语速合适，{fast} 行太快，{slow} 行太慢",
    line_nouns: ["行", "行"],
    seconds: "秒",
    sessions: "通话记录",
    report: "报告",
    delete: "删除",
    talk_time: "说话时间",
    cues: "条提示",
    history: "每班进展（最近一班逐通电话：语速、音量、语调起伏）",
    tiring: "声音在这一班里变累了",
    notice_field: "设置 {field}：{problem}，已恢复默认",
    notice_baseline: "校准数据 {field}：{problem}，已删除，请重新校准",
    notice_team: "设置 {field}：{problem}，团队同步未开启",
    notice_unreadable: "无法读取设置文件 {path}，已恢复默认设置",
    notice_damaged: "设置文件损坏，已恢复默认设置（原文件另存为 {path}）",
    notice_script_tag: "脚本第 {line} 行 [{tag}]：{problem}，该行按默认语速",
    notice_more: "（另有 {count} 条）",
    notice_separator: "。",
    problem_wrong_type: "类型不对",
    problem_unknown_value: "取值无效",
    problem_unknown_key: "没有这个目标项（可用：pace_zh_chars_per_min、pace_en_words_per_min、volume_relative_db）",
    problem_not_a_number: "不是数字",
    problem_out_of_range: "超出 {min}–{max}",
    problem_misordered: "上下限顺序不对",
};

pub const EN: Strings = Strings {
    title: "Call voice coach",
    tone: "Tone",
    volume: "Volume",
    speed: "Speed",
    chars_per_min: "chars/min",
    words_per_min: "words/min",
    semitones: "semitones",
    db_vs_normal: "dB vs normal",
    waiting: "waiting for speech…",
    listening: "listening…",
    flat: "flat",
    a_little_flat: "a little flat",
    lively: "lively",
    agitated: "agitated",
    in_band: "on target",
    compact: "Call strip",
    full_view: "Full view",
    calibrate: "Calibrate (read a passage)",
    calibrating: "Calibrating: read the passage above",
    calibrated: "Calibrated to your voice",
    calibration_failed: "Calibration failed: too little speech, try again",
    language: "Interface",
    speech_language: "Call language",
    device_live: "Microphone",
    device_lost: "Microphone disconnected, retrying",
    device_silent: "No sound from the microphone: is it muted?",
    no_microphone: "No microphone found",
    start_demo: "Play the demo recording",
    demo: "Demo",
    timeline: "Last 30 seconds",
    pitch_hz: "Pitch (Hz)",
    level_dbfs: "Level (dBFS)",
    all_good: "Keep it up",
    settings_reset: "Settings file was damaged; defaults restored",
    dropped: "dropped audio blocks",
    mandarin: "Mandarin",
    default_device: "System default",
    record_audio: "Record audio",
    recording_on: "Recording",
    who_is_talking: "Who is talking",
    agent: "Agent",
    caller: "Caller",
    caller_not_heard: "caller side not heard",
    hold: "Hold",
    hold_key: "Hold (H)",
    call_waiting: "Waiting for a call",
    call_on: "On a call",
    demo_session: "Demo",
    rehearsal_session: "Rehearsal",
    start_call: "Start call",
    end_call: "End call",
    storage_session: "Cannot store this session",
    storage_audio: "Cannot record audio",
    storage_frames: "Cannot store the per-hop figures",
    storage_summary: "Cannot store the session summary",
    disk_full: "disk full",
    no_write_permission: "no permission to write",
    write_failed: "write failed",
    colon: ": ",
    script: "Script",
    expected: "at target pace about",
    rehearsal_done: "Done: {lines} {lines_noun}, {green} at their target pace, {fast} too fast, {slow} too slow",
    line_nouns: ["line", "lines"],
    seconds: "s",
    sessions: "Sessions",
    report: "Report",
    delete: "Delete",
    talk_time: "talk time",
    cues: "cues",
    history: "Progress by shift (latest shift call by call: pace, volume, pitch spread)",
    tiring: "voice tiring through the shift",
    notice_field: "Setting {field}: {problem}; default restored",
    notice_baseline: "Calibration {field}: {problem}; dropped, please calibrate again",
    notice_team: "Setting {field}: {problem}; team sync is off",
    notice_unreadable: "Cannot read the settings file {path}; defaults restored",
    notice_damaged: "Settings file was damaged; defaults restored (kept as {path})",
    notice_script_tag: "Script line {line} [{tag}]: {problem}; the line keeps the default pace",
    notice_more: " (and {count} more)",
    notice_separator: "; ",
    problem_wrong_type: "wrong type",
    problem_unknown_value: "unknown value",
    problem_unknown_key: "no such target (pace_zh_chars_per_min, pace_en_words_per_min, volume_relative_db)",
    problem_not_a_number: "not a number",
    problem_out_of_range: "outside {min}–{max}",
    problem_misordered: "limits out of order",
};

pub fn strings(lang: UiLang) -> &'static Strings {
    match lang {
        UiLang::Zh => &ZH,
        UiLang::En => &EN,
    }
}

/// The short tip for a cue, in the agent's own words (not the training documents').
/// The notice when no microphone could be opened at start and the demo plays instead. The
/// reason comes from the audio library in English: the English interface shows it, the
/// Chinese one does not mix it into a Chinese line (stderr keeps it for support).
/// No microphone at start, so the demo plays. The same in both languages: the system's
/// reason (in English, often two sentences) pushed "→ Demo" out of the line; it is on
/// stderr and in the device status.
pub fn no_microphone_notice(lang: UiLang) -> String {
    let s = strings(lang);
    format!("{} → {}", s.no_microphone, s.demo)
}

pub fn cue_text(lang: UiLang, cue: Cue) -> &'static str {
    match (lang, cue) {
        (UiLang::Zh, Cue::Clipping) => "声音过载：把麦克风离嘴远一点",
        (UiLang::Zh, Cue::MicTooQuiet) => "麦克风太小声：靠近一点或调高增益",
        (UiLang::Zh, Cue::HoldTooLong) => "等待太久：回到客户这边，给出具体时间",
        (UiLang::Zh, Cue::LetCallerFinish) => "先让客户说完",
        (UiLang::Zh, Cue::DeadAir) => "冷场了：回应一下客户",
        (UiLang::Zh, Cue::CallerUpset) => "客户情绪激动：放慢语速，压低声音",
        (UiLang::Zh, Cue::LosingCalm) => "放松：音高和音量都在升高，慢慢来",
        (UiLang::Zh, Cue::TooFast) => "稍微放慢一点",
        (UiLang::Zh, Cue::TooSlow) => "可以稍微加快一点",
        (UiLang::Zh, Cue::TooLoud) => "声音有点大，放轻一些",
        (UiLang::Zh, Cue::TooSoft) => "声音有点小，说清楚一些",
        (UiLang::Zh, Cue::Flat) => "语调太平：让声音有起伏",
        (UiLang::En, Cue::Clipping) => "Overloading: move the microphone back a little",
        (UiLang::En, Cue::MicTooQuiet) => "Microphone too quiet: move it closer or raise the gain",
        (UiLang::En, Cue::HoldTooLong) => "Long hold: go back to the caller with a concrete time",
        (UiLang::En, Cue::LetCallerFinish) => "Let the caller finish",
        (UiLang::En, Cue::DeadAir) => "Dead air: say something to the caller",
        (UiLang::En, Cue::CallerUpset) => "Caller upset: slow down, lower your voice",
        (UiLang::En, Cue::LosingCalm) => "Calm: pitch and volume are rising, take it slow",
        (UiLang::En, Cue::TooFast) => "Slow down a little",
        (UiLang::En, Cue::TooSlow) => "You can pick up the pace a little",
        (UiLang::En, Cue::TooLoud) => "A bit loud, soften your voice",
        (UiLang::En, Cue::TooSoft) => "A bit soft, speak up a little",
        (UiLang::En, Cue::Flat) => "Voice is flat: let it rise and fall",
    }
}

/// The cue line's words for a cue on a gauge in `band`: the gauges' "a little" wording
/// only while the gauge is amber; off target (red) the line says so plainly (issue 23:
/// "稍微放慢一点" was shown at a red 216–222 characters a minute).
pub fn cue_text_in(lang: UiLang, cue: Cue, band: Band) -> &'static str {
    if band != Band::Red {
        return cue_text(lang, cue);
    }
    match (lang, cue) {
        (UiLang::Zh, Cue::TooFast) => "语速太快：放慢下来",
        (UiLang::Zh, Cue::TooSlow) => "语速太慢：加快一些",
        (UiLang::Zh, Cue::TooLoud) => "声音太大：放轻声音",
        (UiLang::Zh, Cue::TooSoft) => "声音太小：说大声些",
        (UiLang::En, Cue::TooFast) => "Too fast: slow down",
        (UiLang::En, Cue::TooSlow) => "Too slow: pick up the pace",
        (UiLang::En, Cue::TooLoud) => "Too loud: soften your voice",
        (UiLang::En, Cue::TooSoft) => "Too soft: speak up",
        _ => cue_text(lang, cue),
    }
}

/// A gauge whose words say which way it is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Pace,
    Volume,
}

/// A pace or volume gauge's word for its band, with the way it is off: "a little fast",
/// "too soft". "Off target" alone read the same for loud and for soft, and the gauge's
/// arrow is its trend, not the side it is on (a newcomer's pass, stop 31). `above`: the
/// value lies over the green band.
pub fn band_text_toward(lang: UiLang, gauge: Direction, band: Band, above: bool) -> &'static str {
    use Direction::{Pace, Volume};
    let red = band == Band::Red;
    match (lang, gauge, above, red) {
        _ if band == Band::Green => strings(lang).in_band,
        (UiLang::Zh, Pace, true, false) => "稍快",
        (UiLang::Zh, Pace, true, true) => "太快",
        (UiLang::Zh, Pace, false, false) => "稍慢",
        (UiLang::Zh, Pace, false, true) => "太慢",
        (UiLang::Zh, Volume, true, false) => "稍大",
        (UiLang::Zh, Volume, true, true) => "太大",
        (UiLang::Zh, Volume, false, false) => "稍小",
        (UiLang::Zh, Volume, false, true) => "太小",
        (UiLang::En, Pace, true, false) => "a little fast",
        (UiLang::En, Pace, true, true) => "too fast",
        (UiLang::En, Pace, false, false) => "a little slow",
        (UiLang::En, Pace, false, true) => "too slow",
        (UiLang::En, Volume, true, false) => "a little loud",
        (UiLang::En, Volume, true, true) => "too loud",
        (UiLang::En, Volume, false, false) => "a little soft",
        (UiLang::En, Volume, false, true) => "too soft",
    }
}

pub fn tone_text(s: &Strings, tone: ToneState) -> &'static str {
    match tone {
        ToneState::Flat => s.flat,
        ToneState::Lively => s.lively,
        ToneState::Agitated => s.agitated,
    }
}

/// Notices beyond this many are counted, not listed: the line must stay one line.
const NOTICES_SHOWN: usize = 3;
/// A tag longer than this is cut in a notice (a script may hold any text in brackets).
const TAG_SHOWN_CHARS: usize = 40;

pub fn problem_text(s: &Strings, problem: ValueProblem) -> String {
    match problem {
        ValueProblem::WrongType => s.problem_wrong_type.into(),
        ValueProblem::UnknownValue => s.problem_unknown_value.into(),
        ValueProblem::NotANumber => s.problem_not_a_number.into(),
        ValueProblem::OutOfRange { min, max } => {
            fill(s.problem_out_of_range, &[("min", &min.to_string()), ("max", &max.to_string())])
        }
        ValueProblem::Misordered => s.problem_misordered.into(),
        ValueProblem::UnknownKey => s.problem_unknown_key.into(),
    }
}

pub fn settings_notice_text(s: &Strings, notice: &SettingsNotice) -> String {
    match notice {
        SettingsNotice::Unreadable { path, .. } => {
            fill(s.notice_unreadable, &[("path", &path.display().to_string())])
        }
        SettingsNotice::Damaged { aside: None, .. } => s.settings_reset.into(),
        SettingsNotice::Damaged { aside: Some(aside), .. } => {
            fill(s.notice_damaged, &[("path", &aside.display().to_string())])
        }
        SettingsNotice::Field { field, problem } => {
            fill(s.notice_field, &[("problem", &problem_text(s, *problem)), ("field", field)])
        }
        SettingsNotice::Baseline { field, problem } => {
            fill(s.notice_baseline, &[("problem", &problem_text(s, *problem)), ("field", field)])
        }
        SettingsNotice::Team { field, problem } => {
            fill(s.notice_team, &[("problem", &problem_text(s, *problem)), ("field", field)])
        }
    }
}

pub fn script_notice_text(s: &Strings, notice: &ScriptNotice) -> String {
    let mut tag: String = notice.tag.chars().take(TAG_SHOWN_CHARS).collect();
    if tag.len() < notice.tag.len() {
        tag.push('…');
    }
    // The tag is the script author's text: `fill` never fills a placeholder inside a value.
    fill(
        s.notice_script_tag,
        &[
            ("line", &notice.line.to_string()),
            ("problem", &problem_text(s, notice.problem)),
            ("tag", &tag),
        ],
    )
}

/// The window's one notice line for what was not taken as written from the settings file
/// and the script: the first few, then how many more; `None` when all was taken.
pub fn notices_line(
    lang: UiLang,
    settings: &[SettingsNotice],
    script: &[ScriptNotice],
) -> Option<String> {
    let s = strings(lang);
    let total = settings.len() + script.len();
    let shown: Vec<String> = settings
        .iter()
        .map(|n| settings_notice_text(s, n))
        .chain(script.iter().map(|n| script_notice_text(s, n)))
        .take(NOTICES_SHOWN)
        .collect();
    let mut line = shown.join(s.notice_separator);
    if total > NOTICES_SHOWN {
        line.push_str(&fill(s.notice_more, &[("count", &(total - NOTICES_SHOWN).to_string())]));
    }
    (total > 0).then_some(line)
}

/// A part of the session that could not be stored, in the interface language (the path
/// and the system's English error text stay on the command line).
pub fn storage_problem_text(s: &Strings, problem: &StorageProblem) -> String {
    let part = match problem.part {
        SessionPart::Session => s.storage_session,
        SessionPart::Audio => s.storage_audio,
        SessionPart::Frames => s.storage_frames,
        SessionPart::Summary => s.storage_summary,
    };
    let cause = match problem.cause {
        StorageCause::DiskFull => s.disk_full,
        StorageCause::NoPermission => s.no_write_permission,
        StorageCause::Other => s.write_failed,
    };
    format!("{part}{}{cause}", s.colon)
}

/// Every character the Chinese interface can show, for building the font subset.
pub fn all_chinese_text() -> String {
    let mut all = [ZH.texts(), vec!["中文"]].concat().concat();
    for cue in [
        Cue::Clipping,
        Cue::MicTooQuiet,
        Cue::HoldTooLong,
        Cue::LetCallerFinish,
        Cue::DeadAir,
        Cue::CallerUpset,
        Cue::LosingCalm,
        Cue::TooFast,
        Cue::TooSlow,
        Cue::TooLoud,
        Cue::TooSoft,
        Cue::Flat,
    ] {
        all.push_str(cue_text(UiLang::Zh, cue));
        all.push_str(cue_text_in(UiLang::Zh, cue, Band::Red));
    }
    all
}

#[cfg(test)]
mod no_microphone_tests {
    use super::*;

    #[test]
    fn the_no_microphone_notice_is_in_the_interfaces_language_only() {
        let zh = no_microphone_notice(UiLang::Zh);
        assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{zh}");
        assert!(zh.starts_with("没有找到麦克风"), "{zh}");
        let en = no_microphone_notice(UiLang::En);
        assert!(en.is_ascii() || en.contains('→'), "{en}");
        assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{en}");
        assert!(en.starts_with("No microphone found") && en.ends_with("Demo"), "{en}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_little_is_said_only_while_the_gauge_is_amber() {
        for lang in [UiLang::Zh, UiLang::En] {
            for cue in [Cue::TooFast, Cue::TooSlow, Cue::TooLoud, Cue::TooSoft] {
                let amber = cue_text_in(lang, cue, Band::Amber);
                let red = cue_text_in(lang, cue, Band::Red);
                assert_eq!(amber, cue_text(lang, cue));
                assert_ne!(red, amber, "{cue:?}");
                for soft in ["a little", "a bit", "稍微", "有点", "一点"] {
                    assert!(!red.contains(soft), "{red}");
                }
            }
            assert_eq!(cue_text_in(lang, Cue::Flat, Band::Red), cue_text(lang, Cue::Flat));
        }
    }

    #[test]
    fn the_bundled_font_subset_covers_every_chinese_string() {
        let missing = crate::ui::fonts::missing_from_bundled_subset(&all_chinese_text());
        assert!(
            missing.is_empty(),
            "rebuild the font subset (scripts/make-font-subset.sh); missing: {missing}"
        );
    }

    fn field(field: &str, problem: ValueProblem) -> SettingsNotice {
        SettingsNotice::Field { field: field.into(), problem }
    }

    #[test]
    fn a_storage_problem_reads_in_the_interface_language_without_system_text() {
        let problem = StorageProblem {
            part: SessionPart::Audio,
            cause: StorageCause::DiskFull,
            message: "cannot record audio: /x/audio.wav: No space left on device".into(),
        };
        assert_eq!(storage_problem_text(strings(UiLang::Zh), &problem), "无法录音：磁盘已满");
        assert_eq!(
            storage_problem_text(strings(UiLang::En), &problem),
            "Cannot record audio: disk full"
        );
    }

    #[test]
    fn a_settings_notice_names_the_field_and_the_reason_in_the_interface_language() {
        let notice = field(
            "targets.pace_zh_chars_per_min",
            ValueProblem::OutOfRange { min: 30.0, max: 600.0 },
        );
        let zh = notices_line(UiLang::Zh, std::slice::from_ref(&notice), &[]).unwrap();
        assert_eq!(zh, "设置 targets.pace_zh_chars_per_min：超出 30–600，已恢复默认");
        let en = notices_line(UiLang::En, &[notice], &[]).unwrap();
        assert_eq!(en, "Setting targets.pace_zh_chars_per_min: outside 30–600; default restored");
        assert_eq!(notices_line(UiLang::Zh, &[], &[]), None);
    }

    #[test]
    fn the_chinese_notice_line_holds_no_english_words_beyond_field_names_and_paths() {
        let settings = [
            SettingsNotice::Unreadable {
                path: "/c/settings.json".into(),
                kind: std::io::ErrorKind::PermissionDenied,
            },
            SettingsNotice::Damaged {
                path: "/c/settings.json".into(),
                aside: Some("/c/settings.json.damaged".into()),
            },
            SettingsNotice::Baseline {
                field: "baseline.pitch_median_hz".into(),
                problem: ValueProblem::NotANumber,
            },
            field("ui_lang", ValueProblem::UnknownValue),
            field("compact", ValueProblem::WrongType),
            field("targets.volume_relative_db", ValueProblem::Misordered),
        ];
        let script =
            [ScriptNotice { line: 4, tag: "pace=0".into(), problem: ValueProblem::NotANumber }];
        let s = strings(UiLang::Zh);
        let texts = settings
            .iter()
            .map(|n| settings_notice_text(s, n))
            .chain(script.iter().map(|n| script_notice_text(s, n)));
        for text in texts {
            let words: String = text
                .replace("/c/settings.json.damaged", "")
                .replace("/c/settings.json", "")
                .replace("baseline.pitch_median_hz", "")
                .replace("targets.volume_relative_db", "")
                .replace("ui_lang", "")
                .replace("compact", "")
                .replace("pace=0", "")
                .chars()
                .filter(|c| c.is_ascii_alphabetic())
                .collect();
            assert!(words.is_empty(), "English in {text:?}: {words}");
            assert!(!text.contains('\n') && !text.contains('{'), "{text:?}");
        }
    }

    #[test]
    fn many_notices_make_one_line_with_a_count_of_the_rest() {
        let script: Vec<ScriptNotice> = (1..=10)
            .map(|line| ScriptNotice {
                line,
                tag: format!("pace={}", "9".repeat(100)),
                problem: ValueProblem::OutOfRange { min: 30.0, max: 600.0 },
            })
            .collect();
        let line = notices_line(UiLang::En, &[field("compact", ValueProblem::WrongType)], &script)
            .unwrap();
        assert!(line.ends_with(" (and 8 more)"), "{line}");
        assert!(line.starts_with("Setting compact: wrong type; default restored; Script line 1 ["));
        assert!(line.contains("…]") && line.len() < 400 && !line.contains('\n'), "{line}");
    }
}
