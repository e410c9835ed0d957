//! `speech-coach devices`: the input devices cpal can see.

use anyhow::Result;
use speech_coach::audio::capture::list_input_devices;

use super::terminal::clean;

pub fn run() -> Result<()> {
    let (host, devices) = list_input_devices()?;
    println!("audio host: {host} (set SPEECH_COACH_AUDIO_HOST=alsa|pulseaudio to choose)");
    if devices.is_empty() {
        println!("no input devices found");
    }
    for d in devices {
        let mark = if d.is_default { "*" } else { " " };
        let config = d.default_config.unwrap_or_else(|| "cannot be opened".into());
        println!("{mark} {}  [{}]  {}", clean(&d.name), clean(&d.id), clean(&config));
    }
    Ok(())
}
