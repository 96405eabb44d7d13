//! Memory stays proportional to the photo: the peak of everything allocated while a photo is
//! analysed and rendered (full head, hairline, density fill) and replaced by the next one, per
//! pixel. Alone in its test binary, since it counts every allocation of the process.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use smp_preview::sample::{SampleOptions, SampleView};
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

/// Bytes per pixel allowed at the peak, the photo's own 4 and the kept after-image's 4
/// included: four times the photo's RGBA, the target for the page's wasm memory.
const MAX_BYTES_PER_PIXEL: f64 = 16.0;

#[test]
fn analysing_rendering_and_replacing_a_photo_needs_at_most_four_times_its_rgba() {
    // The impression tile is made once per process (the page's demo head makes it), not per
    // photo.
    Preview::sample(64, 48).render(&Settings::default()).unwrap();
    for (w, h) in [(640, 480), (1600, 1200)] {
        let photo = smp_preview::sample::sample_head(w, h).image;
        let options = SampleOptions { view: SampleView::Front, ..SampleOptions::default() };
        let next = smp_preview::sample::sample_head_with(&options, w, h).image.pixels;
        let pixels = photo.pixel_count() as f64;
        // The next photo's bytes are the test's own, held throughout; the first photo's count.
        let start = NOW.load(Relaxed) - photo.pixels.len();
        PEAK.store(NOW.load(Relaxed), Relaxed);
        let mut preview = Preview::new(photo).unwrap();
        // As the page does: one after-image kept, each render rewriting what changed.
        let mut after = preview.photo().pixels.clone();
        let mut drawn = None;
        let mut settings = Settings::default();
        for treatment in [Treatment::FullHead, Treatment::Hairline, Treatment::DensityFill] {
            settings.treatment = treatment;
            drawn = preview.render_over(&settings, &mut after, drawn).unwrap();
        }
        // The next photo, as the page takes it: the old one's memory is let go first, so the
        // two are never held at once.
        drop(after);
        let before = NOW.load(Relaxed);
        let peak_so_far = PEAK.swap(before, Relaxed);
        preview.replace(w, h, next.len(), &Default::default(), |bytes| bytes.copy_from_slice(&next)).unwrap();
        let replacing = PEAK.load(Relaxed);
        assert!(replacing <= before, "{w}×{h}: taking the next photo peaked at {replacing} bytes, above the {before} held before");
        PEAK.fetch_max(peak_so_far, Relaxed);
        let mut after = preview.photo().pixels.clone();
        preview.render_over(&Settings::default(), &mut after, None).unwrap();
        let peak = (PEAK.load(Relaxed) - start) as f64 / pixels;
        let held = (NOW.load(Relaxed) - start) as f64 / pixels;
        eprintln!("memory: {w}×{h}: peak {peak:.1} bytes per pixel ({:.0} MB), {held:.1} held after a render", peak * pixels / 1e6);
        assert!(peak < MAX_BYTES_PER_PIXEL, "{w}×{h}: {peak:.1} bytes per pixel");
        drop((preview, after));
    }
}
