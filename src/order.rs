//! Sorting by an `f32` key through one small sort shared by every caller.
//!
//! `slice::sort_by` with a closure compiles a whole sort (about 6 KB of wasm) for each element
//! type and closure: the scalp guess's few sorts were a tenth of the module. Here each key
//! becomes a `u64` (its total order above, the element's index below) and one
//! `sort_unstable` of `u64` serves them all; the result is exactly `sort_by` with `total_cmp`.

/// Sorts `items` by `key` ascending under `f32::total_cmp`, equal keys keeping their order:
/// the same order as `items.sort_by(|a, b| key(a).total_cmp(&key(b)))`. For descending order
/// negate the key (negation reverses the total order exactly).
pub fn sort_by_f32<T: Copy>(items: &mut [T], key: impl Fn(&T) -> f32) {
    assert!(items.len() <= u32::MAX as usize, "too many items to sort");
    let mut order: Vec<u64> = items.iter().enumerate().map(|(i, item)| (total_order(key(item)) as u64) << 32 | i as u64).collect();
    sort(&mut order);
    let sorted: Vec<T> = order.iter().map(|&k| items[k as u32 as usize]).collect();
    items.copy_from_slice(&sorted);
}

#[inline(never)]
fn sort(keys: &mut [u64]) {
    keys.sort_unstable();
}

/// `x`'s place in `f32::total_cmp`'s order, as an unsigned integer.
fn total_order(x: f32) -> u32 {
    let bits = x.to_bits();
    if bits >> 31 == 1 { !bits } else { bits | 1 << 31 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_is_sort_by_total_cmp_ties_kept_in_place() {
        let mut state = 0x9e37_79b9u32;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        let specials = [0.0, -0.0, 1.0, -1.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN, -f32::NAN, f32::MIN_POSITIVE, 1e-45];
        for len in [0, 1, 2, 3, 10, 100, 1000] {
            // (key, original position): few distinct keys, so there are many ties.
            let items: Vec<(f32, usize)> = (0..len)
                .map(|i| {
                    let r = next();
                    let key = if r % 3 == 0 { specials[(r / 3) as usize % specials.len()] } else { ((r >> 8) % 7) as f32 - 3.0 };
                    (key, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut got = items.clone();
            sort_by_f32(&mut got, |item| item.0);
            assert_eq!(got.iter().map(|i| i.1).collect::<Vec<_>>(), expected.iter().map(|i| i.1).collect::<Vec<_>>(), "ascending, {len}");
            let mut expected = items.clone();
            expected.sort_by(|a, b| b.0.total_cmp(&a.0));
            let mut got = items;
            sort_by_f32(&mut got, |item| -item.0);
            assert_eq!(got.iter().map(|i| i.1).collect::<Vec<_>>(), expected.iter().map(|i| i.1).collect::<Vec<_>>(), "descending, {len}");
        }
    }
}
