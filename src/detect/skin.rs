//! Which working pixels are skin: a colour-and-texture model fitted to each photo.

use super::grid::{Grid, Plane, Region, box_blur, median_where, quantile_where};
use super::working::{Working, Ycc};

/// A broad wedge of skin hues in the CbCr plane: reddish-orange, any saturation from nearly
/// grey to deep, which covers very light to very dark skin under ordinary light.
pub(super) fn skin_hue(cb: f32, cr: f32) -> bool {
    let along = -0.6 * cb + 0.8 * cr;
    let across = 0.8 * cb + 0.6 * cr;
    along > 3.0 && along < 70.0 && across.abs() < 0.6 * along + 4.0
}

pub(super) const Y_BINS: usize = 8;
pub(super) const R_BINS: usize = 16;
pub(super) const G_BINS: usize = 16;
pub(super) const T_BINS: usize = 3;
pub(super) const BINS: usize = Y_BINS * R_BINS * G_BINS * T_BINS;

/// Smoothed, normalised colour-and-texture histogram.
#[inline(never)]
pub(super) fn histogram(bins: &Grid<u16>, mask: &Region, weight: Option<&Plane>) -> Vec<f32> {
    let mut h = vec![0.0f32; BINS];
    for i in 0..bins.v.len() {
        if mask.v[i] {
            h[bins.v[i] as usize] += weight.map_or(1.0, |w| w.v[i]);
        }
    }
    // A [1 2 1]/4 pass along each axis so nearby colours share evidence.
    let dims = [Y_BINS, R_BINS, G_BINS, T_BINS];
    let mut stride = BINS;
    let mut tmp = vec![0.0f32; BINS];
    for &d in &dims {
        stride /= d;
        for i in 0..BINS {
            let k = (i / stride) % d;
            let prev = if k > 0 { h[i - stride] } else { 0.0 };
            let next = if k + 1 < d { h[i + stride] } else { 0.0 };
            tmp[i] = 0.25 * prev + 0.5 * h[i] + 0.25 * next;
        }
        std::mem::swap(&mut h, &mut tmp);
    }
    let total: f32 = h.iter().sum();
    if total > 0.0 {
        h.iter_mut().for_each(|v| *v /= total);
    }
    h
}

/// The skin model fitted to one photo.
pub(super) struct SkinModel {
    /// Probability that each working pixel is skin.
    pub(super) p: Plane,
    /// Median texture (see `Working::texture`) of the smooth skin-hued pixels in the middle of
    /// the picture: how busy this photo's skin is.
    pub(super) texture: f32,
}

/// Probability that each working pixel is skin, from a colour model fitted to this photo.
pub(super) fn skin_probability(work: &Working, ycc: &Ycc) -> Option<SkinModel> {
    let (w, h) = (work.w(), work.h());
    let (wf, hf) = (w as f32, h as f32);
    let central = Plane::from_fn(w, h, |x, y| {
        let dx = (x as f32 - wf / 2.0) / (0.3 * wf);
        let dy = (y as f32 - 0.45 * hf) / (0.35 * hf);
        (-(dx * dx + dy * dy)).exp()
    });
    let central_box = Region::from_fn(w, h, |x, y| (x as f32 - wf / 2.0).abs() < 0.3 * wf && (y as f32 - 0.45 * hf).abs() < 0.35 * hf);
    let border = Region::from_fn(w, h, |x, y| y == 0 || ((x == 0 || x + 1 == w) && (y as f32) < 0.6 * hf));
    let hue = Region::from_fn(w, h, |x, y| skin_hue(ycc.cb.at(x, y), ycc.cr.at(x, y)));

    let hue_centre = hue.and(&central_box);
    let luma_all = median_where(&ycc.y, &hue_centre).or_else(|| median_where(&ycc.y, &Region::new(w, h, true)))?.max(1.0);
    let bright_enough = ycc.y.map(|v| v > 0.55 * luma_all);
    // Skin is the smooth part of what has its hue: where hair covers most of the middle of
    // the picture (a fringe seen from behind), the busy majority is hair, not skin. The
    // references are taken from the pixels no busier than a few times the smoothest third.
    let candidates = hue_centre.and(&bright_enough);
    let smooth_third = quantile_where(&work.texture, &candidates, 0.3).unwrap_or(0.0).max(1e-4);
    let smooth = candidates.zip(&work.texture, |c, t| c && t < 1.8 * smooth_third);
    let tex_mid = median_where(&work.texture, &smooth).unwrap_or(0.0).max(1e-4);
    let luma_mid = median_where(&ycc.y, &smooth).unwrap_or(luma_all).max(1.0);

    let [r, g, b] = &work.rgb;
    let bins = Grid::from_fn(w, h, |x, y| {
        let (r, g, b) = (r.at(x, y) + 1.0, g.at(x, y) + 1.0, b.at(x, y) + 1.0);
        let sum = r + g + b;
        let luma = 0.299 * r + 0.587 * g + 0.114 * b;
        let yi = (((luma / luma_mid).log2() + 3.0) * 2.0).clamp(0.0, (Y_BINS - 1) as f32) as usize;
        let ri = ((r / sum - 0.25) / 0.02).clamp(0.0, (R_BINS - 1) as f32) as usize;
        let gi = ((g / sum - 0.25) / 0.01).clamp(0.0, (G_BINS - 1) as f32) as usize;
        let tr = work.texture.at(x, y) / tex_mid;
        let ti = if tr < 1.7 { 0 } else if tr < 3.5 { 1 } else { 2 };
        (((yi * R_BINS + ri) * G_BINS + gi) * T_BINS + ti) as u16
    });

    let seed = Region::from_fn(w, h, |x, y| {
        let i = y * w + x;
        let l = ycc.y.v[i];
        hue.v[i] && l > 0.55 * luma_mid && l < 1.7 * luma_mid && !border.v[i] && bins.v[i] % T_BINS as u16 == 0
    });
    if seed.count() == 0 {
        return None;
    }
    let mut skin_hist = histogram(&bins, &seed, Some(&central));
    let mut other_hist = histogram(&bins, &border.or(&hue.map(|b| !b)), None);
    let mut prior = central.map(|v| v.clamp(0.2, 0.8));
    let spread = ((0.04 * w.max(h) as f32) as usize).max(2);
    let posterior = |skin: &[f32], other: &[f32], prior: &Plane| {
        Plane::from_fn(w, h, |x, y| {
            let i = y * w + x;
            let b = bins.v[i] as usize;
            let s = skin[b] * prior.v[i];
            let o = other[b] * (1.0 - prior.v[i]);
            s / (s + o + 1e-12)
        })
    };
    for _ in 0..4 {
        let p = posterior(&skin_hist, &other_hist, &prior);
        let skin = box_blur(&p, 1).map(|v| v > 0.5);
        skin_hist = histogram(&bins, &skin, None);
        other_hist = histogram(&bins, &skin.map(|b| !b), None);
        prior = box_blur(&skin.as_plane(), spread).map(|v| v.clamp(0.15, 0.85));
    }
    Some(SkinModel { p: posterior(&skin_hist, &other_hist, &prior), texture: tex_mid })
}
