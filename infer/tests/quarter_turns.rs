//! A sideways photo searched at the quarter turn that stands it up finds the face the upright
//! photo shows, at the same place in the sideways photo's own pixels.

mod support;

use smp_infer::face::{Face, FaceDetector, Point};

/// The photo turned 90° counter-clockwise (as a phone held the wrong way would store it).
fn turned_counter_clockwise(rgba: &[u8], width: u32, height: u32) -> Vec<u8> {
    let (w, h) = (width as usize, height as usize);
    // The turned photo is h wide and w high; its pixel (x', y') is the upright's (w-1-y', x').
    let mut out = vec![0; rgba.len()];
    for yt in 0..w {
        for xt in 0..h {
            let (x, y) = (w - 1 - yt, xt);
            out[(yt * h + xt) * 4..(yt * h + xt) * 4 + 4]
                .copy_from_slice(&rgba[(y * w + x) * 4..(y * w + x) * 4 + 4]);
        }
    }
    out
}

/// Where an upright photo's point lands in the counter-clockwise-turned one (pixel centres at
/// whole coordinates, as the detector's).
fn to_turned(p: Point, width: u32) -> Point {
    Point {
        x: p.y,
        y: width as f32 - 1.0 - p.x,
    }
}

fn worst_offset(upright: &Face, turned: &Face, width: u32) -> f32 {
    let mut worst: f32 = 0.0;
    for (a, b) in upright.keypoints.iter().zip(&turned.keypoints) {
        let a = to_turned(*a, width);
        worst = worst.max((a.x - b.x).abs()).max((a.y - b.y).abs());
    }
    let centre = |f: &Face| Point {
        x: f.bbox.x + f.bbox.width / 2.0,
        y: f.bbox.y + f.bbox.height / 2.0,
    };
    let (a, b) = (to_turned(centre(upright), width), centre(turned));
    worst.max((a.x - b.x).abs()).max((a.y - b.y).abs())
}

#[test]
fn a_sideways_photo_searched_a_quarter_turn_clockwise_finds_the_upright_face() {
    let Some(model) = support::model_bytes(support::FACE_MODEL) else {
        return;
    };
    let mut detector = FaceDetector::new(&model).expect("face model loads");
    for name in [
        "front_L6_light_15.jpg",
        "front_norwood6_light_glasses_b.jpg",
    ] {
        let Some(photo) = support::photo(name) else {
            return;
        };
        let upright = detector
            .detect(&photo.rgba, photo.width, photo.height, 0)
            .expect("detect");
        assert_eq!(upright.len(), 1, "{name}: upright faces");

        let turned = turned_counter_clockwise(&photo.rgba, photo.width, photo.height);
        let (tw, th) = (photo.height, photo.width);
        let found = detector.detect(&turned, tw, th, 1).expect("detect");
        assert_eq!(
            found.len(),
            1,
            "{name}: faces in the sideways photo at one quarter turn"
        );
        let side = tw.max(th) as f32;
        let offset = worst_offset(&upright[0], &found[0], photo.width);
        println!(
            "{name}: upright score {:.4}, sideways at 1 turn {:.4}; worst keypoint/centre offset {:.2} px ({:.3} % of the side)",
            upright[0].score,
            found[0].score,
            offset,
            offset / side * 100.0
        );
        assert!(
            (upright[0].score - found[0].score).abs() < 0.02,
            "{name}: scores differ"
        );
        assert!(
            offset / side < 0.01,
            "{name}: positions differ by {offset} px"
        );

        // The other turns look at it upside down or sideways: no confident upright face there.
        for turns in [0, 2, 3] {
            let wrong = detector.detect(&turned, tw, th, turns).expect("detect");
            let best = wrong.iter().map(|f| f.score).fold(0.0, f32::max);
            println!(
                "{name}: sideways at {turns} turns: {} faces, best score {best:.3}",
                wrong.len()
            );
            assert!(
                best < found[0].score,
                "{name}: {turns} turns scored {best} above the right turn"
            );
        }
    }
}
