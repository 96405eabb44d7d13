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

/// Puts the `k`-th smallest of `vals` (from 0, under `f32::total_cmp`) at `k`, the `k` smaller
/// ones before it and the rest after, in any order within each side: what
/// `vals.select_nth_unstable_by(k, f32::total_cmp)` leaves, up to that order (the same values,
/// bit for bit, on each side). A quickselect on the values' total-order keys with the shared
/// sort for what is left after a few rounds (or when it would go quadratic), instead of the
/// library's selection (about 2 KB of gzipped wasm).
pub fn select_f32(vals: &mut [f32], k: usize) {
    assert!(k < vals.len(), "select_f32: k out of range");
    let mut keys: Vec<u64> = vals.iter().map(|&v| total_order(v) as u64).collect();
    let (mut lo, mut hi) = (0, keys.len());
    // Rounds allowed before sorting what is left: about twice the halvings a good pivot needs.
    let mut rounds = 2 * (usize::BITS - keys.len().leading_zeros());
    while hi - lo > 16 && rounds > 0 {
        rounds -= 1;
        let (a, b, c) = (keys[lo], keys[lo + (hi - lo) / 2], keys[hi - 1]);
        let pivot = a.max(b).min(a.min(b).max(c));
        // Three-way partition: [lo, lt) below the pivot, [lt, gt) equal, [gt, hi) above.
        let (mut lt, mut i, mut gt) = (lo, lo, hi);
        while i < gt {
            if keys[i] < pivot {
                keys.swap(lt, i);
                lt += 1;
                i += 1;
            } else if keys[i] > pivot {
                gt -= 1;
                keys.swap(i, gt);
            } else {
                i += 1;
            }
        }
        if k < lt {
            hi = lt;
        } else if k >= gt {
            lo = gt;
        } else {
            (lo, hi) = (k, k);
        }
    }
    sort(&mut keys[lo..hi]);
    for (v, &key) in vals.iter_mut().zip(&keys) {
        let key = key as u32;
        *v = f32::from_bits(if key >> 31 == 1 { key & !(1 << 31) } else { !key });
    }
}

/// `x`'s place in `f32::total_cmp`'s order, as an unsigned integer.
fn total_order(x: f32) -> u32 {
    let bits = x.to_bits();
    if bits >> 31 == 1 { !bits } else { bits | 1 << 31 }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys that sort awkwardly: signed zeros, infinities, NaNs of both signs, the smallest.
    const SPECIALS: [f32; 10] = [0.0, -0.0, 1.0, -1.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN, -f32::NAN, f32::MIN_POSITIVE, 1e-45];

    /// A seeded xorshift generator, so the tests see the same values every run.
    fn xorshift(mut state: u32) -> impl FnMut() -> u32 {
        move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        }
    }

    #[test]
    fn the_order_is_sort_by_total_cmp_ties_kept_in_place() {
        let mut next = xorshift(0x9e37_79b9);
        let specials = SPECIALS;
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

    #[test]
    fn select_leaves_the_values_select_nth_unstable_does() {
        let mut next = xorshift(0x2545_f491);
        let specials = SPECIALS;
        let sorted_bits = |v: &[f32]| {
            let mut b: Vec<u32> = v.iter().map(|x| total_order(*x)).collect();
            b.sort_unstable();
            b
        };
        for len in [1, 2, 3, 10, 17, 40, 100, 1000, 5000] {
            for kind in 0..4 {
                let vals: Vec<f32> = (0..len)
                    .map(|i| {
                        let r = next();
                        match kind {
                            0 => specials[r as usize % specials.len()],
                            1 => ((r >> 8) % 7) as f32 - 3.0,
                            2 => f32::from_bits(r),
                            _ => i as f32 * if r % 2 == 0 { 1.0 } else { -1.0 },
                        }
                    })
                    .collect();
                for k in [0, len / 3, len / 2, len - 1] {
                    let mut expected = vals.clone();
                    expected.select_nth_unstable_by(k, f32::total_cmp);
                    let mut got = vals.clone();
                    select_f32(&mut got, k);
                    assert_eq!(got[k].to_bits(), expected[k].to_bits(), "{len} {kind} {k}");
                    assert_eq!(sorted_bits(&got[..k]), sorted_bits(&expected[..k]), "{len} {kind} {k}");
                    assert_eq!(sorted_bits(&got[k + 1..]), sorted_bits(&expected[k + 1..]), "{len} {kind} {k}");
                }
            }
        }
        // Sorted, reversed and constant input stay linear or fall back to the sort.
        let mut up: Vec<f32> = (0..100_000).map(|i| i as f32).collect();
        select_f32(&mut up, 50_000);
        assert_eq!(up[50_000], 50_000.0);
        let mut same = vec![2.5f32; 100_000];
        select_f32(&mut same, 70_000);
        assert_eq!(same[70_000], 2.5);
    }
}
