//! `speech-coach devices`: the microphones and, apart from them, the sources that carry
//! the caller's side (output monitors; loopback on Windows).

use anyhow::Result;
use speech_coach::audio::capture::{InputDevice, list_caller_sources, list_input_devices};

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
    outln!("audio host: {host} (set SPEECH_COACH_AUDIO_HOST=alsa|pulseaudio to choose)")?;
    outln!("microphones (the agent; * = default):")?;
    print(&devices, "no input devices found")?;
    outln!("caller sources (what the softphone plays; * = default, used by --caller-device):")?;
    match list_caller_sources() {
        Ok((_, sources)) => {
            print(&sources, "none on this host (a sound server offers output monitors)")?
        }
        Err(e) => outln!("  {}", clean(&e.to_string()))?,
    }
    Ok(())
}
