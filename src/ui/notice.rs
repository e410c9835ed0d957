//! The window's notice line, kept as what happened rather than as words, so that it is
//! said in the interface language of the moment: built as text once, a notice stayed in
//! the language the window started in after the agent switched (the no-microphone
//! notice read "没有找到麦克风 → 演示" under an English interface, and the reverse).

use crate::coach::rehearsal::ScriptNotice;
use crate::settings::{SettingsNotice, UiLang};
use crate::ui::i18n;
use crate::words::fill;

#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Words that come as they are: a file's path and the system's reason for an error.
    Said(String),
    /// No microphone at start: the demo plays instead (the reason is on stderr).
    NoMicrophone,
    /// What the settings file and the rehearsal script could not be used for, at start.
    Startup { settings: Vec<SettingsNotice>, script: Vec<ScriptNotice> },
    /// Text no font could draw, and the font to install.
    MissingGlyphs { chars: String, font: &'static str },
}

impl Notice {
    /// The line in `lang` (`None`: nothing to say).
    pub fn text(&self, lang: UiLang) -> Option<String> {
        match self {
            Notice::Said(text) => Some(text.clone()),
            Notice::NoMicrophone => Some(i18n::no_microphone_notice(lang)),
            Notice::Startup { settings, script } => i18n::notices_line(lang, settings, script),
            Notice::MissingGlyphs { chars, font } => {
                let w = i18n::window_strings(lang);
                Some(fill(w.missing_glyphs, &[("chars", chars), ("font", font)]))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_follows_the_interface_language_of_the_moment() {
        let zh = Notice::NoMicrophone.text(UiLang::Zh).unwrap();
        let en = Notice::NoMicrophone.text(UiLang::En).unwrap();
        assert_eq!(zh, "没有找到麦克风 → 演示");
        assert_eq!(en, "No microphone found → Demo");
        let glyphs = Notice::MissingGlyphs { chars: "语".into(), font: "fonts-noto-cjk" };
        let (zh, en) = (glyphs.text(UiLang::Zh).unwrap(), glyphs.text(UiLang::En).unwrap());
        assert!(zh.contains('语') && en.contains('语') && zh != en, "{zh} / {en}");
        assert_eq!(Notice::Startup { settings: vec![], script: vec![] }.text(UiLang::En), None);
    }
}
