//! The interface language: a setting, read from the settings file and the environment,
//! and the language the window's words (`ui::i18n`) and the reports are in.

use serde::{Deserialize, Deserializer, Serialize};

use crate::analysis::Lang;

/// The interface language. Spelled like the speech language in the settings file
/// (`"zh"`/`"en"`); older files wrote `"Zh"`/`"En"`, which still read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum UiLang {
    #[default]
    Zh,
    En,
}

impl<'de> Deserialize<'de> for UiLang {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Lang::deserialize(deserializer)? {
            Lang::Zh => UiLang::Zh,
            Lang::En => UiLang::En,
        })
    }
}

/// The interface language as the session store spells a language: what the report is
/// written in.
impl From<UiLang> for Lang {
    fn from(lang: UiLang) -> Self {
        match lang {
            UiLang::Zh => Lang::Zh,
            UiLang::En => Lang::En,
        }
    }
}

impl UiLang {
    /// Chinese when `LANG`/`LC_ALL`/`LC_MESSAGES` name a zh locale (on Windows without
    /// them, the user's Windows locale), else English.
    pub fn from_environment() -> Self {
        match crate::platform::locale::user_locale() {
            Some(l) if l.to_lowercase().starts_with("zh") => UiLang::Zh,
            _ => UiLang::En,
        }
    }
}
