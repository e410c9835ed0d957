//! The window's words in Chinese and English. Chinese is the default when the system
//! locale is Chinese; the choice is a setting.

use serde::{Deserialize, Serialize};

use crate::coach::{Band, Cue, ToneState};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum UiLang {
    #[default]
    Zh,
    En,
}

impl UiLang {
    /// Chinese when `LANG`/`LC_ALL`/`LC_MESSAGES` name a zh locale, else English.
    pub fn from_environment() -> Self {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
        match locale {
            Some(l) if l.to_lowercase().starts_with("zh") => UiLang::Zh,
            _ => UiLang::En,
        }
    }
}

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
    pub flat: &'static str,
    pub lively: &'static str,
    pub agitated: &'static str,
    pub in_band: &'static str,
    pub near_band: &'static str,
    pub off_band: &'static str,
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
    pub script: &'static str,
    pub expected: &'static str,
    pub sessions: &'static str,
    pub report: &'static str,
    pub delete: &'static str,
    pub talk_time: &'static str,
    pub cues: &'static str,
    pub history: &'static str,
    pub tiring: &'static str,
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
    flat: "平淡",
    lively: "生动",
    agitated: "激动",
    in_band: "合适",
    near_band: "稍偏",
    off_band: "偏离",
    compact: "通话条",
    full_view: "完整视图",
    calibrate: "校准（说话15秒）",
    calibrating: "校准中，请正常说话",
    calibrated: "已按您的声音校准",
    calibration_failed: "校准失败：说话太少，请再试一次",
    language: "界面语言",
    speech_language: "通话语言",
    device_live: "麦克风",
    device_lost: "麦克风断开，正在重试",
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
    script: "练习脚本",
    expected: "按目标语速约需",
    sessions: "通话记录",
    report: "报告",
    delete: "删除",
    talk_time: "说话时间",
    cues: "条提示",
    history: "每班进展（最近一班：电平和语调起伏）",
    tiring: "声音在这一班里变累了",
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
    flat: "flat",
    lively: "lively",
    agitated: "agitated",
    in_band: "on target",
    near_band: "a little off",
    off_band: "off target",
    compact: "Call strip",
    full_view: "Full view",
    calibrate: "Calibrate (talk 15 s)",
    calibrating: "Calibrating: please talk normally",
    calibrated: "Calibrated to your voice",
    calibration_failed: "Calibration failed: too little speech, try again",
    language: "Interface",
    speech_language: "Call language",
    device_live: "Microphone",
    device_lost: "Microphone disconnected, retrying",
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
    script: "Script",
    expected: "at target pace about",
    sessions: "Sessions",
    report: "Report",
    delete: "Delete",
    talk_time: "talk time",
    cues: "cues",
    history: "Progress by shift (latest shift: level and pitch spread)",
    tiring: "voice tiring through the shift",
};

pub fn strings(lang: UiLang) -> &'static Strings {
    match lang {
        UiLang::Zh => &ZH,
        UiLang::En => &EN,
    }
}

/// The short tip for a cue, in the agent's own words (not the training documents').
pub fn cue_text(lang: UiLang, cue: Cue) -> &'static str {
    match (lang, cue) {
        (UiLang::Zh, Cue::Clipping) => "声音过载：把麦克风离嘴远一点",
        (UiLang::Zh, Cue::MicTooQuiet) => "麦克风太小声：靠近一点或调高增益",
        (UiLang::Zh, Cue::LosingCalm) => "放松：音高和音量都在升高，慢慢来",
        (UiLang::Zh, Cue::TooFast) => "稍微放慢一点",
        (UiLang::Zh, Cue::TooSlow) => "可以稍微加快一点",
        (UiLang::Zh, Cue::TooLoud) => "声音有点大，放轻一些",
        (UiLang::Zh, Cue::TooSoft) => "声音有点小，说清楚一些",
        (UiLang::Zh, Cue::Flat) => "语调太平：让声音有起伏",
        (UiLang::En, Cue::Clipping) => "Overloading: move the microphone back a little",
        (UiLang::En, Cue::MicTooQuiet) => "Microphone too quiet: move it closer or raise the gain",
        (UiLang::En, Cue::LosingCalm) => "Calm: pitch and volume are rising, take it slow",
        (UiLang::En, Cue::TooFast) => "Slow down a little",
        (UiLang::En, Cue::TooSlow) => "You can pick up the pace a little",
        (UiLang::En, Cue::TooLoud) => "A bit loud, soften your voice",
        (UiLang::En, Cue::TooSoft) => "A bit soft, speak up a little",
        (UiLang::En, Cue::Flat) => "Voice is flat: let it rise and fall",
    }
}

pub fn band_text(s: &Strings, band: Band) -> &'static str {
    match band {
        Band::Green => s.in_band,
        Band::Amber => s.near_band,
        Band::Red => s.off_band,
    }
}

pub fn tone_text(s: &Strings, tone: ToneState) -> &'static str {
    match tone {
        ToneState::Flat => s.flat,
        ToneState::Lively => s.lively,
        ToneState::Agitated => s.agitated,
    }
}

/// Every character the Chinese interface can show, for building the font subset.
pub fn all_chinese_text() -> String {
    let s = &ZH;
    let mut all = [
        s.title,
        s.tone,
        s.volume,
        s.speed,
        s.chars_per_min,
        s.words_per_min,
        s.semitones,
        s.db_vs_normal,
        s.waiting,
        s.flat,
        s.lively,
        s.agitated,
        s.in_band,
        s.near_band,
        s.off_band,
        s.compact,
        s.full_view,
        s.calibrate,
        s.calibrating,
        s.calibrated,
        s.calibration_failed,
        s.language,
        s.speech_language,
        s.device_live,
        s.device_lost,
        s.no_microphone,
        s.start_demo,
        s.demo,
        s.timeline,
        s.pitch_hz,
        s.level_dbfs,
        s.all_good,
        s.settings_reset,
        s.dropped,
        s.mandarin,
        s.default_device,
        s.record_audio,
        s.recording_on,
        s.script,
        s.expected,
        s.sessions,
        s.report,
        s.delete,
        s.talk_time,
        s.cues,
        s.history,
        s.tiring,
        "中文",
    ]
    .join("");
    for cue in [
        Cue::Clipping,
        Cue::MicTooQuiet,
        Cue::LosingCalm,
        Cue::TooFast,
        Cue::TooSlow,
        Cue::TooLoud,
        Cue::TooSoft,
        Cue::Flat,
    ] {
        all.push_str(cue_text(UiLang::Zh, cue));
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_subset_covers_every_chinese_string() {
        let covered = include_str!("../../assets/fonts/subset-chars.txt");
        let missing: String =
            all_chinese_text().chars().filter(|c| !c.is_ascii() && !covered.contains(*c)).collect();
        assert!(
            missing.is_empty(),
            "rebuild the font subset (scripts/make-font-subset.sh); missing: {missing}"
        );
    }
}
