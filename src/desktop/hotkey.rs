//! The hold key that works while another program has the focus: the agent is in the
//! softphone when they put the caller on hold, and the window's own H key only works
//! when the window has the focus.
//!
//! Through the `global-hotkey` crate (Tauri's): on Windows `RegisterHotKey` on a hidden
//! window of the UI thread, whose message loop eframe already runs (so [`HoldHotkey`] is
//! made on that thread); on Linux a passive grab on the X root window through its own X
//! connection and thread (pure Rust, x11rb), so it needs an X11 session: under Wayland
//! it only works while an X11 (XWayland) window has the focus. On macOS it is not offered.
//!
//! The key is a setting (`hold_hotkey`, e.g. `Ctrl+Alt+H`; empty: none). A press only
//! asks the window to act on it at its next frame; nothing here touches the audio.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use thiserror::Error;

/// The key unless the settings name another: H as the window's own hold key, with two
/// modifiers that softphones and office programs leave alone.
pub const DEFAULT_HOLD_HOTKEY: &str = "Ctrl+Alt+H";

#[derive(Debug, Clone, PartialEq, Error)]
pub enum HotkeyError {
    #[error("hold hotkey {spec:?}: not a key combination (e.g. Ctrl+Alt+H, Ctrl+Shift+F9)")]
    Parse { spec: String },
    #[error("hold hotkey {spec:?}: a combination needs Ctrl, Alt or Shift, or a function key")]
    Bare { spec: String },
    #[error("hold hotkey {spec}: {reason}")]
    Register { spec: String, reason: String },
    #[error("a hold hotkey outside the window is not available here: {reason}")]
    Unavailable { reason: String },
}

/// A key combination as the agent reads it: `Ctrl+Alt+H`, `Shift+F9`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Combination {
    #[cfg(any(target_os = "linux", windows))]
    hotkey: global_hotkey::hotkey::HotKey,
}

/// Reads a key combination from the settings (case and spaces do not matter); an empty
/// one is `None` (no hotkey).
pub fn parse(spec: &str) -> Result<Option<Combination>, HotkeyError> {
    let compact: String = spec.split_whitespace().collect();
    if compact.is_empty() {
        return Ok(None);
    }
    #[cfg(any(target_os = "linux", windows))]
    {
        use global_hotkey::hotkey::{Code, HotKey, Modifiers};
        let hotkey: HotKey =
            compact.parse().map_err(|_| HotkeyError::Parse { spec: spec.to_string() })?;
        // A plain letter would be taken from every program (no more typing "h").
        let function_key = matches!(
            hotkey.key,
            Code::F1
                | Code::F2
                | Code::F3
                | Code::F4
                | Code::F5
                | Code::F6
                | Code::F7
                | Code::F8
                | Code::F9
                | Code::F10
                | Code::F11
                | Code::F12
                | Code::Pause
        );
        let chorded = hotkey.mods.intersects(Modifiers::CONTROL | Modifiers::ALT | Modifiers::META);
        if !chorded && !function_key {
            return Err(HotkeyError::Bare { spec: spec.to_string() });
        }
        Ok(Some(Combination { hotkey }))
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    Err(HotkeyError::Unavailable { reason: "not on this platform".into() })
}

impl std::fmt::Display for Combination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        #[cfg(any(target_os = "linux", windows))]
        {
            use global_hotkey::hotkey::Modifiers;
            let mods = self.hotkey.mods;
            for (m, name) in [
                (Modifiers::CONTROL, "Ctrl+"),
                (Modifiers::ALT, "Alt+"),
                (Modifiers::SHIFT, "Shift+"),
                (Modifiers::META, "Super+"),
            ] {
                if mods.contains(m) {
                    f.write_str(name)?;
                }
            }
            let key = self.hotkey.key.to_string();
            let key = key.strip_prefix("Key").or(key.strip_prefix("Digit")).unwrap_or(&key);
            f.write_str(key)
        }
        #[cfg(not(any(target_os = "linux", windows)))]
        f.write_str("")
    }
}

/// The registered hold hotkey; presses are counted for the window to pick up.
pub struct HoldHotkey {
    #[cfg(any(target_os = "linux", windows))]
    manager: global_hotkey::GlobalHotKeyManager,
    current: Option<Combination>,
    /// The registered combination's id (0: none), read by the event handler.
    id: Arc<AtomicU32>,
    presses: Arc<AtomicUsize>,
    taken: usize,
}

impl HoldHotkey {
    /// Starts listening; `on_press` (e.g. a repaint request) runs on the hotkey's thread
    /// after each press. On Windows this must run on the UI thread.
    pub fn start(on_press: impl Fn() + Send + Sync + 'static) -> Result<Self, HotkeyError> {
        #[cfg(any(target_os = "linux", windows))]
        {
            use global_hotkey::{GlobalHotKeyEvent, GlobalHotKeyManager, HotKeyState};
            let manager = GlobalHotKeyManager::new()
                .map_err(|e| HotkeyError::Unavailable { reason: e.to_string() })?;
            let id = Arc::new(AtomicU32::new(0));
            let presses = Arc::new(AtomicUsize::new(0));
            let (handler_id, handler_presses) = (id.clone(), presses.clone());
            GlobalHotKeyEvent::set_event_handler(Some(move |event: GlobalHotKeyEvent| {
                let ours = event.id == handler_id.load(Ordering::Relaxed) && event.id != 0;
                if ours && event.state == HotKeyState::Pressed {
                    handler_presses.fetch_add(1, Ordering::Relaxed);
                    on_press();
                }
            }));
            Ok(Self { manager, current: None, id, presses, taken: 0 })
        }
        #[cfg(not(any(target_os = "linux", windows)))]
        {
            let _ = on_press;
            Err(HotkeyError::Unavailable { reason: "not on this platform".into() })
        }
    }

    /// Makes `spec` the hold hotkey (empty: none); on an error the previous one is gone
    /// and none is registered.
    pub fn set(&mut self, spec: &str) -> Result<Option<Combination>, HotkeyError> {
        #[cfg(any(target_os = "linux", windows))]
        if let Some(old) = self.current.take() {
            self.id.store(0, Ordering::Relaxed);
            let _ = self.manager.unregister(old.hotkey);
        }
        let Some(combination) = parse(spec)? else { return Ok(None) };
        #[cfg(any(target_os = "linux", windows))]
        {
            self.manager.register(combination.hotkey).map_err(|e| HotkeyError::Register {
                spec: combination.to_string(),
                reason: match e {
                    global_hotkey::Error::AlreadyRegistered(_) => {
                        "another program already uses it".to_string()
                    }
                    other => other.to_string(),
                },
            })?;
            self.id.store(combination.hotkey.id(), Ordering::Relaxed);
        }
        self.current = Some(combination);
        Ok(self.current)
    }

    /// Presses since the last call.
    pub fn take_presses(&mut self) -> usize {
        let total = self.presses.load(Ordering::Relaxed);
        let new = total.wrapping_sub(self.taken);
        self.taken = total;
        new
    }
}

#[cfg(all(test, any(target_os = "linux", windows)))]
mod tests {
    use super::*;

    #[test]
    fn combinations_read_as_people_write_them_and_show_the_same_way() {
        let shown = |spec: &str| parse(spec).unwrap().unwrap().to_string();
        assert_eq!(shown("Ctrl+Alt+H"), "Ctrl+Alt+H");
        assert_eq!(shown("ctrl + alt + h"), "Ctrl+Alt+H");
        assert_eq!(shown("Shift+F9"), "Shift+F9");
        assert_eq!(shown("F8"), "F8");
        assert_eq!(shown("Control+Shift+1"), "Ctrl+Shift+1");
        assert_eq!(parse("  ").unwrap(), None, "empty: no hotkey");
        assert!(matches!(parse("Ctrl+Banana"), Err(HotkeyError::Parse { .. })));
        // A bare letter would stop the agent typing it in every program.
        assert!(matches!(parse("H"), Err(HotkeyError::Bare { .. })));
        assert!(matches!(parse("Shift+H"), Err(HotkeyError::Bare { .. })));
    }
}
