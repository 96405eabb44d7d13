//! Speed of the native core (printed, never asserted: machines here are shared):
//!   cargo bench --bench core
//! At working images of 0.5, 2 and 8 megapixels (the generated demo head), it times photo
//! analysis, dot-field generation, a full render, and a re-render after one slider change, and
//! prints each as a ratio to the floor: one plain pass that reads and writes every pixel of
//! the frame once (a copy with a trivial blend). No render can be cheaper than that pass.
//! `cargo bench --bench core -- 2` runs the 2 MP size only.

use std::hint::black_box;
use std::time::{Duration, Instant};

use smp_preview::{Preview, Settings};

const SIZES: [(&str, u32, u32); 3] = [("0.5 MP", 816, 612), ("2 MP", 1632, 1224), ("8 MP", 3264, 2448)];

fn main() {
    // `cargo bench` passes `--bench`; any other argument picks sizes by their first figure.
    let picked: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let started = Instant::now();
    let mut warm = Preview::sample(64, 48);
    warm.render(&Settings::default()).expect("render");
    println!("impression tile, made once per page: {:.1} ms\n", ms(started.elapsed()));
    println!(
        "{:<8} {:>11} {:>14} {:>14} {:>14} {:>14} {:>14}",
        "image", "floor pass", "analysis", "dot field", "full render", "slider change", "divider: none"
    );
    for (name, width, height) in SIZES {
        if !picked.is_empty() && !picked.iter().any(|p| name.starts_with(p.as_str())) {
            continue;
        }
        row(name, width, height);
    }
    println!("\nEach cell: median CPU ms of this thread over several runs (× the floor pass). The divider is a CSS clip: no render.");
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average during the run: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    }
}

fn row(name: &str, width: u32, height: u32) {
    let head = smp_preview::sample::sample_head(width, height);
    let photo = head.image.clone();
    let runs = if width * height > 4_000_000 { 7 } else { 15 };
    let settings = Settings::default();
    let mut out = vec![0u8; photo.pixels.len()];

    let floor = median(runs * 2, || floor_pass(black_box(&photo.pixels), &mut out));
    // Analysis of the pixels as a photo (the scalp guess, scale, colours), as an upload does.
    let analysis = median(3, || drop(black_box(Preview::new(photo.clone()).expect("photo"))));
    // The rest on the demo head with its exact analysis, the page's default view.
    let mut preview = Preview::sample(width, height);
    preview.render_into(&settings, &mut out).expect("render");
    let field = median(runs, || drop(black_box(preview.visible_impressions(&settings).expect("field"))));
    // A full render: a fresh preview each time, so the area is computed too.
    let full = median(runs.min(7), || {
        let mut fresh = Preview::with_analysis(photo.clone(), preview.analysis().clone());
        fresh.render_into(&settings, &mut out).expect("render");
    }) - median(runs.min(7), || drop(black_box(Preview::with_analysis(photo.clone(), preview.analysis().clone()))));
    // One slider (density) moved back and forth: the area is cached, impressions redrawn over
    // the previous frame, as the page's `update` does.
    let mut flip = false;
    let mut drawn = None;
    let slider = median(runs, || {
        flip = !flip;
        let moved = Settings { density: if flip { 60.0 } else { 80.0 }, ..settings.clone() };
        drawn = preview.render_over(&moved, &mut out, drawn).expect("render");
    });
    let cell = |d: Duration| format!("{:.1} ({:.1}×)", ms(d), d.as_secs_f64() / floor.as_secs_f64());
    println!(
        "{name:<8} {:>8.2} ms {:>14} {:>14} {:>14} {:>14} {:>14}",
        ms(floor),
        cell(analysis),
        cell(field),
        cell(full),
        cell(slider),
        "0"
    );
}

/// The floor: read every pixel of the photo once and write every pixel of the frame once, with
/// the lightest blend there is (a fixed darkening).
fn floor_pass(photo: &[u8], out: &mut [u8]) {
    for (o, p) in out.iter_mut().zip(photo) {
        *o = p - (p >> 3);
    }
    black_box(out);
}

fn median(runs: u32, mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let started = cpu_time();
            run();
            cpu_time() - started
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// This thread's CPU time where the OS tells it (Linux), else wall time: the machines here are
/// shared, and CPU time counts only this work.
#[cfg(target_os = "linux")]
fn cpu_time() -> Duration {
    #[repr(C)]
    struct Timespec {
        seconds: i64,
        nanos: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut time = Timespec { seconds: 0, nanos: 0 };
    // SAFETY: clock_gettime writes one timespec, a valid place for which is given.
    let ok = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut time) } == 0;
    assert!(ok, "clock_gettime failed");
    Duration::new(time.seconds as u64, time.nanos as u32)
}

#[cfg(not(target_os = "linux"))]
fn cpu_time() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
