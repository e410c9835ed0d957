//! The report's words in Chinese and English: labels, units in the agent's own terms
//! (字/分钟, "dB vs your normal"), short cue and event names, and the tips.
//!
//! One long file on purpose, like the window's `ui::i18n`: both languages side by side.
//! The report is written in the interface language, spelled as [`Lang`] (`zh`/`en`) so
//! that the session store does not depend on the window. The window shows these words
//! too, so the bundled font subset must cover them (checked below).
//!
//! The tips are ours, written in the spirit of the training documents
//! (`shared/guidance.md`), not quoted from them.

use crate::analysis::Lang;
use crate::coach::Cue;
use crate::conversation::EventKind;
use crate::words::word_table;

word_table! {
    pub struct Words {
        pub call_report: &'static str,
        pub demo_run: &'static str,
        pub rehearsal: &'static str,
        pub audio_recorded: &'static str,
        pub your_voice: &'static str,
        pub the_conversation: &'static str,
        pub moments: &'static str,
        pub moments_intro: &'static str,
        pub tips: &'static str,
        pub bands: &'static str,
        pub over_the_call: &'static str,
        pub plots_legend: &'static str,
        pub cues_shown: &'static str,
        pub no_cues: &'static str,
        /// A plot's label counting close cues of different kinds ("{n}" the count).
        pub several_cues: &'static str,
        /// The timeline's label counting close events of different kinds.
        pub several_events: &'static str,
        pub duration: &'static str,
        pub talk_time: &'static str,
        pub pace: &'static str,
        pub volume: &'static str,
        pub pitch_range: &'static str,
        pub pitch: &'static str,
        pub pauses: &'static str,
        pub longest: &'static str,
        pub longest_monologue: &'static str,
        pub volume_excursions: &'static str,
        pub chars_per_min: &'static str,
        pub words_per_min: &'static str,
        pub seconds: &'static str,
        pub semitones: &'static str,
        pub db_vs_normal: &'static str,
        pub db_vs_default: &'static str,
        pub normal_baseline: &'static str,
        pub normal_default: &'static str,
        pub level_uncalibrated: &'static str,
        pub previous_none: &'static str,
        pub calls: &'static str,
        pub interruptions_per_call: &'static str,
        pub longest_hold: &'static str,
        pub times: &'static str,
        pub vs_normal: &'static str,
        pub vs_last_call: &'static str,
        pub unchanged: &'static str,
        pub target: &'static str,
        pub agent: &'static str,
        pub caller: &'static str,
        pub agent_talk: &'static str,
        pub caller_talk: &'static str,
        pub talk_share: &'static str,
        pub overlap: &'static str,
        pub agent_interruptions: &'static str,
        pub caller_interruptions: &'static str,
        pub response_gap: &'static str,
        pub dead_air: &'static str,
        pub holds: &'static str,
        pub hold_start: &'static str,
        pub hold_length: &'static str,
        pub over_limit: &'static str,
        pub no_holds: &'static str,
        pub caller_arousal: &'static str,
        pub arousal_text: &'static str,
        pub who_talked: &'static str,
        pub call_time: &'static str,
        pub on_target: &'static str,
        pub near_target: &'static str,
        pub off_target: &'static str,
        pub time: &'static str,
        pub cue: &'static str,
        pub no_audio: &'static str,
        pub audio_in_parts: &'static str,
        pub replay_from: &'static str,
        pub list_separator: &'static str,
        pub moment_fastest: &'static str,
        pub moment_loudest: &'static str,
        pub moment_monologue: &'static str,
        pub moment_interruption: &'static str,
        pub moment_hold: &'static str,
        pub moment_dead_air: &'static str,
        pub detail_pace: &'static str,
        pub detail_level: &'static str,
        pub detail_length: &'static str,
        pub detail_overlap: &'static str,
        pub tip_fast: &'static str,
        pub tip_loud: &'static str,
        pub tip_monologue: &'static str,
        pub tip_interruption: &'static str,
        pub tip_hold: &'static str,
        pub tip_dead_air: &'static str,
        pub tip_all_good: &'static str,
    }
}

pub const ZH: Words = Words {
    call_report: "通话报告",
    demo_run: "演示",
    rehearsal: "练习",
    audio_recorded: "已录音",
    your_voice: "您的声音",
    the_conversation: "对话",
    moments: "值得回放的时刻",
    moments_intro: "按时间排列；每段从该时刻前几秒开始。",
    tips: "下一通可以试试",
    bands: "在目标范围内的时间",
    over_the_call: "整通电话",
    plots_legend: "绿色区域：目标范围；红色竖线：当时显示的提示。",
    cues_shown: "通话中显示的提示",
    no_cues: "这通电话没有提示。",
    several_cues: "{n} 个提示",
    several_events: "{n} 个事件",
    duration: "时长",
    talk_time: "说话时间",
    pace: "语速",
    volume: "音量",
    pitch_range: "语调起伏",
    pitch: "音高 (Hz)",
    pauses: "停顿",
    longest: "最长",
    longest_monologue: "最长的一段独白",
    volume_excursions: "音量偏离（1 秒以上）",
    chars_per_min: "字/分钟",
    words_per_min: "词/分钟",
    seconds: "秒",
    semitones: "半音",
    db_vs_normal: "分贝（相对您的平常音量）",
    db_vs_default: "分贝（相对默认平常音量）",
    normal_baseline: "您的平常音量",
    normal_default: "默认平常音量",
    level_uncalibrated: "校准后，这里显示相对您平常音量的分贝数",
    previous_none: "这是第一通有记录的电话",
    calls: "通电话",
    interruptions_per_call: "每通打断",
    longest_hold: "最长保持",
    times: "次",
    vs_normal: "比平常",
    vs_last_call: "比上一通",
    unchanged: "持平",
    target: "目标",
    agent: "坐席",
    caller: "客户",
    agent_talk: "您说话",
    caller_talk: "客户说话",
    talk_share: "您的说话占比",
    overlap: "同时说话",
    agent_interruptions: "您打断客户",
    caller_interruptions: "客户打断您",
    response_gap: "回应间隔（中位数）",
    dead_air: "冷场",
    holds: "保持通话",
    hold_start: "开始",
    hold_length: "时长",
    over_limit: "超过 30 秒",
    no_holds: "没有保持通话。",
    caller_arousal: "客户情绪",
    arousal_text: "音高最高 +{st} 半音，音量最高 +{db} 分贝（相对客户开头）",
    who_talked: "谁在说话",
    call_time: "通话时间",
    on_target: "合适",
    near_target: "稍偏",
    off_target: "偏离",
    time: "时间",
    cue: "提示",
    no_audio: "这通电话没有录音：打开“录音”后，可以在这里直接回放这些时刻。",
    audio_in_parts: "录音中途换过设备，分成了几段，无法对准时间回放。",
    replay_from: "从 {time} 开始回放",
    list_separator: "；",
    moment_fastest: "语速最快的 20 秒",
    moment_loudest: "音量最高的 20 秒",
    moment_monologue: "最长的一段独白",
    moment_interruption: "打断客户",
    moment_hold: "保持通话",
    moment_dead_air: "冷场",
    detail_pace: "{value} {unit}（目标 {lo}–{hi}）",
    detail_level: "比{normal} {value} 分贝",
    detail_length: "{value} 秒",
    detail_overlap: "同时说话 {value} 秒",
    tip_fast: "{time} 这段语速到了 {value} {unit}。讲金额、日期、操作步骤时放慢，每说完一个要点停一拍，让客户记下来。",
    tip_loud: "{time} 起声音比{normal}高 {value} 分贝。客户着急时把声音放低一点，语气平稳，对方更容易跟着平静下来。",
    tip_monologue: "{time} 起您连续说了 {value} 秒。说两三句就停一下，问一句“这样说清楚吗？”，把话筒交给客户。",
    tip_interruption: "{time} 客户还没说完您就开口了。先用“嗯”“好的”表示在听，等客户停下来再回答。",
    tip_hold: "{time} 的保持通话持续了 {value} 秒。“请稍等”只适合半分钟以内；更久时先告诉客户大约要多久，中途回来报一下进度。",
    tip_dead_air: "{time} 双方沉默了 {value} 秒。查资料时也说出来：“我正在帮您查，请稍等几秒。”",
    tip_all_good: "这通电话的语速、音量和对话都在目标范围内。回放一段，记住这种感觉。",
};

pub const EN: Words = Words {
    call_report: "Call report",
    demo_run: "demo run",
    rehearsal: "rehearsal",
    audio_recorded: "audio recorded",
    your_voice: "Your voice",
    the_conversation: "The conversation",
    moments: "Moments worth a replay",
    moments_intro: "In call order; each starts a few seconds before the moment.",
    tips: "To try on your next call",
    bands: "Time in the target bands",
    over_the_call: "Over the call",
    plots_legend: "Green area: the target band; red lines: the cues you were shown.",
    cues_shown: "Cues shown during the call",
    no_cues: "No cues during this call.",
    several_cues: "{n} cues",
    several_events: "{n} events",
    duration: "Duration",
    talk_time: "Talk time",
    pace: "Pace",
    volume: "Volume",
    pitch_range: "Pitch range",
    pitch: "Pitch (Hz)",
    pauses: "Pauses",
    longest: "longest",
    longest_monologue: "Longest monologue",
    volume_excursions: "Volume off target (1 s or more)",
    chars_per_min: "chars/min",
    words_per_min: "words/min",
    seconds: "s",
    semitones: "semitones",
    db_vs_normal: "dB vs your normal",
    db_vs_default: "dB vs the default normal level",
    normal_baseline: "your normal",
    normal_default: "the default normal level",
    level_uncalibrated: "calibrate to see this against your normal voice",
    previous_none: "your first stored call",
    calls: "calls",
    interruptions_per_call: "interruptions per call",
    longest_hold: "longest hold",
    times: "×",
    vs_normal: "vs your normal",
    vs_last_call: "vs your last call",
    unchanged: "same",
    target: "target",
    agent: "Agent",
    caller: "Caller",
    agent_talk: "You talked",
    caller_talk: "Caller talked",
    talk_share: "Your share of the talk",
    overlap: "Both talking",
    agent_interruptions: "You interrupted",
    caller_interruptions: "Caller interrupted",
    response_gap: "Response gap (median)",
    dead_air: "Dead air",
    holds: "Holds",
    hold_start: "Start",
    hold_length: "Length",
    over_limit: "over 30 s",
    no_holds: "No holds.",
    caller_arousal: "Caller arousal",
    arousal_text: "pitch up to +{st} semitones, level up to +{db} dB vs their opening",
    who_talked: "Who talked",
    call_time: "Call time",
    on_target: "on target",
    near_target: "a little off",
    off_target: "off target",
    time: "Time",
    cue: "Cue",
    no_audio: "No audio was recorded: switch on Record to replay these moments here.",
    audio_in_parts: "The recording was split when the device changed, so it cannot be lined up.",
    replay_from: "replay from {time}",
    list_separator: "; ",
    moment_fastest: "Your fastest 20 seconds",
    moment_loudest: "Your loudest 20 seconds",
    moment_monologue: "Your longest monologue",
    moment_interruption: "Talking over the caller",
    moment_hold: "A hold",
    moment_dead_air: "Dead air",
    detail_pace: "{value} {unit} (target {lo}–{hi})",
    detail_level: "{value} dB vs {normal}",
    detail_length: "{value} s",
    detail_overlap: "{value} s of talking over",
    tip_fast: "At {time} your pace reached {value} {unit}. Slow down for amounts, dates and steps, and pause after each one so the caller can write it down.",
    tip_loud: "From {time} you were {value} dB above {normal}. When a caller is anxious, bring your voice down a notch and keep it even: they tend to follow.",
    tip_monologue: "From {time} you talked for {value} s without a break. After two or three sentences, stop and check (\"Does that make sense?\") to hand the call back.",
    tip_interruption: "At {time} you started before the caller had finished. Show you are listening (\"mm\", \"I see\") and answer once they stop.",
    tip_hold: "The hold at {time} lasted {value} s. \"One moment, please\" is for half a minute at most; for longer, tell the caller how long and come back with an update.",
    tip_dead_air: "At {time} neither of you spoke for {value} s. Say what you are doing: \"I'm looking that up for you, just a few seconds.\"",
    tip_all_good: "Pace, volume and the conversation stayed on target this call. Replay a moment to remember how it feels.",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// The report's language when nobody chose one: Chinese for a zh locale, else English
/// (as the window picks its interface language).
pub fn lang_from_environment() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
    match locale {
        Some(l) if l.to_lowercase().starts_with("zh") => Lang::Zh,
        _ => Lang::En,
    }
}

/// A cue's short name, as a plot label and a table row read it.
pub fn cue_name(lang: Lang, cue: Cue) -> &'static str {
    let (zh, en) = match cue {
        Cue::Clipping => ("声音过载", "Overloading"),
        Cue::MicTooQuiet => ("麦克风太小声", "Mic too quiet"),
        Cue::HoldTooLong => ("等待太久", "Long hold"),
        Cue::LetCallerFinish => ("先让客户说完", "Let the caller finish"),
        Cue::DeadAir => ("冷场", "Dead air"),
        Cue::CallerUpset => ("客户情绪激动", "Caller upset"),
        Cue::LosingCalm => ("保持冷静", "Losing calm"),
        Cue::TooFast => ("语速太快", "Too fast"),
        Cue::TooSlow => ("语速太慢", "Too slow"),
        Cue::TooLoud => ("声音太大", "Too loud"),
        Cue::TooSoft => ("声音太小", "Too soft"),
        Cue::Flat => ("语调太平", "Flat voice"),
    };
    if lang == Lang::Zh { zh } else { en }
}

/// A conversation event's short name, as the timeline's markers read it.
pub fn event_name(lang: Lang, kind: EventKind) -> &'static str {
    let (zh, en) = match kind {
        EventKind::AgentInterruption => ("您打断", "You interrupted"),
        EventKind::CallerInterruption => ("客户打断", "Caller interrupted"),
        EventKind::DeadAir => ("冷场", "Dead air"),
        EventKind::Hold => ("保持", "Hold"),
    };
    if lang == Lang::Zh { zh } else { en }
}

/// The pace unit of a call in `speech` language, in the reader's language.
pub fn pace_unit(lang: Lang, speech: Lang) -> &'static str {
    match speech {
        Lang::Zh => words(lang).chars_per_min,
        Lang::En => words(lang).words_per_min,
    }
}

/// Every Chinese string the report can show, for the window's font subset.
pub fn all_chinese_text() -> String {
    let mut all = [ZH.texts(), vec!["秒分钟小时，"]].concat().concat();
    for cue in ALL_CUES {
        all.push_str(cue_name(Lang::Zh, cue));
    }
    for kind in ALL_EVENTS {
        all.push_str(event_name(Lang::Zh, kind));
    }
    all
}

const ALL_CUES: [Cue; 12] = [
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
];
const ALL_EVENTS: [EventKind; 4] = [
    EventKind::AgentInterruption,
    EventKind::CallerInterruption,
    EventKind::DeadAir,
    EventKind::Hold,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_subset_covers_every_chinese_word_of_the_report() {
        let missing = crate::ui::fonts::missing_from_bundled_subset(&all_chinese_text());
        assert!(
            missing.is_empty(),
            "rebuild the font subset (scripts/make-font-subset.sh); missing: {missing}"
        );
    }

    #[test]
    fn no_cue_or_event_is_named_in_code_words() {
        for lang in [Lang::Zh, Lang::En] {
            for cue in ALL_CUES {
                let name = cue_name(lang, cue);
                assert_ne!(name, format!("{cue:?}"), "{cue:?}");
            }
        }
        assert_eq!(cue_name(Lang::Zh, Cue::MicTooQuiet), "麦克风太小声");
        assert_eq!(cue_name(Lang::En, Cue::MicTooQuiet), "Mic too quiet");
        assert_eq!(event_name(Lang::Zh, EventKind::Hold), "保持");
    }

    #[test]
    fn the_chinese_words_hold_no_english_beyond_units() {
        // Placeholders (`{n}`, `{time}`) are names for `fill`, not words a reader sees.
        let mut shown = String::new();
        let mut in_placeholder = false;
        for c in all_chinese_text().chars() {
            match c {
                '{' => in_placeholder = true,
                '}' => in_placeholder = false,
                _ if !in_placeholder => shown.push(c),
                _ => {}
            }
        }
        let english: String = shown
            .replace("Hz", "")
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .replace("db", "");
        assert!(english.is_empty(), "{english}");
    }

    #[test]
    fn the_pace_unit_follows_the_speech_language_not_the_interface() {
        assert_eq!(pace_unit(Lang::Zh, Lang::En), "词/分钟");
        assert_eq!(pace_unit(Lang::En, Lang::Zh), "chars/min");
    }
}
