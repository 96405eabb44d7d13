//! Photos that arrive turned: a phone held sideways, a head photographed upside down from
//! above, a picture whose orientation tag was lost. The guess works on the head upright (its
//! rules speak of crowns above brows and necks below ears), so the working copy is turned by
//! whole quarter turns first, and what the guess finds is turned back onto the photo.

use super::grid::Grid;
use crate::image::RgbaImage;

/// The clockwise quarter turns that bring a stored frame of `w` × `h` pixels upright.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Turn {
    pub(super) quarters: u8,
    pub(super) w: usize,
    pub(super) h: usize,
}

impl Turn {
    pub(super) fn new(quarters: u8, w: usize, h: usize) -> Self {
        Self { quarters: quarters % 4, w, h }
    }

    /// The same turn over a frame `f` times larger (the photo behind a working copy).
    pub(super) fn scaled(self, f: usize) -> Self {
        Self { w: self.w * f, h: self.h * f, ..self }
    }

    /// Width and height of the frame once upright.
    pub(super) fn upright_size(self) -> (usize, usize) {
        if self.quarters % 2 == 1 { (self.h, self.w) } else { (self.w, self.h) }
    }

    /// The stored pixel that shows at pixel (x, y) of the upright frame.
    pub(super) fn stored(self, x: usize, y: usize) -> (usize, usize) {
        let (w, h) = (self.w, self.h);
        match self.quarters {
            0 => (x, y),
            1 => (y, h - 1 - x),
            2 => (w - 1 - x, h - 1 - y),
            _ => (w - 1 - y, x),
        }
    }

    /// A point of the upright frame (pixel edges at whole numbers) in the stored frame.
    pub(super) fn stored_point(self, [x, y]: [f32; 2]) -> [f32; 2] {
        let (w, h) = (self.w as f32, self.h as f32);
        match self.quarters {
            0 => [x, y],
            1 => [y, h - x],
            2 => [w - x, h - y],
            _ => [w - y, x],
        }
    }

    /// A grid of the stored frame, upright.
    pub(super) fn upright<T: Copy>(self, g: &Grid<T>) -> Grid<T> {
        debug_assert_eq!((g.w, g.h), (self.w, self.h));
        let (uw, uh) = self.upright_size();
        Grid::from_fn(uw, uh, |x, y| {
            let (sx, sy) = self.stored(x, y);
            g.at(sx, sy)
        })
    }

    /// A grid of the upright frame, turned back to the stored frame.
    pub(super) fn back<T: Copy>(self, g: &Grid<T>) -> Grid<T> {
        let (uw, uh) = self.upright_size();
        debug_assert_eq!((g.w, g.h), (uw, uh));
        let mut out = Grid::new(self.w, self.h, g.v[0]);
        for y in 0..uh {
            for x in 0..uw {
                let (sx, sy) = self.stored(x, y);
                out.v[sy * self.w + sx] = g.v[y * uw + x];
            }
        }
        out
    }
}

/// The photo as seen upright: the part of it the working copy covers, turned.
pub(super) struct Upright<'a> {
    photo: &'a RgbaImage,
    /// The turn over the covered part, in photo pixels.
    turn: Turn,
}

impl<'a> Upright<'a> {
    /// `turn` is the working copy's turn, `factor` its downscale.
    pub(super) fn new(photo: &'a RgbaImage, turn: Turn, factor: usize) -> Self {
        Self { photo, turn: turn.scaled(factor) }
    }

    pub(super) fn width(&self) -> usize {
        self.turn.upright_size().0
    }

    pub(super) fn height(&self) -> usize {
        self.turn.upright_size().1
    }

    /// The colour at pixel (x, y) of the upright photo.
    #[inline]
    pub(super) fn rgb(&self, x: usize, y: usize) -> [u8; 3] {
        let (sx, sy) = self.turn.stored(x, y);
        let i = (sy * self.photo.width as usize + sx) * 4;
        let p = &self.photo.pixels[i..i + 3];
        [p[0], p[1], p[2]]
    }

    /// A point of the upright photo on the stored photo.
    pub(super) fn stored_point(&self, p: [f32; 2]) -> [f32; 2] {
        self.turn.stored_point(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turning_upright_and_back_gives_the_grid_again() {
        let g = Grid::from_fn(5, 3, |x, y| (y * 5 + x) as u32);
        for q in 0..4 {
            let t = Turn::new(q, 5, 3);
            let up = t.upright(&g);
            assert_eq!((up.w, up.h), t.upright_size());
            assert_eq!(t.back(&up), g, "{q} quarter turns");
        }
    }

    #[test]
    fn a_quarter_turn_clockwise_brings_the_left_edge_to_the_top() {
        // A frame whose head lies with its top to the left: one clockwise quarter turn makes
        // the left column the top row, read from the bottom up.
        let g = Grid::from_fn(3, 2, |x, y| (x, y));
        let up = Turn::new(1, 3, 2).upright(&g);
        assert_eq!((up.w, up.h), (2, 3));
        assert_eq!(up.at(0, 0), (0, 1));
        assert_eq!(up.at(1, 0), (0, 0));
        assert_eq!(up.at(1, 2), (2, 0));
    }

    #[test]
    fn points_map_as_the_pixels_they_lie_in() {
        for q in 0..4 {
            let t = Turn::new(q, 7, 4);
            let (uw, uh) = t.upright_size();
            for y in 0..uh {
                for x in 0..uw {
                    let [px, py] = t.stored_point([x as f32 + 0.5, y as f32 + 0.5]);
                    assert_eq!((px as usize, py as usize), t.stored(x, y), "{q}: ({x}, {y})");
                }
            }
        }
    }
}
