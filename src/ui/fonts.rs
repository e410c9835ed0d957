//! Fonts for the window: egui's own (Latin), then a system font that covers Chinese, then
//! the bundled subset (`assets/fonts/`) as the last fallback.
//!
//! The subset holds only the interface's characters, so a trainee's own script (ordinary
//! characters such as U+738B, U+5B89, U+9669…) would show as boxes without a full CJK font. The system font is found
//! through the platform's font database with `fontdb` (on Linux the folders fontconfig
//! lists, on Windows and macOS the system font folders) by its character map, not by a
//! fixed path or family name; it comes before the subset so that the interface and the
//! script share one typeface. Whatever no installed font can draw is recorded by a last
//! egui font provider, so the window can say so once instead of showing boxes silently.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use skrifa::MetadataProvider as _;

use crate::egui;

/// Bundled Chinese font subset (see assets/README.md for origin and licence).
const CJK_SUBSET: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei-subset.ttf");
const SUBSET_NAME: &str = "wqy-microhei-subset";
const SYSTEM_NAME: &str = "system-cjk";

/// Ordinary characters a font must have to be taken for Chinese text: common ones outside
/// the bundled subset (from a trainee's script that showed boxes) and the most frequent
/// characters of all. Written as escapes: the subset script takes every character written
/// under `src/ui/`, and these must stay out of the subset.
pub const CJK_PROBE: &str =
    "\u{738b}\u{5b89}\u{9669}\u{5458}\u{8d54}\u{8def}\u{56ed}\u{7684}\u{4e00}\u{662f}";

/// A CJK font to name when none is installed, the way this platform gets one: Debian's
/// package on Linux; on Windows the font of its Chinese language features; macOS ships
/// one.
pub const CJK_FONT_TO_INSTALL: &str = if cfg!(target_os = "windows") {
    "Microsoft YaHei (Settings > Time & language > Language: add Chinese)"
} else if cfg!(target_os = "macos") {
    "PingFang SC"
} else {
    "fonts-wqy-microhei"
};

/// A system font face that covers Chinese.
#[derive(Clone)]
pub struct SystemCjkFont {
    pub family: String,
    pub data: Arc<Vec<u8>>,
    pub index: u32,
}

impl std::fmt::Debug for SystemCjkFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (face {}, {} bytes)", self.family, self.index, self.data.len())
    }
}

/// The best face in `db` whose character map has every character of [`CJK_PROBE`]:
/// proportional before monospaced, upright before italic, regular weight first, then by
/// family name so that the choice does not depend on the order folders are read in.
pub fn find_cjk_font(db: &fontdb::Database) -> Option<SystemCjkFont> {
    let covers = |face: &fontdb::FaceInfo| {
        db.with_face_data(face.id, |data, index| {
            skrifa::FontRef::from_index(data, index).is_ok_and(|font| {
                let charmap = font.charmap();
                CJK_PROBE.chars().all(|c| charmap.map(c).is_some())
            })
        })
        .unwrap_or(false)
    };
    let family = |face: &fontdb::FaceInfo| {
        face.families.first().map_or_else(|| face.post_script_name.clone(), |(n, _)| n.clone())
    };
    let best = db.faces().filter(|f| covers(f)).min_by_key(|f| {
        let italic = f.style != fontdb::Style::Normal;
        (f.monospaced, italic, (i32::from(f.weight.0) - 400).abs(), family(f), f.index)
    })?;
    let (data, index) = db.with_face_data(best.id, |data, index| (data.to_vec(), index))?;
    Some(SystemCjkFont { family: family(best), data: Arc::new(data), index })
}

/// The system's CJK font, looked up once per process (enumerating the fonts reads every
/// font file's header).
pub fn system_cjk_font() -> Option<SystemCjkFont> {
    static FOUND: OnceLock<Option<SystemCjkFont>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            find_cjk_font(&db)
        })
        .clone()
}

/// Characters that no installed font could draw, as egui met them. Cheap to clone; every
/// clone sees the same record.
#[derive(Clone, Default)]
pub struct MissingGlyphs(Arc<Missing>);

#[derive(Default)]
struct Missing {
    chars: Mutex<Vec<char>>,
    reported: AtomicBool,
}

impl MissingGlyphs {
    /// The characters met so far, in the order they were met.
    pub fn chars(&self) -> Vec<char> {
        self.0.chars.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// True the first time only: the warning is said once.
    pub fn first_report(&self) -> bool {
        !self.0.reported.swap(true, Ordering::Relaxed)
    }
}

impl egui::FontProvider for MissingGlyphs {
    /// Asked last, after every installed font missed: finds nothing, remembers the miss.
    fn font_for(&self, request: &egui::FallbackRequest<'_>) -> Option<egui::FontInsert> {
        let c = request.cluster.chars().next()?;
        if let Ok(mut chars) = self.0.chars.lock()
            && !chars.contains(&c)
        {
            chars.push(c);
        }
        None
    }
}

/// What [`install_fonts_with`] installed.
#[derive(Clone, Default)]
pub struct InstalledFonts {
    /// The system font's family, when one covers Chinese.
    pub system_cjk: Option<String>,
    pub missing: MissingGlyphs,
}

/// Installs egui's fonts, the system CJK font when there is one, then the bundled subset,
/// and a provider that records what none of them can draw.
pub fn install_fonts(ctx: &egui::Context) -> InstalledFonts {
    install_fonts_with(ctx, system_cjk_font())
}

/// [`install_fonts`] with a given system font (`None`: as on a machine without one).
pub fn install_fonts_with(ctx: &egui::Context, system: Option<SystemCjkFont>) -> InstalledFonts {
    let mut fonts = egui::FontDefinitions::default();
    let mut names = Vec::new();
    if let Some(font) = &system {
        let data =
            egui::FontData { index: font.index, ..egui::FontData::from_owned(font.data.to_vec()) };
        fonts.font_data.insert(SYSTEM_NAME.into(), Arc::new(data));
        names.push(SYSTEM_NAME.to_string());
    }
    fonts.font_data.insert(SUBSET_NAME.into(), Arc::new(egui::FontData::from_static(CJK_SUBSET)));
    names.push(SUBSET_NAME.to_string());
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts.families.entry(family).or_default().extend(names.iter().cloned());
    }
    ctx.set_fonts(fonts);
    let missing = MissingGlyphs::default();
    ctx.add_font_provider(Arc::new(missing.clone()));
    InstalledFonts { system_cjk: system.map(|f| f.family), missing }
}

/// The characters of `text` that the bundled subset lacks (ASCII aside): every Chinese
/// string the interface or a report shows must be in it, so each word list's test asks
/// here rather than reading the subset's list itself.
#[cfg(test)]
pub(crate) fn missing_from_bundled_subset(text: &str) -> String {
    const COVERED: &str = include_str!("../../assets/fonts/subset-chars.txt");
    text.chars().filter(|c| !c.is_ascii() && !COVERED.contains(*c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_missing_font_notice_names_a_linux_package_on_linux_only() {
        let package = CJK_FONT_TO_INSTALL.starts_with("fonts-");
        assert_eq!(package, cfg!(target_os = "linux"), "{CJK_FONT_TO_INSTALL}");
    }

    #[test]
    fn an_empty_font_database_has_no_cjk_font() {
        assert!(find_cjk_font(&fontdb::Database::new()).is_none());
    }

    #[test]
    fn the_bundled_subset_alone_is_never_taken_for_a_full_cjk_font() {
        let mut db = fontdb::Database::new();
        db.load_font_data(CJK_SUBSET.to_vec());
        assert!(
            find_cjk_font(&db).is_none(),
            "the subset lacks ordinary characters outside the interface"
        );
    }
}
