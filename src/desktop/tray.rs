//! The notification-area icon, on Windows and Linux: a dot in the state's colour (grey
//! waiting for a call, green on a call, red microphone lost) with the state as its tooltip
//! (Windows), and a menu to show or hide the window and to quit. A click on the icon brings
//! the window forward (Windows; on Linux a click opens the menu).
//!
//! Through Tauri's `tray-icon`. On Windows a `Shell_NotifyIconW` icon on a hidden window of
//! the UI thread, whose message loop eframe runs, so [`Tray`] is made on that thread. On
//! Linux libayatana-appindicator through GTK 3, which wants the icon made, changed and
//! clicked on a thread running GTK's main loop: winit's loop is not one, so [`linux`] runs a
//! thread of its own and the UI thread only hands it the newest state. If GTK cannot start
//! (no X display, no appindicator library), [`Tray::start`] says why and the window works
//! as before (README, "Dependencies").
//!
//! The menu's clicks are queued for the window's next frame (and ask for one); nothing
//! here touches the audio.

#[cfg(target_os = "linux")]
mod linux;

use crossbeam_channel::Receiver;
use thiserror::Error;

/// What the icon shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayState {
    Waiting,
    OnCall,
    MicrophoneLost,
}

/// What the agent asked for from the icon or its menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayRequest {
    /// The menu's "show / hide the window".
    ShowOrHide,
    /// A click on the icon.
    Show,
    Quit,
}

/// The menu's words, in the interface language.
pub struct TrayWords<'a> {
    pub show_or_hide: &'a str,
    pub quit: &'a str,
}

#[derive(Debug, Error)]
pub enum TrayError {
    #[error("no tray icon: {0}")]
    Failed(String),
    #[error("no tray icon on this platform (see README, Dependencies)")]
    Unavailable,
}

/// The icon's side length in pixels: Windows and the Linux tray hosts scale it to the
/// notification area's size.
pub const ICON_SIZE: u32 = 32;

/// The icon for `state`: a dot in the gauges' colours on a transparent square, RGBA.
pub fn icon_rgba(state: TrayState) -> Vec<u8> {
    let [r, g, b] = match state {
        TrayState::Waiting => [0x90, 0xa4, 0xae],
        TrayState::OnCall => [0x2e, 0x7d, 0x32],
        TrayState::MicrophoneLost => [0xc6, 0x28, 0x28],
    };
    let n = ICON_SIZE as f32;
    let (centre, radius) = (n / 2.0, n / 2.0 - 2.0);
    let mut rgba = Vec::with_capacity((ICON_SIZE * ICON_SIZE * 4) as usize);
    for y in 0..ICON_SIZE {
        for x in 0..ICON_SIZE {
            let (dx, dy) = (x as f32 + 0.5 - centre, y as f32 + 0.5 - centre);
            // One pixel of soft edge.
            let alpha = (radius + 0.5 - (dx * dx + dy * dy).sqrt()).clamp(0.0, 1.0);
            rgba.extend_from_slice(&[r, g, b, (alpha * 255.0).round() as u8]);
        }
    }
    rgba
}

/// The notification-area icon and the requests from it.
pub struct Tray {
    #[cfg(windows)]
    icon: tray_icon::TrayIcon,
    #[cfg(target_os = "linux")]
    icon: linux::GtkTray,
    shown: Option<(TrayState, String)>,
    requests: Receiver<TrayRequest>,
}

impl Tray {
    /// Shows the icon (waiting). `on_request` (e.g. a repaint request) runs after each
    /// click, on the UI thread.
    pub fn start(
        words: &TrayWords<'_>,
        on_request: impl Fn() + Send + Sync + 'static,
    ) -> Result<Self, TrayError> {
        #[cfg(windows)]
        {
            use tray_icon::menu::{Menu, MenuEvent, MenuId, MenuItem};
            use tray_icon::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
            let failed = |e: &dyn std::fmt::Display| TrayError::Failed(e.to_string());
            let menu = Menu::new();
            let show_or_hide = MenuItem::with_id("show-or-hide", words.show_or_hide, true, None);
            let quit = MenuItem::with_id("quit", words.quit, true, None);
            menu.append(&show_or_hide).map_err(|e| failed(&e))?;
            menu.append(&quit).map_err(|e| failed(&e))?;
            let icon =
                tray_icon::Icon::from_rgba(icon_rgba(TrayState::Waiting), ICON_SIZE, ICON_SIZE)
                    .map_err(|e| failed(&e))?;
            let icon = TrayIconBuilder::new()
                .with_menu(Box::new(menu))
                .with_icon(icon)
                .with_tooltip("speech-coach")
                .build()
                .map_err(|e| failed(&e))?;
            let (send, requests) = crossbeam_channel::unbounded();
            let on_request = std::sync::Arc::new(on_request);
            let (menu_send, menu_wake) = (send.clone(), on_request.clone());
            MenuEvent::set_event_handler(Some(move |event: MenuEvent| {
                let request = if event.id == MenuId::new("quit") {
                    TrayRequest::Quit
                } else {
                    TrayRequest::ShowOrHide
                };
                let _ = menu_send.send(request);
                menu_wake();
            }));
            TrayIconEvent::set_event_handler(Some(move |event: TrayIconEvent| {
                if let TrayIconEvent::Click {
                    button: MouseButton::Left,
                    button_state: MouseButtonState::Up,
                    ..
                } = event
                {
                    let _ = send.send(TrayRequest::Show);
                    on_request();
                }
            }));
            Ok(Self { icon, shown: None, requests })
        }
        #[cfg(target_os = "linux")]
        {
            let (icon, requests) = linux::GtkTray::start(words, on_request)?;
            Ok(Self { icon, shown: None, requests })
        }
        #[cfg(not(any(windows, target_os = "linux")))]
        {
            let _ = (words, on_request);
            Err(TrayError::Unavailable)
        }
    }

    /// Shows `state` (icon and tooltip) unless it already does.
    pub fn show(&mut self, state: TrayState, tooltip: &str) {
        if self.shown.as_ref().is_some_and(|(s, t)| *s == state && t == tooltip) {
            return;
        }
        #[cfg(windows)]
        {
            if let Ok(icon) = tray_icon::Icon::from_rgba(icon_rgba(state), ICON_SIZE, ICON_SIZE) {
                let _ = self.icon.set_icon(Some(icon));
            }
            let _ = self.icon.set_tooltip(Some(tooltip));
        }
        // (libappindicator has no tooltip: the icon says the state by its colour.)
        #[cfg(target_os = "linux")]
        self.icon.show(state);
        self.shown = Some((state, tooltip.to_string()));
    }

    /// The clicks since the last call.
    pub fn requests(&self) -> Vec<TrayRequest> {
        self.requests.try_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_a_dot_in_the_states_colour_on_a_transparent_square() {
        let pixel = |rgba: &[u8], x: u32, y: u32| {
            let i = ((y * ICON_SIZE + x) * 4) as usize;
            [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
        };
        let mid = ICON_SIZE / 2;
        for (state, rgb) in [
            (TrayState::Waiting, [0x90, 0xa4, 0xae]),
            (TrayState::OnCall, [0x2e, 0x7d, 0x32]),
            (TrayState::MicrophoneLost, [0xc6, 0x28, 0x28]),
        ] {
            let rgba = icon_rgba(state);
            assert_eq!(rgba.len(), (ICON_SIZE * ICON_SIZE * 4) as usize);
            assert_eq!(pixel(&rgba, mid, mid), [rgb[0], rgb[1], rgb[2], 255], "{state:?}");
            assert_eq!(pixel(&rgba, 0, 0)[3], 0, "corners are transparent");
        }
    }
}
