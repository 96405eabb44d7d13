//! A minimal, bounds-checked reader of the FlatBuffers wire format, enough for the subset of
//! the TensorFlow Lite schema the interpreter reads (tables, scalars, strings, vectors).
//!
//! Every access checks its offsets against the buffer: a truncated or garbled file gives an
//! [`Error::Malformed`] naming what could not be read, never a panic or an out-of-bounds read.
//! No `flatbuffers` crate: the schema subset is small and the wasm stays small.

use crate::Error;

fn malformed(what: &str) -> Error {
    Error::Malformed(format!(
        "the model file is truncated or corrupt ({what} out of bounds)"
    ))
}

/// Little-endian scalars read at a byte offset, bounds-checked.
#[derive(Clone, Copy)]
pub struct Bytes<'a>(pub &'a [u8]);

impl<'a> Bytes<'a> {
    fn array<const N: usize>(self, at: usize, what: &str) -> Result<[u8; N], Error> {
        let end = at.checked_add(N).ok_or_else(|| malformed(what))?;
        let slice = self.0.get(at..end).ok_or_else(|| malformed(what))?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }
    pub fn u8(self, at: usize, what: &str) -> Result<u8, Error> {
        self.0.get(at).copied().ok_or_else(|| malformed(what))
    }
    pub fn u16(self, at: usize, what: &str) -> Result<u16, Error> {
        Ok(u16::from_le_bytes(self.array(at, what)?))
    }
    pub fn u32(self, at: usize, what: &str) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.array(at, what)?))
    }
    pub fn i32(self, at: usize, what: &str) -> Result<i32, Error> {
        Ok(i32::from_le_bytes(self.array(at, what)?))
    }

    /// The position an unsigned offset stored at `at` points to (relative to `at`).
    fn follow(self, at: usize, what: &str) -> Result<usize, Error> {
        let off = self.u32(at, what)? as usize;
        let target = at.checked_add(off).ok_or_else(|| malformed(what))?;
        if target >= self.0.len() {
            return Err(malformed(what));
        }
        Ok(target)
    }

    /// The root table of a finished buffer.
    pub fn root(self) -> Result<Table<'a>, Error> {
        Table::at(self, self.follow(0, "root table")?, "root table")
    }
}

/// A table: its position and its vtable (field offsets; an absent field reads as its default).
#[derive(Clone, Copy)]
pub struct Table<'a> {
    bytes: Bytes<'a>,
    pos: usize,
    vtable: usize,
    vtable_len: usize,
}

impl<'a> Table<'a> {
    fn at(bytes: Bytes<'a>, pos: usize, what: &str) -> Result<Self, Error> {
        // The vtable sits at `pos - soffset` (a signed distance, usually backwards).
        let soffset = bytes.i32(pos, what)? as i64;
        let vtable = pos as i64 - soffset;
        if vtable < 0 || vtable as usize >= bytes.0.len() {
            return Err(malformed(what));
        }
        let vtable = vtable as usize;
        let vtable_len = bytes.u16(vtable, what)? as usize;
        if vtable_len < 4
            || vtable
                .checked_add(vtable_len)
                .is_none_or(|end| end > bytes.0.len())
        {
            return Err(malformed(what));
        }
        Ok(Table {
            bytes,
            pos,
            vtable,
            vtable_len,
        })
    }

    /// Where field `index` sits, or `None` when the writer left it out.
    fn field(&self, index: usize, what: &str) -> Result<Option<usize>, Error> {
        let slot = 4 + 2 * index;
        if slot + 2 > self.vtable_len {
            return Ok(None);
        }
        let off = self.bytes.u16(self.vtable + slot, what)? as usize;
        if off == 0 {
            return Ok(None);
        }
        Ok(Some(self.pos + off))
    }

    pub fn u8_or(&self, index: usize, default: u8, what: &str) -> Result<u8, Error> {
        match self.field(index, what)? {
            Some(at) => self.bytes.u8(at, what),
            None => Ok(default),
        }
    }
    pub fn i8_or(&self, index: usize, default: i8, what: &str) -> Result<i8, Error> {
        Ok(self.u8_or(index, default as u8, what)? as i8)
    }
    pub fn bool_or(&self, index: usize, default: bool, what: &str) -> Result<bool, Error> {
        Ok(self.u8_or(index, default as u8, what)? != 0)
    }
    pub fn i32_or(&self, index: usize, default: i32, what: &str) -> Result<i32, Error> {
        match self.field(index, what)? {
            Some(at) => self.bytes.i32(at, what),
            None => Ok(default),
        }
    }
    pub fn u32_or(&self, index: usize, default: u32, what: &str) -> Result<u32, Error> {
        match self.field(index, what)? {
            Some(at) => self.bytes.u32(at, what),
            None => Ok(default),
        }
    }

    /// A sub-table field.
    pub fn table(&self, index: usize, what: &str) -> Result<Option<Table<'a>>, Error> {
        match self.field(index, what)? {
            Some(at) => Ok(Some(Table::at(
                self.bytes,
                self.bytes.follow(at, what)?,
                what,
            )?)),
            None => Ok(None),
        }
    }

    /// A vector field whose elements are `elem_size` bytes each (offsets count as 4).
    pub fn vector(
        &self,
        index: usize,
        elem_size: usize,
        what: &str,
    ) -> Result<Option<Vector<'a>>, Error> {
        let Some(at) = self.field(index, what)? else {
            return Ok(None);
        };
        let start = self.bytes.follow(at, what)?;
        let len = self.bytes.u32(start, what)? as usize;
        let data = start + 4;
        let end = len
            .checked_mul(elem_size)
            .and_then(|n| n.checked_add(data))
            .ok_or_else(|| malformed(what))?;
        if end > self.bytes.0.len() {
            return Err(malformed(what));
        }
        Ok(Some(Vector {
            bytes: self.bytes,
            data,
            len,
            elem_size,
        }))
    }

    /// A string field (UTF-8 checked), `None` when absent.
    pub fn string(&self, index: usize, what: &str) -> Result<Option<&'a str>, Error> {
        let Some(v) = self.vector(index, 1, what)? else {
            return Ok(None);
        };
        std::str::from_utf8(v.as_bytes()).map(Some).map_err(|_| {
            Error::Malformed(format!("the model file is corrupt ({what} is not UTF-8)"))
        })
    }
}

/// A vector of scalars or of offsets to tables, its extent already checked.
#[derive(Clone, Copy)]
pub struct Vector<'a> {
    bytes: Bytes<'a>,
    data: usize,
    len: usize,
    elem_size: usize,
}

impl<'a> Vector<'a> {
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The raw element bytes (a `[ubyte]` vector's contents).
    pub fn as_bytes(&self) -> &'a [u8] {
        // In bounds: checked when the vector was read.
        &self.bytes.0[self.data..self.data + self.len * self.elem_size]
    }
    pub fn i32(&self, i: usize, what: &str) -> Result<i32, Error> {
        if i >= self.len {
            return Err(malformed(what));
        }
        self.bytes.i32(self.data + 4 * i, what)
    }
    /// Every element of an `[int]` vector.
    pub fn i32s(&self, what: &str) -> Result<Vec<i32>, Error> {
        (0..self.len).map(|i| self.i32(i, what)).collect()
    }
    pub fn table(&self, i: usize, what: &str) -> Result<Table<'a>, Error> {
        if i >= self.len {
            return Err(malformed(what));
        }
        let at = self.data + 4 * i;
        Table::at(self.bytes, self.bytes.follow(at, what)?, what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-built buffer: root offset, a vtable with two fields, a table with an i32 and a
    /// vector of two i32s.
    fn sample() -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&16u32.to_le_bytes()); // 0: root table at 16
        b.extend_from_slice(&[0; 4]); // 4: file identifier
        // 8: vtable: size 8, table size 12, field0 at +4, field1 at +8
        for v in [8u16, 12, 4, 8] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(&8i32.to_le_bytes()); // 16: soffset -> vtable at 8
        b.extend_from_slice(&42i32.to_le_bytes()); // 20: field0
        b.extend_from_slice(&4u32.to_le_bytes()); // 24: field1 -> vector at 28
        b.extend_from_slice(&2u32.to_le_bytes()); // 28: len
        b.extend_from_slice(&7i32.to_le_bytes());
        b.extend_from_slice(&(-3i32).to_le_bytes());
        b
    }

    #[test]
    fn reads_scalars_and_vectors_of_a_well_formed_table() {
        let buf = sample();
        let root = Bytes(&buf).root().unwrap();
        assert_eq!(root.i32_or(0, 0, "f0").unwrap(), 42);
        assert_eq!(
            root.vector(1, 4, "f1")
                .unwrap()
                .unwrap()
                .i32s("f1")
                .unwrap(),
            vec![7, -3]
        );
        assert_eq!(root.i32_or(5, 9, "absent").unwrap(), 9);
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let buf = sample();
        for cut in 0..buf.len() {
            let short = &buf[..cut];
            let read = Bytes(short).root().and_then(|r| {
                r.i32_or(0, 0, "f0")?;
                r.vector(1, 4, "f1")?.map(|v| v.i32s("f1")).transpose()
            });
            assert!(read.is_err(), "cut at {cut} read fine");
        }
    }

    #[test]
    fn a_vector_longer_than_the_buffer_is_an_error() {
        let mut buf = sample();
        buf[28..32].copy_from_slice(&u32::MAX.to_le_bytes());
        let root = Bytes(&buf).root().unwrap();
        assert!(root.vector(1, 4, "f1").is_err());
    }
}
