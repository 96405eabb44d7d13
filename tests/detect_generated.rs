//! The scalp guess on generated heads whose scalp is known exactly (`sample::sample_head_with`):
//! front, top, profile and back views, light to dark skin, black, brown, blond and grey hair,
//! with a Norwood 6–7 fringe or bald all over. On each, the guess must overlap the visible bald
//! scalp with an intersection over union of at least 0.85 (the requirement), and leave
//! out the face, the ears, the shoulders and the backdrop: fewer than 0.5 % of the pixels it
//! proposes may lie on them (the outline's anti-aliased rim); the heads listed in
//! `SHORT_OF_TARGET` do not meet that yet and are held to what they reach. The forehead and temples are
//! not counted there: on a bald head no hairline shows, the guess places one by rule (8 cm
//! above the brows, the temples receding towards the ears), and where it lands a little low
//! the intersection over union pays for it; their share is printed.
//!
//! `SMP_DUMP=<folder>` writes, for each head, the picture with the guess over it: pink where
//! it is right, red on face, ears, shoulders or backdrop, orange on the forehead, yellow on the
//! fringe, cyan where it misses bald scalp; also the working labels, the exact parts and the
//! picture itself.
//! `SMP_ONLY=<text>` measures only the heads whose name contains the text.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::time::Instant;

use smp_preview::detect::guess_scalp_explained;
use smp_preview::sample::{HAIR_COLOURS, Part, SKIN_TONES, SampleOptions, SampleView, sample_head_with};
use smp_preview::scale::HEAD_BREADTH_MM;

/// Picture size: the working copy of the guess is a third of it.
const WIDTH: u32 = 480;
const HEIGHT: u32 = 560;

const MIN_IOU: f64 = 0.85;
/// Most of the proposed area that may lie off the head's scalp and hair.
const MAX_STRAY: f64 = 0.005;

/// Heads on which the guess does not reach the requirement yet, with the intersection
/// over union and stray share it must keep meanwhile (a little under what it reached when
/// this list was made), and why it falls short. The table printed by the test marks them.
const SHORT_OF_TARGET: &[(&str, f64, f64, &str)] = &[];

/// A proposed pixel is one the guess weighs above a half.
const PROPOSED: f32 = 0.5;

/// One head of the grid: view, skin type (index into `SKIN_TONES`), hair colour (index into
/// `HAIR_COLOURS`) and whether it keeps a fringe.
struct Case {
    view: SampleView,
    skin: usize,
    hair: usize,
    fringe: bool,
}

/// Every view with every skin type once and every hair colour at least once, with and without
/// a fringe.
fn grid() -> Vec<Case> {
    let per_view = [(0, 2, true), (1, 1, true), (2, 0, true), (3, 0, false), (4, 3, true), (5, 1, false)];
    let views = [SampleView::Front, SampleView::Top, SampleView::Left, SampleView::Right, SampleView::Back];
    views
        .into_iter()
        .flat_map(|view| per_view.map(|(skin, hair, fringe)| Case { view, skin, hair, fringe }))
        .collect()
}

struct Measured {
    name: String,
    iou: f64,
    stray: f64,
    forehead: f64,
    view: &'static str,
    expected_view: &'static str,
    notes: String,
    breadth_error: f32,
    render_ms: f64,
    guess_ms: f64,
}

fn measure(case: &Case) -> Measured {
    let options = SampleOptions {
        view: case.view,
        skin: SKIN_TONES[case.skin].1,
        hair: HAIR_COLOURS[case.hair].1,
        fringe: case.fringe,
        hair_length_mm: 10.0,
        ..SampleOptions::default()
    };
    let name = format!(
        "{:?} skin {} {} {}",
        case.view,
        SKIN_TONES[case.skin].0,
        HAIR_COLOURS[case.hair].0,
        if case.fringe { "fringe" } else { "bald" }
    );
    let started = Instant::now();
    let head = sample_head_with(&options, WIDTH, HEIGHT);
    let render_ms = started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    let (analysis, diagnosis) = guess_scalp_explained(&head.image);
    let guess_ms = started.elapsed().as_secs_f64() * 1e3;
    let mask = &analysis.scalp.to_f32();
    let (mut both, mut either, mut proposed, mut stray, mut forehead) = (0usize, 0usize, 0usize, 0usize, 0usize);
    for (i, &part) in head.parts.iter().enumerate() {
        let guessed = mask.values[i] > PROPOSED;
        let bald = part == Part::Scalp;
        both += (guessed && bald) as usize;
        either += (guessed || bald) as usize;
        proposed += guessed as usize;
        stray += (guessed && matches!(part, Part::Face | Part::Ear | Part::Background | Part::Clothing)) as usize;
        forehead += (guessed && part == Part::Forehead) as usize;
    }
    if let Some(dir) = std::env::var_os("SMP_DUMP") {
        let mut picture = head.image.clone();
        for (i, &part) in head.parts.iter().enumerate() {
            let guessed = mask.values[i] > PROPOSED;
            let tint = match (guessed, part) {
                (true, Part::Scalp) => Some([255, 60, 160]),
                (true, Part::Hair) => Some([255, 230, 0]),
                (true, Part::Forehead) => Some([255, 140, 0]),
                (true, _) => Some([255, 0, 0]),
                (false, Part::Scalp) => Some([0, 230, 255]),
                _ => None,
            };
            if let Some(tint) = tint {
                for c in 0..3 {
                    let v = &mut picture.pixels[i * 4 + c];
                    *v = ((*v as u16 + 2 * tint[c]) / 3) as u8;
                }
            }
        }
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("dump folder");
        support::save_png(&picture, &dir.join(format!("{}.png", name.replace(' ', "_"))));
        if let Some(d) = &diagnosis {
            support::save_png(&support::labels_picture(d), &dir.join(format!("{}_labels.png", name.replace(' ', "_"))));
        }
        support::save_png(&parts_picture(&head), &dir.join(format!("{}_parts.png", name.replace(' ', "_"))));
        support::save_png(&head.image, &dir.join(format!("{}_photo.png", name.replace(' ', "_"))));
    }
    // The scale: the head's breadth (150 mm) from the guess against the generator's exact one.
    // Profiles measure the head's length instead; reported, not asserted.
    let breadth_error = analysis.scale.px(HEAD_BREADTH_MM) / head.analysis.scale.px(HEAD_BREADTH_MM) - 1.0;
    Measured {
        name,
        iou: both as f64 / either.max(1) as f64,
        stray: stray as f64 / proposed.max(1) as f64,
        forehead: forehead as f64 / proposed.max(1) as f64,
        view: diagnosis.as_ref().map_or("none", |d| d.view),
        expected_view: match case.view {
            SampleView::Front | SampleView::Demo => "front",
            SampleView::Top => "top",
            SampleView::Left | SampleView::Right => "side",
            SampleView::Back => "back",
        },
        notes: diagnosis.map_or(String::new(), |d| d.notes),
        breadth_error,
        render_ms,
        guess_ms,
    }
}

/// The generator's exact parts over the picture: bald scalp red, forehead orange, fringe
/// yellow, ears green, the rest of the face blue.
fn parts_picture(head: &smp_preview::sample::SampleHead) -> smp_preview::RgbaImage {
    let mut picture = head.image.clone();
    for (i, &part) in head.parts.iter().enumerate() {
        let tint = match part {
            Part::Scalp => [255, 0, 0],
            Part::Forehead => [255, 160, 0],
            Part::Hair => [255, 255, 0],
            Part::Ear => [0, 255, 0],
            Part::Face => [0, 0, 255],
            _ => continue,
        };
        for c in 0..3 {
            let v = &mut picture.pixels[i * 4 + c];
            *v = ((*v as u16 + tint[c]) / 2) as u8;
        }
    }
    picture
}

#[test]
fn the_guess_finds_the_bald_scalp_of_generated_heads() {
    let mut cases = grid();
    // For tuning, `SMP_ONLY=<text>` keeps the heads whose name contains it.
    if let Ok(only) = std::env::var("SMP_ONLY") {
        cases.retain(|c| format!("{:?} skin {} {}", c.view, SKIN_TONES[c.skin].0, HAIR_COLOURS[c.hair].0).contains(&only));
    }
    // Heads are drawn and guessed in parallel: the grid stays fast in the test profile.
    let results: Vec<Measured> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases.iter().map(|case| scope.spawn(move || measure(case))).collect();
        handles.into_iter().map(|h| h.join().expect("no panic")).collect()
    });
    println!("{:<34} {:>6} {:>8} {:>9} {:<6} {:>9} {:>9} {:>8}", "head", "IoU", "stray", "forehead", "view", "breadth", "render", "guess");
    let mut failures = Vec::new();
    let mut on_target = 0;
    for r in &results {
        let target = r.iou >= MIN_IOU && r.stray < MAX_STRAY;
        on_target += target as usize;
        let (floor, stray, why) = SHORT_OF_TARGET
            .iter()
            .find(|s| s.0 == r.name)
            .map_or((MIN_IOU, MAX_STRAY, ""), |&(_, floor, stray, why)| (floor, stray, why));
        let ok = r.iou >= floor && r.stray < stray;
        println!(
            "{:<34} {:>6.3} {:>7.2}% {:>8.1}% {:<6} {:>+8.0}% {:>6.0} ms {:>5.1} ms{}",
            r.name,
            r.iou,
            100.0 * r.stray,
            100.0 * r.forehead,
            r.view,
            100.0 * r.breadth_error,
            r.render_ms,
            r.guess_ms,
            if !ok {
                "  FAIL".to_string()
            } else if !target {
                format!("  short of {MIN_IOU}: {why}")
            } else {
                String::new()
            }
        );
        // `SMP_NOTES=1` prints the evidence the guess went by for failing heads, `=all` for all.
        let notes = std::env::var("SMP_NOTES").ok();
        if notes.as_deref() == Some("all") || (!ok && notes.is_some()) {
            println!("    {}", r.notes);
        }
        if !ok {
            failures.push(format!("{}: IoU {:.3}, {:.2} % of the guess off the scalp", r.name, r.iou, 100.0 * r.stray));
        }
        // The view decides where the hairline goes: it must be recognised on every head.
        if r.view != r.expected_view {
            failures.push(format!("{}: seen as a {} view", r.name, r.view));
        }
        if target && !why.is_empty() {
            println!("    {} now meets the target: take it off SHORT_OF_TARGET", r.name);
        }
    }
    let mean = results.iter().map(|r| r.iou).sum::<f64>() / results.len() as f64;
    println!("mean IoU {mean:.3} over {} heads; {on_target} meet IoU >= {MIN_IOU} with < {:.1} % stray", results.len(), 100.0 * MAX_STRAY);
    assert!(failures.is_empty(), "the guess misses on generated heads:\n{}", failures.join("\n"));
}
