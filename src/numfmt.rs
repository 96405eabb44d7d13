//! Floats written into messages, character for character as `format!` writes them (`{}` and
//! `{:?}` of an `f32`, `{:.N}` of an `f32` or `f64`), by a small exact formatter of our own.
//! The standard library's float formatting (Grisu with a Dragon fallback, its bignums and
//! tables) was about 11 KB of the gzipped wasm for a handful of cold messages.
//!
//! Both algorithms work on exact big integers, as the standard library's Dragon does, so the
//! digits are the same: the shortest digits that read back as the same `f32`, the nearer of
//! two candidates when both do (a tie rounds up), and for a fixed number of decimals the exact
//! value rounded half to even. Tests compare the output with `format!` on millions of values.

use std::cmp::Ordering;
use std::fmt;

/// An unsigned big integer, base 2³², least significant limb first (no trailing zero limbs
/// are needed: comparisons skip them).
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn new(v: u64) -> Big {
        Big(vec![v as u32, (v >> 32) as u32])
    }

    #[inline(never)]
    fn mul_small(&mut self, m: u32) -> &mut Big {
        let mut carry = 0u64;
        for limb in &mut self.0 {
            let v = *limb as u64 * m as u64 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
        self
    }

    #[inline(never)]
    fn mul_pow10(&mut self, n: u32) -> &mut Big {
        for _ in 0..n {
            self.mul_small(10);
        }
        self
    }

    #[inline(never)]
    fn mul_pow2(&mut self, n: u32) -> &mut Big {
        for _ in 0..n {
            self.mul_small(2);
        }
        self
    }

    #[inline(never)]
    fn add(&mut self, other: &Big) -> &mut Big {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        let mut carry = 0u64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = *limb as u64 + *other.0.get(i).unwrap_or(&0) as u64 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
        self
    }

    /// `self - other`, where `other <= self`.
    #[inline(never)]
    fn sub(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = *limb as i64 - *other.0.get(i).unwrap_or(&0) as i64 - borrow;
            *limb = v as u32;
            borrow = (v < 0) as i64;
        }
    }

    #[inline(never)]
    fn cmp(&self, other: &Big) -> Ordering {
        let n = self.0.len().max(other.0.len());
        for i in (0..n).rev() {
            let (a, b) = (*self.0.get(i).unwrap_or(&0), *other.0.get(i).unwrap_or(&0));
            if a != b {
                return a.cmp(&b);
            }
        }
        Ordering::Equal
    }

    #[inline(never)]
    fn is_zero(&self) -> bool {
        self.0.iter().all(|&l| l == 0)
    }

    /// Halves, returning the bit shifted out.
    #[inline(never)]
    fn shr1(&mut self) -> bool {
        let mut carry = 0;
        for limb in self.0.iter_mut().rev() {
            let next = *limb & 1;
            *limb = (*limb >> 1) | (carry << 31);
            carry = next;
        }
        carry == 1
    }

    /// Divides by `d`, returning the remainder.
    #[inline(never)]
    fn div_rem_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for limb in self.0.iter_mut().rev() {
            let v = (rem << 32) | *limb as u64;
            *limb = (v / d as u64) as u32;
            rem = v % d as u64;
        }
        rem as u32
    }

    /// `floor(self / scale)`, known to be below 10, leaving the remainder in `self`.
    #[inline(never)]
    fn digit(&mut self, scale: &Big) -> u8 {
        let mut d = 0;
        while self.cmp(scale) != Ordering::Less {
            self.sub(scale);
            d += 1;
        }
        d
    }
}

/// A nonzero finite `f32` as the standard library decodes it: `v = mant · 2^exp`, and every
/// number between `(mant - minus) · 2^exp` and `(mant + plus) · 2^exp` reads back as `v`
/// (bounds included when `inclusive`).
#[inline(never)]
fn decode(v: f32) -> (u64, u64, u64, i32, bool) {
    let bits = v.to_bits();
    let biased = ((bits >> 23) & 0xff) as i32;
    let mant = if biased == 0 { (bits & 0x7f_ffff) << 1 } else { (bits & 0x7f_ffff) | 0x80_0000 } as u64;
    let exp = if biased == 0 { -150 } else { biased - 150 };
    let even = mant & 1 == 0;
    if biased == 0 {
        (mant, 1, 1, exp, even)
    } else if mant == 0x80_0000 {
        (mant << 2, 1, 2, exp - 2, even)
    } else {
        (mant << 1, 1, 1, exp - 1, even)
    }
}

/// The shortest digits that read back as `v` (nonzero, finite) and the decimal exponent `k`:
/// `v ≈ 0.d₁d₂… · 10^k`.
#[inline(never)]
fn shortest(v: f32) -> (Vec<u8>, i32) {
    let (m, minus, plus, exp, inclusive) = decode(v);
    let rounding = if inclusive { Ordering::Greater } else { Ordering::Equal };
    let (mut mant, mut minus, mut plus, mut scale) = (Big::new(m), Big::new(minus), Big::new(plus), Big::new(1));
    if exp < 0 {
        scale.mul_pow2(-exp as u32);
    } else {
        for b in [&mut mant, &mut minus, &mut plus] {
            b.mul_pow2(exp as u32);
        }
    }
    // Scale to `scale < mant + plus <= 10 · scale` (or `<=`, `<` when inclusive).
    let mut k = 0;
    while scale.cmp(mant.clone().add(&plus)) < rounding {
        scale.mul_small(10);
        k += 1;
    }
    loop {
        let mut ten = mant.clone();
        ten.mul_small(10).add(plus.clone().mul_small(10));
        if scale.cmp(&ten) < rounding {
            break;
        }
        for b in [&mut mant, &mut minus, &mut plus] {
            b.mul_small(10);
        }
        k -= 1;
    }
    for b in [&mut mant, &mut minus, &mut plus] {
        b.mul_small(10);
    }
    let mut digits = Vec::new();
    let (down, up) = loop {
        digits.push(mant.digit(&scale));
        let down = mant.cmp(&minus) < rounding;
        let up = scale.cmp(mant.clone().add(&plus)) < rounding;
        if down || up {
            break (down, up);
        }
        for b in [&mut mant, &mut minus, &mut plus] {
            b.mul_small(10);
        }
    };
    if up && (!down || mant.mul_pow2(1).cmp(&scale) != Ordering::Less) && round_up(&mut digits) {
        k += 1;
    }
    (digits, k)
}

/// Adds one to the last digit; true when that carried into a new leading digit (the digits
/// are then `1000…`, as many as before).
#[inline(never)]
fn round_up(digits: &mut [u8]) -> bool {
    for d in digits.iter_mut().rev() {
        if *d < 9 {
            *d += 1;
            return false;
        }
        *d = 0;
    }
    digits[0] = 1;
    true
}

#[inline(never)]
fn push_digits(out: &mut String, digits: &[u8]) {
    out.extend(digits.iter().map(|&d| (b'0' + d) as char));
}

/// `{}` (`debug` false) or `{:?}` of an `f32`.
#[inline(never)]
fn write_f32(out: &mut String, v: f32, debug: bool) {
    if v.is_nan() {
        out.push_str("NaN");
        return;
    }
    if v.is_sign_negative() {
        out.push('-');
    }
    let a = v.abs();
    if a.is_infinite() {
        out.push_str("inf");
        return;
    }
    if a == 0.0 {
        out.push_str(if debug { "0.0" } else { "0" });
        return;
    }
    let (digits, k) = shortest(a);
    if debug && !(1e-4..1e16).contains(&a) {
        // 1.5e-5, 1e16
        push_digits(out, &digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            push_digits(out, &digits[1..]);
        }
        out.push('e');
        out.push_str(&(k - 1).to_string());
    } else if k <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', -k as usize));
        push_digits(out, &digits);
    } else if (k as usize) < digits.len() {
        push_digits(out, &digits[..k as usize]);
        out.push('.');
        push_digits(out, &digits[k as usize..]);
    } else {
        push_digits(out, &digits);
        out.extend(std::iter::repeat_n('0', k as usize - digits.len()));
        if debug {
            out.push_str(".0");
        }
    }
}

/// `{:.decimals}` of a float (an `f32` widened to `f64` is the same number, so the same text).
#[inline(never)]
pub fn fixed(v: f64, decimals: u32) -> String {
    let mut out = String::new();
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_sign_negative() {
        out.push('-');
    }
    let a = v.abs();
    if a.is_infinite() {
        out.push_str("inf");
        return out;
    }
    // a · 10^decimals = mant · 10^decimals · 2^exp, rounded half to even.
    let bits = a.to_bits();
    let biased = (bits >> 52) as i32;
    let mant = if biased == 0 { bits << 1 } else { (bits & ((1 << 52) - 1)) | (1 << 52) };
    let exp = if biased == 0 { -1075 } else { biased - 1075 };
    let mut q = Big::new(mant);
    q.mul_pow10(decimals);
    if exp >= 0 {
        q.mul_pow2(exp as u32);
    } else {
        // Shift the 2^-exp out: `half` is the last bit shifted out, `rest` any before it.
        let (mut half, mut rest) = (false, false);
        for _ in 0..-exp {
            rest |= half;
            half = q.shr1();
        }
        if half && (rest || q.0[0] & 1 == 1) {
            q.add(&Big::new(1));
        }
    }
    let mut digits = Vec::new();
    while !q.is_zero() {
        digits.push(q.div_rem_small(10) as u8);
    }
    digits.resize(digits.len().max(decimals as usize + 1), 0);
    digits.reverse();
    let int = digits.len() - decimals as usize;
    push_digits(&mut out, &digits[..int]);
    if decimals > 0 {
        out.push('.');
        push_digits(&mut out, &digits[int..]);
    }
    out
}

/// An `f32` shown as `{}` shows it.
pub struct Num(pub f32);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write_f32(&mut out, self.0, false);
        f.write_str(&out)
    }
}

/// An `[f32; 2]` shown as `{:?}` shows it: `[0.5, 1.0]`.
pub struct Pair(pub [f32; 2]);

impl fmt::Display for Pair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::from("[");
        write_f32(&mut out, self.0[0], true);
        out.push_str(", ");
        write_f32(&mut out, self.0[1], true);
        out.push(']');
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A few thousand values near every edge, then random bit patterns.
    fn values() -> Vec<f32> {
        let mut v: Vec<f32> = vec![
            0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, 9.5, 0.05, 0.15, 0.25, 0.35, 1e-4, 9.999e-5, 1e16, 9.99e15, 1e15,
            f32::MIN_POSITIVE, f32::MAX, f32::MIN, f32::EPSILON, 1e-45, 3e38, 200.0, 7.0, 10.0, 0.55, 0.45, 99.95,
            f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 16777216.0, 16777217.0, 1e10, 123456789.0,
        ];
        for e in 0..=255u32 {
            for m in [0u32, 1, 2, 3, 0x3f_ffff, 0x40_0000, 0x7f_fffe, 0x7f_ffff] {
                v.push(f32::from_bits((e << 23) | m));
                v.push(-f32::from_bits((e << 23) | m));
            }
        }
        for i in 0..20_000 {
            v.push(i as f32 / 10.0);
            v.push(i as f32 / 100.0 + 0.005);
            v.push(i as f32 * 0.05);
        }
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2_000_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v.push(f32::from_bits(x as u32));
        }
        v
    }

    #[test]
    fn f32_as_format_writes_it() {
        for v in values() {
            assert_eq!(Num(v).to_string(), format!("{v}"), "{:#x}", v.to_bits());
            assert_eq!(Pair([v, 0.5]).to_string(), format!("{:?}", [v, 0.5]), "{:#x}", v.to_bits());
        }
    }

    #[test]
    fn fixed_as_format_writes_it() {
        for v in values() {
            assert_eq!(fixed(v as f64, 1), format!("{v:.1}"), "{:#x}", v.to_bits());
            assert_eq!(fixed(v as f64, 0), format!("{v:.0}"), "{:#x}", v.to_bits());
            if v.is_finite() && v.abs() < 1e6 {
                assert_eq!(fixed(v as f64, 3), format!("{v:.3}"), "{:#x}", v.to_bits());
            }
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = f64::from_bits(x);
            assert_eq!(fixed(v, 0), format!("{v:.0}"), "{x:#x}");
            assert_eq!(fixed(v, 1), format!("{v:.1}"), "{x:#x}");
        }
        for v in [0.5f64, 1.5, 2.5, 0.25, 0.35, 200.0, 1e300, 5e-324, f64::MAX, -0.0, 0.0] {
            assert_eq!(fixed(v, 0), format!("{v:.0}"));
            assert_eq!(fixed(v, 1), format!("{v:.1}"));
        }
    }
}
