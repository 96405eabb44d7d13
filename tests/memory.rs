//! Memory stays proportional to the photo: the peak of everything allocated while a photo is
//! analysed and rendered (full head, then density fill), per pixel. Alone in its test binary,
//! since it counts every allocation of the process.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use smp_preview::settings::Treatment;
use smp_preview::{Preview, Settings};

struct Counting;
static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = NOW.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(now, Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        NOW.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes per pixel allowed at the peak, the photo's own 4 included: at the 4096 × 4096 limit
/// this is under 700 MB, within what a browser gives a wasm module.
const MAX_BYTES_PER_PIXEL: f64 = 40.0;

#[test]
fn analysing_and_rendering_a_photo_needs_memory_in_proportion_to_its_pixels() {
    for (w, h) in [(640, 480), (1600, 1200)] {
        let photo = smp_preview::sample::sample_head(w, h).image;
        let pixels = photo.pixel_count() as f64;
        let start = NOW.load(Relaxed) - photo.pixels.len();
        PEAK.store(NOW.load(Relaxed), Relaxed);
        let mut preview = Preview::new(photo).unwrap();
        let mut settings = Settings::default();
        preview.render(&settings).unwrap();
        settings.treatment = Treatment::DensityFill;
        preview.render(&settings).unwrap();
        let peak = (PEAK.load(Relaxed) - start) as f64 / pixels;
        eprintln!("memory: {w}×{h}: peak {peak:.1} bytes per pixel ({:.0} MB)", peak * pixels / 1e6);
        assert!(peak < MAX_BYTES_PER_PIXEL, "{w}×{h}: {peak:.1} bytes per pixel");
        drop(preview);
    }
}
