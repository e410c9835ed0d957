//! `speech-coach devices`: the microphones and, apart from them, the sources that carry
//! the caller's side (output monitors; on Windows outputs by loopback and inputs such as a
//! virtual cable).

use anyhow::Result;
use speech_coach::audio::capture::{
    InputDevice, host_choice_hint, list_caller_sources, list_input_devices,
};

use super::terminal::clean;

fn print(devices: &[InputDevice], none: &str) -> Result<()> {
    if devices.is_empty() {
        outln!("  {none}")?;
    }
    for d in devices {
        let mark = if d.is_default { "*" } else { " " };
        let config = d.default_config.clone().unwrap_or_else(|| "cannot be opened".into());
        outln!("{mark} {}  [{}]  {}", clean(&d.name), clean(&d.id), clean(&config))?;
    }
    Ok(())
}

pub fn run() -> Result<()> {
    let (host, devices) = list_input_devices()?;
    match host_choice_hint() {
        Some(hint) => outln!("audio host: {host} ({hint})")?,
        None => outln!("audio host: {host}")?,
    }
    outln!("microphones (the agent; * = default):")?;
    print(&devices, "no input devices found")?;
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
            print(&sources, none)?
        }
        Err(e) => outln!("  {}", clean(&e.to_string()))?,
    }
    Ok(())
}
