//! The hairline: where to place it by the usual clinical rules, its styles, and which side of
//! it is treated.
//!
//! Placement (DESIGN.md): the mid-frontal point about 8 cm above the glabella along the
//! forehead, the middle section parallel to the brows; the frontotemporal points recede a
//! little (more on a mature line), and the temple peaks come forward and down towards the ears.

use crate::image::Mask;
use crate::region::PixelRect;
use crate::numfmt::{Num, fixed};
use crate::scale::Scale;
use crate::settings::{Hairline, HairlineStyle};

/// Mid-frontal point above the glabella, along the forehead (mm), and the range clinics use.
pub const MID_FRONTAL_MM: f32 = 80.0;
pub const MID_FRONTAL_RANGE_MM: (f32, f32) = (70.0, 100.0);
/// Glabella above the pupils' line (mm).
const GLABELLA_ABOVE_PUPILS_MM: f32 = 20.0;
/// The forehead slopes back: a length along it looks this much shorter in a front view (the
/// 8 cm arc shows as the 6 cm upper third of the face).
const FOREHEAD_FORESHORTENING: f32 = 0.75;
/// In a front view the mid-frontal point lies at most this share of the way from the pupils to
/// the top of the head: a head tipped forward foreshortens the forehead more than the rule
/// allows for.
const MAX_SHARE_TO_TOP: f32 = 0.7;

/// Every style, in the order the page offers them.
pub const STYLES: [HairlineStyle; 4] = [HairlineStyle::Natural, HairlineStyle::Defined, HairlineStyle::Receded, HairlineStyle::Straight];

/// The shape of a style: how far (mm) the frontotemporal points sit behind the mid-frontal
/// point and the temple peaks in front of it, the edge's transition width and how irregular
/// its edge wanders.
pub struct StyleShape {
    pub frontotemporal_back_mm: f32,
    pub temple_forward_mm: f32,
    pub softness_mm: f32,
    pub edge_wander: f32,
}

pub fn style_shape(style: HairlineStyle) -> StyleShape {
    match style {
        HairlineStyle::Natural => StyleShape { frontotemporal_back_mm: 6.0, temple_forward_mm: 14.0, softness_mm: 12.0, edge_wander: 0.45 },
        HairlineStyle::Defined => StyleShape { frontotemporal_back_mm: 6.0, temple_forward_mm: 14.0, softness_mm: 2.5, edge_wander: 0.15 },
        HairlineStyle::Receded => StyleShape { frontotemporal_back_mm: 16.0, temple_forward_mm: 6.0, softness_mm: 8.0, edge_wander: 0.35 },
        HairlineStyle::Straight => StyleShape { frontotemporal_back_mm: 1.0, temple_forward_mm: 20.0, softness_mm: 4.0, edge_wander: 0.25 },
    }
}

/// Where the face is, for placing a hairline: the pupils (px) when known, else the scalp's
/// lower edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Landmarks {
    Pupils([[f32; 2]; 2]),
    /// The middle of the scalp area's lower edge (px), with the head upright.
    ScalpEdge([f32; 2]),
}

/// Unit vectors across the face (image left to right) and up the forehead.
fn axes(landmarks: Landmarks) -> ([f32; 2], [f32; 2]) {
    let across = match landmarks {
        Landmarks::Pupils([a, b]) => {
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len = dx.hypot(dy).max(1e-6);
            if dx >= 0.0 { [dx / len, dy / len] } else { [-dx / len, -dy / len] }
        }
        Landmarks::ScalpEdge(_) => [1.0, 0.0],
    };
    (across, [across[1], -across[0]])
}

/// The glabella (px): between the brows, above the pupils.
fn glabella(landmarks: Landmarks, scale: Scale) -> Option<[f32; 2]> {
    let Landmarks::Pupils([a, b]) = landmarks else { return None };
    let (_, up) = axes(landmarks);
    let lift = scale.px(GLABELLA_ABOVE_PUPILS_MM);
    Some([(a[0] + b[0]) / 2.0 + up[0] * lift, (a[1] + b[1]) / 2.0 + up[1] * lift])
}

/// The hairline of `style` placed by the rules, in image fractions. `top_px`, when known, is
/// how far the top of the head lies above the pupils along the face's up direction.
pub fn place(style: HairlineStyle, landmarks: Landmarks, scale: Scale, top_px: Option<f32>, width: u32, height: u32) -> Hairline {
    let (across, up) = axes(landmarks);
    let mid = match landmarks {
        Landmarks::Pupils([a, b]) => {
            // Glabella above the pupils, then the forehead's projected rise.
            let rise = scale.px(MID_FRONTAL_MM * FOREHEAD_FORESHORTENING + GLABELLA_ABOVE_PUPILS_MM);
            let rise = top_px.map_or(rise, |top| rise.min(MAX_SHARE_TO_TOP * top));
            [(a[0] + b[0]) / 2.0 + up[0] * rise, (a[1] + b[1]) / 2.0 + up[1] * rise]
        }
        Landmarks::ScalpEdge(p) => p,
    };
    let shape = style_shape(style);
    // (across, up) offsets in mm from the mid-frontal point.
    let offsets = [
        (-62.0, -shape.temple_forward_mm),
        (-40.0, shape.frontotemporal_back_mm),
        (0.0, 0.0),
        (40.0, shape.frontotemporal_back_mm),
        (62.0, -shape.temple_forward_mm),
    ];
    let points = offsets.map(|(a, u)| {
        let (a, u) = (scale.px(a), scale.px(u));
        [(mid[0] + across[0] * a + up[0] * u) / width as f32, (mid[1] + across[1] * a + up[1] * u) / height as f32]
    });
    Hairline { style, points }
}

/// A hairline seen from the side, the face towards `face` (-1 image left, 1 right), from the
/// front edge of the scalp at the forehead (`front`, px). From the side the middle of the
/// frontal hairline is seen edge-on along the front of the dome; on the near side it runs back
/// to the frontotemporal angle and down to the temple peak in front of the ear. The handles run
/// so that the treated side (the curve's left-hand normal) is towards the back of the head:
/// from the top of the dome down for a face on the left, the other way round for one on the
/// right. The far half of the line is out of sight: its handles lie up along the dome's front.
pub fn place_profile(style: HairlineStyle, front: [f32; 2], face: f32, scale: Scale, width: u32, height: u32) -> Hairline {
    let shape = style_shape(style);
    let back = -face.signum();
    // (back, down) offsets in mm from the front of the hairline: up the dome's front edge,
    // the front, the frontotemporal angle behind it, the temple peak below and behind that.
    let offsets = [
        (18.0, -45.0),
        (4.0, -20.0),
        (0.0, 0.0),
        (PROFILE_FRONTOTEMPORAL_BACK_MM + shape.frontotemporal_back_mm, 8.0),
        (PROFILE_TEMPLE_BACK_MM - shape.temple_forward_mm, PROFILE_TEMPLE_DOWN_MM),
    ];
    let mut points = offsets.map(|(b, d)| {
        [(front[0] + back * scale.px(b)) / width as f32, (front[1] + scale.px(d)) / height as f32]
    });
    if face > 0.0 {
        points.reverse();
    }
    Hairline { style, points }
}

/// From the side, how far behind the front of the hairline the frontotemporal angle and the
/// temple peak lie, and how far below it the temple peak (mm, before each style's own offsets).
const PROFILE_FRONTOTEMPORAL_BACK_MM: f32 = 22.0;
const PROFILE_TEMPLE_BACK_MM: f32 = 60.0;
const PROFILE_TEMPLE_DOWN_MM: f32 = 40.0;

/// The front edge of the scalp area on a profile: its pixel furthest towards the face (-1
/// image left, 1 right) within the upper half of the area, where the forehead meets it.
pub fn profile_front(scalp: &Mask<u8>, face: f32) -> Option<[f32; 2]> {
    let bounds = crate::region::PixelRect::of_nonzero(scalp)?;
    let lower = bounds.y0 + (bounds.y1 - bounds.y0) / 2;
    let mut best: Option<[f32; 2]> = None;
    for y in bounds.y0..lower.max(bounds.y0 + 1) {
        for x in bounds.x0..bounds.x1 {
            if scalp.get(x, y) > 0.5 {
                let p = [x as f32 + 0.5, y as f32 + 0.5];
                if best.is_none_or(|b| (p[0] - b[0]) * face > 0.0) {
                    best = Some(p);
                }
            }
        }
    }
    best
}

/// How far above the pupils' midpoint (px, along the face's up direction) the scalp area
/// reaches: the top of the head, where the photo shows it.
pub fn head_top_above(pupils: [[f32; 2]; 2], scalp: &Mask<u8>) -> Option<f32> {
    let (_, up) = axes(Landmarks::Pupils(pupils));
    let start = [(pupils[0][0] + pupils[1][0]) / 2.0, (pupils[0][1] + pupils[1][1]) / 2.0];
    let mut top = None;
    for step in 1..(scalp.width + scalp.height) {
        let (x, y) = (start[0] + up[0] * step as f32, start[1] + up[1] * step as f32);
        if x < 0.0 || y < 0.0 || x >= scalp.width as f32 || y >= scalp.height as f32 {
            break;
        }
        if scalp.at(x, y) > 0.5 {
            top = Some(step as f32);
        }
    }
    top
}

/// Where the scalp area's lower edge is, in its middle: a stand-in for the face when no
/// pupils are known.
pub fn scalp_edge(scalp: &Mask<u8>) -> Option<[f32; 2]> {
    let bounds = crate::region::PixelRect::of_nonzero(scalp)?;
    let x = (bounds.x0 + bounds.x1) / 2;
    let bottom = (bounds.y0..bounds.y1).rev().find(|&y| scalp.get(x, y) > 0.5).unwrap_or(bounds.y1 - 1);
    Some([x as f32 + 0.5, bottom as f32 + 1.0])
}

/// A note when the mid-frontal point sits unusually low for a hairline that must still look
/// natural as the face matures, or unusually high.
/// Heights are judged against the rules' own 8 cm line on this photo (with the same allowance
/// for a tipped head), so the line the rules place is never itself called too low.
pub fn advice(hairline: &Hairline, pupils: [[f32; 2]; 2], scale: Scale, top_px: Option<f32>, width: u32, height: u32) -> Option<String> {
    let landmarks = Landmarks::Pupils(pupils);
    let (_, up) = axes(landmarks);
    let g = glabella(landmarks, scale)?;
    let rise_above_glabella = |h: &Hairline| {
        let mid = [h.points[2][0] * width as f32, h.points[2][1] * height as f32];
        (mid[0] - g[0]) * up[0] + (mid[1] - g[1]) * up[1]
    };
    let rule = rise_above_glabella(&place(hairline.style, landmarks, scale, top_px, width, height));
    let above_mm = MID_FRONTAL_MM * rise_above_glabella(hairline) / rule.max(1.0);
    let (low, high) = MID_FRONTAL_RANGE_MM;
    if above_mm < low {
        Some(format!(
            "This hairline sits about {} cm above the brows. Clinics usually place it {}–{} cm above them: a lower line can look unnatural as the face matures.",
            fixed((above_mm / 10.0) as f64, 1),
            Num(low / 10.0),
            Num(high / 10.0)
        ))
    } else if above_mm > high {
        Some(format!("This hairline sits about {} cm above the brows, higher than the usual {}–{} cm: it will read as a receded line.", fixed((above_mm / 10.0) as f64, 1), Num(low / 10.0), Num(high / 10.0)))
    } else {
        None
    }
}

/// The hairline as a smooth polyline in pixels (Catmull-Rom through the handles).
pub fn curve(hairline: &Hairline, width: u32, height: u32) -> Vec<[f32; 2]> {
    let p: Vec<[f32; 2]> = hairline.points.iter().map(|q| [q[0] * width as f32, q[1] * height as f32]).collect();
    let at = |i: isize| p[i.clamp(0, p.len() as isize - 1) as usize];
    let mut out = Vec::new();
    const STEPS: usize = 24;
    for i in 0..p.len() as isize - 1 {
        let (p0, p1, p2, p3) = (at(i - 1), at(i), at(i + 1), at(i + 2));
        for s in 0..STEPS {
            let t = s as f32 / STEPS as f32;
            let (t2, t3) = (t * t, t * t * t);
            out.push(std::array::from_fn(|c| {
                0.5 * (2.0 * p1[c] + (-p0[c] + p2[c]) * t + (2.0 * p0[c] - 5.0 * p1[c] + 4.0 * p2[c] - p3[c]) * t2 + (-p0[c] + 3.0 * p1[c] - 3.0 * p2[c] + p3[c]) * t3)
            }));
        }
    }
    out.push(p[p.len() - 1]);
    out
}

/// Unit normal at each curve point, towards the treated side (away from the face).
fn normals(curve: &[[f32; 2]]) -> Vec<[f32; 2]> {
    (0..curve.len())
        .map(|i| {
            let (a, b) = (curve[i.saturating_sub(1)], curve[(i + 1).min(curve.len() - 1)]);
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len = dx.hypot(dy).max(1e-6);
            // Travelling left to right in image coordinates (y down), the left-hand side is up.
            [dy / len, -dx / len]
        })
        .collect()
}

/// Coverage (0..1) of the side of the hairline away from the face, the curve's ends carried on
/// straight to well beyond the image.
pub fn behind(hairline: &Hairline, width: u32, height: u32) -> Mask {
    fill_polygon(&behind_polygon(hairline, width, height), width, height)
}

/// The side of the hairline away from the face, as a polygon for `fill_row`.
pub fn behind_polygon(hairline: &Hairline, width: u32, height: u32) -> Vec<[f32; 2]> {
    let curve = curve(hairline, width, height);
    let far = 4.0 * (width + height) as f32;
    let normals = normals(&curve);
    let (first, last) = (curve[0], curve[curve.len() - 1]);
    let dir = |a: [f32; 2], b: [f32; 2]| {
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len = dx.hypot(dy).max(1e-6);
        [dx / len, dy / len]
    };
    let start_dir = dir(curve[1], first);
    let end_dir = dir(curve[curve.len() - 2], last);
    let (n0, n1) = (normals[0], normals[normals.len() - 1]);
    let mut polygon = vec![[first[0] + start_dir[0] * far, first[1] + start_dir[1] * far]];
    polygon.extend_from_slice(&curve);
    let end_far = [last[0] + end_dir[0] * far, last[1] + end_dir[1] * far];
    polygon.push(end_far);
    // Close far enough on the treated side that the closing edge never crosses the image,
    // however steeply the ends run.
    polygon.push([end_far[0] + n1[0] * 4.0 * far, end_far[1] + n1[1] * 4.0 * far]);
    polygon.push([polygon[0][0] + n0[0] * 4.0 * far, polygon[0][1] + n0[1] * 4.0 * far]);
    polygon
}

/// Coverage of a band `depth_mm` deep behind the hairline, full for its front half and fading
/// out over its back half, where it meets the hair.
pub fn band(hairline: &Hairline, depth_mm: f32, scale: Scale, width: u32, height: u32) -> Mask {
    band_in(hairline, depth_mm, scale, width, height, PixelRect { x0: 0, y0: 0, x1: width, y1: height })
}

/// `band` over the rectangle `rect` of the image only (a mask of the rectangle's size).
pub fn band_in(hairline: &Hairline, depth_mm: f32, scale: Scale, width: u32, height: u32, rect: PixelRect) -> Mask {
    let curve = curve(hairline, width, height);
    let rings: Vec<Vec<[f32; 2]>> = (0..STEPS)
        .map(|step| {
            let mut ring = curve.clone();
            ring.extend(offset(&curve, scale.px(ring_depth(depth_mm, step))).into_iter().rev());
            ring
        })
        .collect();
    let mut coverage = Mask::empty(rect.width(), rect.height());
    let (mut filled, mut crossings) = (vec![0.0; rect.width() as usize], Vec::new());
    for (y, row) in (rect.y0..).zip(coverage.values.chunks_exact_mut(rect.width() as usize)) {
        for ring in &rings {
            fill_row(ring, y, rect, &mut filled, &mut crossings);
            for (c, f) in row.iter_mut().zip(&filled) {
                *c += f / STEPS as f32;
            }
        }
    }
    coverage
}

/// Rings the band's fade averages.
const STEPS: usize = 6;

/// Depth of ring `step`: the rings end between half and all of the depth, and their average
/// is the fade.
fn ring_depth(depth_mm: f32, step: usize) -> f32 {
    depth_mm * (0.5 + 0.5 * (step as f32 + 0.5) / STEPS as f32)
}

/// The curve moved `d` px towards the treated side.
fn offset(curve: &[[f32; 2]], d: f32) -> Vec<[f32; 2]> {
    curve.iter().zip(normals(curve)).map(|(p, n)| [p[0] + n[0] * d, p[1] + n[1] * d]).collect()
}

/// The pixels `band` can cover (None: none of the image): every ring lies between the line
/// and the deepest ring.
pub fn band_bounds(hairline: &Hairline, depth_mm: f32, scale: Scale, width: u32, height: u32) -> Option<PixelRect> {
    let curve = curve(hairline, width, height);
    let deepest = offset(&curve, scale.px(ring_depth(depth_mm, STEPS - 1)));
    let points: Vec<(f32, f32)> = curve.iter().chain(&deepest).map(|p| (p[0], p[1])).collect();
    PixelRect::around(&points, 1.0, width, height)
}

/// Scanline fill with the non-zero winding rule (robust where an offset curve folds over
/// itself), with horizontal anti-aliasing at the crossings.
pub fn fill_polygon(polygon: &[[f32; 2]], width: u32, height: u32) -> Mask {
    let rect = PixelRect { x0: 0, y0: 0, x1: width, y1: height };
    let mut mask = Mask::empty(width, height);
    let mut crossings = Vec::new();
    for (y, row) in (0..).zip(mask.values.chunks_exact_mut(width as usize)) {
        fill_row(polygon, y, rect, row, &mut crossings);
    }
    mask
}

/// Row `y` of `fill_polygon` between `rect`'s columns, into `row` (its width).
pub fn fill_row(polygon: &[[f32; 2]], y: u32, rect: PixelRect, row: &mut [f32], crossings: &mut Vec<(f32, i32)>) {
    row.fill(0.0);
    let n = polygon.len();
    let (left, right) = (rect.x0 as f32, rect.x1 as f32);
    let yc = y as f32 + 0.5;
    crossings.clear();
    for i in 0..n {
        let (a, b) = (polygon[i], polygon[(i + 1) % n]);
        if (a[1] <= yc) == (b[1] <= yc) {
            continue;
        }
        let t = (yc - a[1]) / (b[1] - a[1]);
        crossings.push((a[0] + t * (b[0] - a[0]), if b[1] > a[1] { 1 } else { -1 }));
    }
    crate::order::sort_by_f32(crossings, |p| p.0);
    let mut winding = 0;
    for pair in crossings.windows(2) {
        winding += pair[0].1;
        if winding == 0 {
            continue;
        }
        let (x0, x1) = (pair[0].0.max(left), pair[1].0.min(right));
        if x0 >= x1 {
            continue;
        }
        let (first, last) = (x0.floor() as u32, (x1.ceil() as u32).min(rect.x1));
        for (x, v) in (first..last).zip(&mut row[(first - rect.x0) as usize..]) {
            let covered = (x1.min(x as f32 + 1.0) - x0.max(x as f32)).clamp(0.0, 1.0);
            *v = (*v + covered).min(1.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pupils() -> [[f32; 2]; 2] {
        [[400.0, 700.0], [528.0, 700.0]] // 64 mm apart at 2 px/mm
    }

    #[test]
    fn the_mid_frontal_point_sits_eight_centimetres_above_the_glabella() {
        let scale = Scale::new(2.0);
        let hairline = place(HairlineStyle::Natural, Landmarks::Pupils(pupils()), scale, None, 1000, 1000);
        let mid = [hairline.points[2][0] * 1000.0, hairline.points[2][1] * 1000.0];
        assert!((mid[0] - 464.0).abs() < 0.5);
        let above_glabella_mm = (700.0 - 40.0 - mid[1]) / 2.0 / FOREHEAD_FORESHORTENING;
        assert!((above_glabella_mm - 80.0).abs() < 0.5, "{above_glabella_mm}");
        // A head tipped forward: the top of the head only 120 px above the pupils.
        let tipped = place(HairlineStyle::Natural, Landmarks::Pupils(pupils()), scale, Some(120.0), 1000, 1000);
        assert!((700.0 - tipped.points[2][1] * 1000.0 - 0.7 * 120.0).abs() < 0.5);
        assert!(advice(&hairline, pupils(), scale, None, 1000, 1000).is_none());
        // The middle section runs parallel to the brows: frontotemporal points level.
        assert!((hairline.points[1][1] - hairline.points[3][1]).abs() < 1e-5);
    }

    #[test]
    fn a_tilted_head_tilts_the_hairline_with_the_eye_line() {
        let tilted = [[400.0, 700.0], [520.0, 740.0]];
        let hairline = place(HairlineStyle::Defined, Landmarks::Pupils(tilted), Scale::new(2.0), None, 1000, 1000);
        let (a, b) = (hairline.points[1], hairline.points[3]);
        let slope = (b[1] - a[1]) / (b[0] - a[0]);
        assert!((slope - 40.0 / 120.0).abs() < 1e-3, "{slope}");
    }

    #[test]
    fn a_low_line_gets_a_warning() {
        let scale = Scale::new(2.0);
        let mut hairline = place(HairlineStyle::Natural, Landmarks::Pupils(pupils()), scale, None, 1000, 1000);
        hairline.points[2][1] += 30.0 / 1000.0; // 15 mm lower in the photo
        assert!(advice(&hairline, pupils(), scale, None, 1000, 1000).unwrap().contains("lower line"));
    }

    #[test]
    fn receded_lines_have_higher_frontotemporal_points_than_straight_ones() {
        let scale = Scale::new(2.0);
        let receded = place(HairlineStyle::Receded, Landmarks::Pupils(pupils()), scale, None, 1000, 1000);
        let straight = place(HairlineStyle::Straight, Landmarks::Pupils(pupils()), scale, None, 1000, 1000);
        assert!(receded.points[1][1] < straight.points[1][1] && receded.points[0][1] < straight.points[0][1]);
    }

    #[test]
    fn the_treated_side_is_away_from_the_face() {
        let hairline = Hairline { style: HairlineStyle::Natural, points: [[0.1, 0.5], [0.3, 0.45], [0.5, 0.45], [0.7, 0.45], [0.9, 0.5]] };
        let behind = behind(&hairline, 200, 200);
        assert_eq!(behind.get(100, 20), 1.0);
        assert_eq!(behind.get(100, 150), 0.0);
        // Beyond the ends the line carries on.
        assert_eq!(behind.get(2, 20), 1.0);
        assert_eq!(behind.get(198, 190), 0.0);
        // Ends running steeply down still leave everything above the line treated.
        let steep = Hairline { style: HairlineStyle::Natural, points: [[0.25, 0.7], [0.35, 0.6], [0.5, 0.63], [0.65, 0.6], [0.75, 0.7]] };
        let behind = super::behind(&steep, 200, 200);
        assert!(behind.values[..200 * 100].iter().all(|&v| v == 1.0), "the whole upper half is behind the line");
    }

    #[test]
    fn the_band_is_full_in_front_and_fades_towards_the_back() {
        let hairline = Hairline { style: HairlineStyle::Natural, points: [[0.1, 0.8], [0.3, 0.8], [0.5, 0.8], [0.7, 0.8], [0.9, 0.8]] };
        let band = band(&hairline, 30.0, Scale::new(2.0), 400, 400);
        // Hairline at y = 320; 30 mm = 60 px deep.
        assert_eq!(band.get(200, 310), 1.0);
        let mid_fade = band.get(200, 320 - 45);
        assert!(mid_fade > 0.3 && mid_fade < 0.7, "{mid_fade}");
        assert_eq!(band.get(200, 250), 0.0);
        assert_eq!(band.get(200, 340), 0.0, "nothing on the face side");
    }
}
