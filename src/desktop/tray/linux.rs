//! The icon on Linux: a thread of its own running GTK 3's main loop, on which
//! libayatana-appindicator's icon is made, changed and clicked (tray-icon: "you have to
//! create the tray icon on the same thread as the event loop"; winit's loop on the UI
//! thread is not GTK's). The UI thread never calls GTK: [`GtkTray::show`] only sends the
//! state, and a GLib timeout on the GTK thread applies the newest one.
//!
//! The indicator speaks StatusNotifierItem over D-Bus when a panel runs a watcher; without
//! one it falls back to a GtkStatusIcon, an XEmbed icon that any system tray (trayer,
//! xfce4-panel, stalonetray) docks: the path `tests/desktop.rs` checks under Xvfb.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, TryRecvError};

use super::{ICON_SIZE, TrayError, TrayRequest, TrayState, TrayWords, icon_rgba};

/// How often the GTK thread looks for a new state: a state shown 0.1 s late is unseen,
/// and ten wake-ups a second cost nothing measurable.
const POLL: Duration = Duration::from_millis(100);

/// How long [`GtkTray::start`] waits for GTK and the indicator (under 0.1 s under Xvfb).
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// How long dropping [`GtkTray`] waits for the GTK thread to remove the icon: one poll and
/// the removal, with room to spare.
const STOP_TIMEOUT: Duration = Duration::from_secs(1);

/// The UI thread's end of the GTK thread: dropping it ends GTK's main loop and waits (at
/// most [`STOP_TIMEOUT`]) until the icon is gone, so that tray-icon deletes the PNG it
/// wrote for it instead of leaving one behind each run.
pub struct GtkTray {
    states: Option<Sender<TrayState>>,
    /// Closed when the GTK thread ends.
    stopped: Receiver<()>,
}

impl GtkTray {
    /// Starts the GTK thread and waits until its icon is up, or for why it is not.
    pub fn start(
        words: &TrayWords<'_>,
        on_request: impl Fn() + Send + Sync + 'static,
    ) -> Result<(Self, Receiver<TrayRequest>), TrayError> {
        let words = (words.show_or_hide.to_string(), words.quit.to_string());
        let (states, states_in) = crossbeam_channel::unbounded();
        let (started_out, started) = crossbeam_channel::bounded(1);
        let (send, requests) = crossbeam_channel::unbounded();
        let (stopping, stopped) = crossbeam_channel::bounded::<()>(0);
        std::thread::Builder::new()
            .name("tray-gtk".into())
            .spawn(move || {
                let _stopping = stopping;
                run(&words, states_in, &started_out, send, Arc::new(on_request));
            })
            .map_err(|e| TrayError::Failed(format!("cannot start the GTK thread: {e}")))?;
        match started.recv_timeout(START_TIMEOUT) {
            Ok(Ok(())) => Ok((Self { states: Some(states), stopped }, requests)),
            Ok(Err(why)) => Err(TrayError::Failed(why)),
            Err(_) => Err(TrayError::Failed(format!(
                "GTK did not start in {} s",
                START_TIMEOUT.as_secs()
            ))),
        }
    }

    /// Hands `state` to the GTK thread.
    pub fn show(&self, state: TrayState) {
        if let Some(states) = &self.states {
            let _ = states.send(state);
        }
    }
}

impl Drop for GtkTray {
    fn drop(&mut self) {
        self.states = None;
        let _ = self.stopped.recv_timeout(STOP_TIMEOUT);
    }
}

/// The GTK thread: init, the icon and its menu, then GTK's main loop until the UI thread's
/// end is dropped.
fn run(
    (show_or_hide, quit): &(String, String),
    states: Receiver<TrayState>,
    started: &Sender<Result<(), String>>,
    send: Sender<TrayRequest>,
    on_request: Arc<dyn Fn() + Send + Sync>,
) {
    // GTK names its X windows (the icon, its menu, a hidden leader) after the application:
    // "speech-coach" would be taken for the window itself (`xdotool search --name`).
    gtk::glib::set_application_name("speech-coach tray");
    if let Err(e) = gtk::init() {
        let _ = started.send(Err(format!("GTK cannot start ({e}): no display it can open?")));
        return;
    }
    // libappindicator-sys opens libayatana-appindicator3.so.1 (or libappindicator3.so.1)
    // at the first call and panics when neither is installed.
    let built = std::panic::catch_unwind(AssertUnwindSafe(|| build(show_or_hide, quit)));
    let icon = match built {
        Ok(Ok(icon)) => icon,
        Ok(Err(e)) => {
            let _ = started.send(Err(e));
            return;
        }
        Err(_) => {
            let _ = started.send(Err(
                "libayatana-appindicator3 (or libappindicator3) is not installed".into(),
            ));
            return;
        }
    };
    tray_icon::menu::MenuEvent::set_event_handler(Some(
        move |event: tray_icon::menu::MenuEvent| {
            let request = if event.id == tray_icon::menu::MenuId::new("quit") {
                TrayRequest::Quit
            } else {
                TrayRequest::ShowOrHide
            };
            let _ = send.send(request);
            on_request();
        },
    ));
    let _ = started.send(Ok(()));
    gtk::glib::timeout_add_local(POLL, move || {
        let mut newest = None;
        loop {
            match states.try_recv() {
                Ok(state) => newest = Some(state),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    gtk::main_quit();
                    return gtk::glib::ControlFlow::Break;
                }
            }
        }
        if let Some(state) = newest
            && let Ok(rgba) = tray_icon::Icon::from_rgba(icon_rgba(state), ICON_SIZE, ICON_SIZE)
        {
            let _ = icon.set_icon(Some(rgba));
        }
        gtk::glib::ControlFlow::Continue
    });
    gtk::main();
}

/// The indicator, grey, with its menu.
fn build(show_or_hide: &str, quit: &str) -> Result<tray_icon::TrayIcon, String> {
    use tray_icon::menu::{Menu, MenuItem};
    let failed = |e: &dyn std::fmt::Display| e.to_string();
    let menu = Menu::new();
    let show_or_hide = MenuItem::with_id("show-or-hide", show_or_hide, true, None);
    let quit = MenuItem::with_id("quit", quit, true, None);
    menu.append(&show_or_hide).map_err(|e| failed(&e))?;
    menu.append(&quit).map_err(|e| failed(&e))?;
    let icon = tray_icon::Icon::from_rgba(icon_rgba(TrayState::Waiting), ICON_SIZE, ICON_SIZE)
        .map_err(|e| failed(&e))?;
    // The indicator reads its icon from a PNG that tray-icon writes as
    // `tray-icon-<id>-<n>.png` in $XDG_RUNTIME_DIR/tray-icon (else /tmp): the process id
    // keeps two users' or two test runs' windows from writing and removing each other's.
    tray_icon::TrayIconBuilder::new()
        .with_id(format!("speech-coach-{}", std::process::id()))
        .with_menu(Box::new(menu))
        .with_icon(icon)
        .with_tooltip("speech-coach")
        .build()
        .map_err(|e| failed(&e))
}
