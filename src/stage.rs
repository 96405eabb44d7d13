//! Treatment stage: how the result looks after a given session and a given time since it.
//!
//! Numbers from DESIGN.md: sessions build density cumulatively (~30 % → 70 % → 100 %, an
//! optional 4th session darkens and refines); the first days show redness and darker, crisper
//! impressions; the result settles at about a month; over years it lightens, spreads slightly
//! and turns cooler, and clinics advise a touch-up every 4–6 years.

use crate::numfmt::Num;

/// Share of the full density in place after each session (the first is deliberately light).
const SESSION_DENSITY: [f32; 4] = [0.3, 0.7, 1.0, 1.0];
/// Darkness after each session, relative to a healed three-session result: layering pigment
/// over the same impressions darkens them.
const SESSION_DARKNESS: [f32; 4] = [0.72, 0.88, 1.0, 1.1];

/// Months after which a touch-up is usually advised.
pub const TOUCH_UP_MONTHS: f32 = 48.0;
/// Time over which the slow fading of years proceeds (e-folding time, months).
const FADE_MONTHS: f32 = 40.0;
/// Share of the darkness that fades away over many years (the rest stays for good).
const FADING_SHARE: f32 = 0.4;

/// Everything the stage changes in the rendering, as multipliers of the healed look.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stage {
    /// Share of the requested density shown.
    pub density: f32,
    /// Multiplier of each impression's pigment load.
    pub darkness: f32,
    /// Multiplier of the halo's reach (pigment migrating in the dermis); impressions themselves
    /// widen by a fraction of it.
    pub spread: f32,
    /// 0 for healed pigment, up to 1 for the blue-grey cast of old carbon pigment.
    pub cooling: f32,
    /// 0 healed, 1 on the first days: inflamed skin around the treated area.
    pub redness: f32,
}

impl Stage {
    /// The look after `session` sessions (1–4), `months` months after the last one.
    // Out of line: inlined at each of its many callers it made the wasm larger.
    #[inline(never)]
    pub fn new(session: u32, months: f32) -> Self {
        let index = (session.clamp(1, 4) - 1) as usize;
        let months = months.max(0.0);
        // Healing, over the first month: dots are darker for about a week while the skin above
        // them renews, and redness lasts 2–5 days.
        let fresh = 1.0 - smoothstep(0.0, 1.0, months);
        let redness = 1.0 - smoothstep(0.0, 0.2, months);
        // Ageing, after the first month.
        let aged = (months - 1.0).max(0.0);
        let faded = 1.0 - (-aged / FADE_MONTHS).exp();
        Self {
            density: SESSION_DENSITY[index],
            darkness: SESSION_DARKNESS[index] * (1.0 + 0.3 * fresh) * (1.0 - FADING_SHARE * faded),
            spread: (1.0 - 0.12 * fresh) * (1.0 + 0.3 * faded),
            cooling: faded,
            redness,
        }
    }

    /// A note for the visitor when the stage asks for one: a touch-up after some years, the
    /// healing on the first days.
    pub fn advice(session: u32, months: f32) -> Option<String> {
        if months >= TOUCH_UP_MONTHS {
            let stage = Stage::new(session, months);
            let healed = Stage::new(session, 1.0);
            let lighter = (100.0 * (1.0 - stage.darkness / healed.darkness)).round();
            Some(format!(
                "After {} years the impressions are about {} % lighter: clinics usually advise a touch-up session every 4–6 years.",
                Num((months / 12.0).round()),
                Num(lighter)
            ))
        } else if months < 0.25 {
            Some("The first days: redness fades within a few days and impressions look darker until the skin has healed, after about a month.".into())
        } else if session < 3 {
            Some(format!("Session {session} of usually 3: each session adds impressions between the earlier ones until the full density is reached."))
        } else {
            None
        }
    }
}

fn smoothstep(from: f32, to: f32, x: f32) -> f32 {
    let t = ((x - from) / (to - from)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_build_density_and_darkness() {
        let stages: Vec<Stage> = (1..=4).map(|s| Stage::new(s, 1.0)).collect();
        for pair in stages.windows(2) {
            assert!(pair[1].density >= pair[0].density && pair[1].darkness > pair[0].darkness, "{pair:?}");
        }
        assert_eq!(stages[2].density, 1.0);
    }

    #[test]
    fn pigment_lightens_spreads_and_cools_after_healing() {
        let mut previous = Stage::new(3, 1.0);
        for months in [2.0, 6.0, 12.0, 24.0, 48.0, 96.0] {
            let stage = Stage::new(3, months);
            assert!(stage.darkness < previous.darkness && stage.spread > previous.spread && stage.cooling > previous.cooling);
            previous = stage;
        }
        assert!(previous.darkness > 0.4, "years later the pigment is lighter, not gone");
    }

    #[test]
    fn fresh_impressions_are_darker_and_red_around() {
        let fresh = Stage::new(3, 0.0);
        let healed = Stage::new(3, 1.0);
        assert!(fresh.darkness > healed.darkness && fresh.redness == 1.0 && healed.redness == 0.0);
    }

    #[test]
    fn a_touch_up_is_advised_after_some_years_only() {
        assert!(Stage::advice(3, 1.0).is_none());
        assert!(Stage::advice(3, 60.0).unwrap().contains("touch-up"));
        assert!(Stage::advice(3, 0.0).unwrap().contains("redness"));
    }
}
