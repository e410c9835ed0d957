//! `speech-coach autostart [on|off]`: the settings' "start with the system" toggle for
//! scripts and IT (a login script, a support call), and what the behaviour tests drive.

use anyhow::{Context, Result, bail};
use speech_coach::desktop::autostart::{Autostart, this_program};

#[derive(Debug, Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, clap::Args)]
pub struct AutostartArgs {
    /// Turn it on or off; without it, say whether it is on and where the entry is.
    #[arg(value_enum)]
    pub state: Option<OnOff>,
}

pub fn run(args: AutostartArgs) -> Result<()> {
    let Some(autostart) = Autostart::for_user() else {
        bail!("starting with the system is not offered on this platform");
    };
    if let Some(state) = args.state {
        let program = this_program().context("cannot find where this program is")?;
        autostart.set(state == OnOff::On, &program)?;
    }
    let on = if autostart.is_on() { "on" } else { "off" };
    outln!("start with the system: {on} ({})", autostart.place())?;
    Ok(())
}
