//! `speech-coach devices`: the microphones and, apart from them, the sources that carry
//! the caller's side (output monitors; on Windows outputs by loopback and inputs such as a
//! virtual cable).

use anyhow::Result;
use speech_coach::audio::capture::{
    InputDevice, host_choice_hint, list_caller_sources, list_input_devices,
};

use super::terminal::clean;

#[derive(clap::Args, Debug, Default)]
pub struct DevicesArgs {
    /// Also list the devices that cannot be opened one by one (on Linux, ALSA's plugins:
    /// rate converters, JACK, OSS, up- and downmixers).
    #[arg(long)]
    pub all: bool,
}

/// The devices a person can pick: those that open, and the default. ALSA lists each of its
/// plugins as an input (nine on a plain Debian: rate converters, JACK, OSS, upmix…), none
/// of which opens as a microphone; listed one by one they buried the real devices (a
/// newcomer's pass, stop 31). They are counted on one line unless `--all`.
fn print(devices: &[InputDevice], none: &str, all: bool) -> Result<()> {
    let shown: Vec<&InputDevice> =
        devices.iter().filter(|d| all || d.is_default || d.opens()).collect();
    let hidden = devices.len() - shown.len();
    if devices.is_empty() {
        outln!("  {none}")?;
    } else if shown.is_empty() {
        outln!("  none that can be opened")?;
    }
    for d in &shown {
        let mark = if d.is_default { "*" } else { " " };
        let config = d.default_config.clone().unwrap_or_else(|| "cannot be opened".into());
        outln!("{mark} {}  [{}]  {}", clean(&d.name), clean(&d.id), clean(&config))?;
    }
    if hidden > 0 {
        let noun = if hidden == 1 { "device" } else { "devices" };
        let more = if shown.is_empty() { "" } else { "more " };
        outln!("  ({hidden} {more}{noun} that cannot be opened; `devices --all` lists them)")?;
    }
    Ok(())
}

pub fn run(args: DevicesArgs) -> Result<()> {
    let (host, devices) = list_input_devices()?;
    match host_choice_hint() {
        Some(hint) => outln!("audio host: {host} ({hint})")?,
        None => outln!("audio host: {host}")?,
    }
    outln!("microphones (the agent; * = default):")?;
    print(&devices, "no input devices found", args.all)?;
    let windows = cfg!(target_os = "windows");
    let kinds =
        if windows { "outputs by loopback, then inputs such as a virtual cable; " } else { "" };
    outln!(
        "caller sources (what the softphone plays; {kinds}* = default, used by --caller-device):"
    )?;
    match list_caller_sources() {
        Ok((_, sources)) => {
            let none = if windows {
                "no output or input device found"
            } else {
                "none on this host (a sound server offers output monitors)"
            };
            print(&sources, none, args.all)?
        }
        Err(e) => outln!("  {}", clean(&e.to_string()))?,
    }
    Ok(())
}
