//! Value representation, decided once for every engine: symbols are `u32` ids into one interner,
//! numbers are exact `i128`, dates are `i32` days since 1970-01-01.

use lexproof_lang::number::format_date;
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(pub i32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    Sym(Sym),
    Num(i128),
    Date(Date),
}

impl Value {
    /// Storage order: fast, consistent within one run, used for sorting tables and binary search.
    /// Symbols compare by id, so this is not the order shown to users.
    pub fn raw_cmp(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Sym(a), Value::Sym(b)) => a.cmp(b),
            (Value::Num(a), Value::Num(b)) => a.cmp(b),
            (Value::Date(a), Value::Date(b)) => a.cmp(b),
            _ => self.kind().cmp(&other.kind()),
        }
    }
    fn kind(&self) -> u8 {
        match self {
            Value::Sym(_) => 0,
            Value::Num(_) => 1,
            Value::Date(_) => 2,
        }
    }
}

/// Interns symbol text. The compiled rulebase's constants are interned first, so `Sym(n)` in the
/// generated program means the n-th of its constants.
///
/// All text lives in one buffer (`text`; symbol `i` where `places[i]` says): no allocation per
/// symbol. The hash table is open addressing with linear probing over `slots`, each slot carrying
/// its symbol's hash, length and place in `text`, so a lookup touches one slot and, on a hash
/// match, the text once, and growing never rehashes text. Loading a million distinct symbols
/// means ten million lookups in a table larger than the cache; `intern_all` overlaps those misses.
pub struct Interner {
    slots: Vec<Entry>,
    /// log2 of `slots.len()`.
    bits: u32,
    text: String,
    /// Each symbol's offset in `text` and length, encoded as in `Entry::place`.
    places: Vec<u64>,
    /// Offset and length of the symbols whose place does not fit (`LONG`): over 16 MiB long, or
    /// past a terabyte of text.
    long: rustc_hash::FxHashMap<u32, (usize, usize)>,
}

/// One slot of the hash table: 16 bytes.
#[derive(Clone, Copy)]
struct Entry {
    /// `EMPTY` for a free slot.
    id: u32,
    hash: u32,
    /// Offset into `text` (low 40 bits) and length (high 24 bits; `LONG` means "see `long`").
    place: u64,
}

const EMPTY: u32 = u32::MAX;
/// A slot whose symbol was dropped when the table was adopted (`adopt`): probing passes over it.
const GONE: u32 = u32::MAX - 1;
const LONG: u64 = (1 << 24) - 1;
const FREE: Entry = Entry {
    id: EMPTY,
    hash: 0,
    place: 0,
};

/// A text's place in an interner's text: offset (low 40 bits) and length (high 24), or `LONG` in
/// the length when either does not fit (`is_long`; such symbols are also listed in `long`).
pub(crate) fn text_place(start: usize, len: usize) -> u64 {
    if start as u64 >= 1 << 40 || len as u64 >= LONG {
        LONG << 40
    } else {
        start as u64 | (len as u64) << 40
    }
}

pub(crate) fn is_long(place: u64) -> bool {
    place >> 40 == LONG
}

/// The offset a place that is not `LONG` gives.
fn start_of(place: u64) -> usize {
    (place & ((1 << 40) - 1)) as usize
}

impl Entry {
    fn start(&self) -> usize {
        start_of(self.place)
    }
}

impl Default for Interner {
    fn default() -> Interner {
        const BITS: u32 = 4;
        Interner {
            slots: vec![FREE; 1 << BITS],
            bits: BITS,
            text: String::new(),
            places: Vec::new(),
            long: Default::default(),
        }
    }
}

/// What one slot of a table handed to `Interner::adopt` holds.
pub(crate) enum SlotContent {
    Free,
    /// A symbol that is not kept: the slot stays taken so probe runs through it stay intact.
    Gone(u32),
    /// Symbol `id`, its text where `place` (`text_place`) says.
    Symbol {
        id: u32,
        hash: u32,
        place: u64,
    },
}

/// The slot where probing for `hash` starts in a table of `2^bits` slots (Fibonacci hashing: the
/// product's high bits). Shared with the loader's concurrent table, whose layout `adopt` keeps.
pub(crate) fn home(hash: u32, bits: u32) -> usize {
    ((hash as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

pub(crate) fn hash_str(s: &str) -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(s.as_bytes());
    let h = h.finish();
    (h ^ (h >> 32)) as u32
}

/// Whether two byte strings of the same length are equal. Symbols are mostly short: for them two
/// overlapping word compares (first and last 8 or 4 bytes) beat a call to the C library's `memcmp`
/// on every lookup.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    let word8 =
        |x: &[u8], at: usize| u64::from_le_bytes(x[at..at + 8].try_into().unwrap_or([0; 8]));
    let word4 =
        |x: &[u8], at: usize| u32::from_le_bytes(x[at..at + 4].try_into().unwrap_or([0; 4]));
    match n {
        17.. => a == b,
        8..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        4..=7 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        _ => a.iter().zip(b).all(|(x, y)| x == y),
    }
}

/// How many lookups `intern_all` has in flight at once.
const BATCH: usize = 32;

impl Interner {
    pub fn with_symbols(symbols: &[&str]) -> Interner {
        let mut i = Interner::default();
        for s in symbols {
            i.intern(s);
        }
        i
    }
    fn text_of(&self, id: u32) -> &str {
        let p = self.places[id as usize];
        let (start, len) = match p >> 40 {
            LONG => self.long.get(&id).copied().unwrap_or((0, 0)),
            len => (start_of(p), len as usize),
        };
        &self.text[start..start + len]
    }
    fn home(&self, hash: u32) -> usize {
        home(hash, self.bits)
    }
    /// Whether `e` holds `s`, whose hash is `hash`.
    fn holds(&self, e: &Entry, hash: u32, s: &str) -> bool {
        if e.hash != hash || e.id == EMPTY || e.id == GONE {
            return false;
        }
        let len = e.place >> 40;
        if len == LONG {
            return self.text_of(e.id) == s;
        }
        let start = e.start();
        len as usize == s.len()
            && same_bytes(&self.text.as_bytes()[start..start + s.len()], s.as_bytes())
    }
    /// The id of `s`, or the free slot where it belongs.
    fn find(&self, hash: u32, s: &str) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        loop {
            let e = &self.slots[i];
            if e.id == EMPTY {
                return Err(i);
            }
            if self.holds(e, hash, s) {
                return Ok(e.id);
            }
            i = (i + 1) & mask;
        }
    }
    fn intern_hashed(&mut self, s: &str, hash: u32) -> Sym {
        let slot = match self.find(hash, s) {
            Ok(id) => return Sym(id),
            Err(slot) => slot,
        };
        let id = self.len() as u32;
        let start = self.text.len();
        self.text.push_str(s);
        let place = text_place(start, s.len());
        if is_long(place) {
            self.long.insert(id, (start, s.len()));
        }
        self.places.push(place);
        self.slots[slot] = Entry { id, hash, place };
        // At most three quarters full: probe runs stay short (a slot is a quarter of a cache line)
        // and a million symbols fit in 2^21 slots, 32 MiB.
        if 4 * self.len() > 3 * self.slots.len() {
            self.grow();
        }
        Sym(id)
    }
    /// Moves every entry into a table twice the size. With Fibonacci hashing an entry's home there
    /// is near twice its old one, so reading the old table in order writes the new one almost in
    /// order too.
    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.bits += 1;
        self.slots = vec![FREE; 1 << self.bits];
        let mask = self.slots.len() - 1;
        for e in old.into_iter().filter(|e| e.id != EMPTY && e.id != GONE) {
            let mut i = self.home(e.hash);
            while self.slots[i].id != EMPTY {
                i = (i + 1) & mask;
            }
            self.slots[i] = e;
        }
    }
    pub fn intern(&mut self, s: &str) -> Sym {
        self.intern_hashed(s, hash_str(s))
    }
    /// Interns every string of `cells` in order (the same ids as one `intern` each), appending the
    /// symbols to `out`.
    pub fn intern_all(&mut self, cells: &[&str], out: &mut Vec<Sym>) {
        let mut hashes = [0u32; BATCH];
        for chunk in cells.chunks(BATCH) {
            for (k, s) in chunk.iter().enumerate() {
                hashes[k] = hash_str(s);
            }
            self.intern_batch(chunk, &hashes[..chunk.len()], out);
        }
    }
    /// Takes over a hash table of `2^bits` slots built elsewhere (the loader's concurrent table),
    /// in place: `take` says what each slot holds. `text` holds every kept symbol's text, `places`
    /// each one's place in it (`text_place`), `long` the offset and length of those whose place is
    /// `LONG`. The symbols kept must be ids `0..places.len()`, each once, each where probing from
    /// its home finds it, in a table at most three quarters full.
    pub(crate) fn adopt<S>(
        &mut self,
        bits: u32,
        text: String,
        places: Vec<u64>,
        long: Vec<(u32, usize, usize)>,
        slots: Vec<S>,
        mut take: impl FnMut(S) -> SlotContent,
    ) {
        // Same size and alignment: collected into the slots' own memory, not fresh memory.
        let slots: Vec<Entry> = slots
            .into_iter()
            .map(|slot| match take(slot) {
                SlotContent::Free => FREE,
                SlotContent::Gone(hash) => Entry {
                    id: GONE,
                    hash,
                    place: 0,
                },
                SlotContent::Symbol { id, hash, place } => Entry { id, hash, place },
            })
            .collect();
        debug_assert_eq!(slots.len(), 1 << bits);
        *self = Interner {
            slots,
            bits,
            text,
            places,
            long: long.into_iter().map(|(id, a, n)| (id, (a, n))).collect(),
        };
    }
    /// Reads the batch's slots, then the text they point to, before interning, so the cache
    /// misses of a batch overlap instead of being waited for one after another.
    fn intern_batch(&mut self, cells: &[&str], hashes: &[u32], out: &mut Vec<Sym>) {
        let mut homes = [0usize; BATCH];
        for (home, &hash) in homes.iter_mut().zip(hashes) {
            *home = self.home(hash);
        }
        let homes = &homes[..cells.len()];
        // A loop of nothing but independent loads, so the processor has them all in flight.
        let slots = &self.slots;
        let touched = homes.iter().fold(0u64, |acc, &h| acc ^ slots[h].place);
        std::hint::black_box(touched);
        let text = self.text.as_bytes();
        let touched = homes.iter().fold(0u8, |acc, &h| {
            acc ^ text.get(slots[h].start()).copied().unwrap_or(0)
        });
        std::hint::black_box(touched);
        for (s, &hash) in cells.iter().zip(hashes) {
            out.push(self.intern_hashed(s, hash));
        }
    }
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.find(hash_str(s), s).ok().map(Sym)
    }
    pub fn resolve(&self, s: Sym) -> &str {
        self.text_of(s.0)
    }
    /// Asks for the cache line saying where `s`'s text is (see `crate::data::prefetch`).
    #[inline]
    pub fn prefetch_place(&self, s: Sym) {
        if let Some(p) = self.places.get(s.0 as usize) {
            crate::data::prefetch(p);
        }
    }
    /// Asks for the cache line where `s`'s text starts; reads where that is, so it pays off once
    /// `prefetch_place` has brought that in.
    #[inline]
    pub fn prefetch_text(&self, s: Sym) {
        if let Some(&p) = self.places.get(s.0 as usize) {
            if !is_long(p) {
                if let Some(b) = self.text.as_bytes().get(start_of(p)) {
                    crate::data::prefetch(b);
                }
            }
        }
    }
    pub fn len(&self) -> usize {
        self.places.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each symbol's position in text order, so display order can compare integers, not strings.
    pub fn display_ranks(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = (0..self.len() as u32).collect();
        ids.sort_unstable_by(|&a, &b| self.text_of(a).cmp(self.text_of(b)));
        let mut rank = vec![0u32; ids.len()];
        for (r, id) in ids.into_iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        rank
    }

    /// The order users see: symbols by text, numbers and dates by value.
    pub fn display_cmp(&self, a: &Value, b: &Value) -> Ordering {
        match (a, b) {
            (Value::Sym(x), Value::Sym(y)) => self.resolve(*x).cmp(self.resolve(*y)),
            _ => a.raw_cmp(b),
        }
    }

    pub fn display_cmp_rows(&self, a: &[Value], b: &[Value]) -> Ordering {
        for (x, y) in a.iter().zip(b) {
            match self.display_cmp(x, y) {
                Ordering::Equal => continue,
                o => return o,
            }
        }
        a.len().cmp(&b.len())
    }

    /// A value as written in rules and `.dl` facts: symbols and dates quoted.
    pub fn literal(&self, v: &Value) -> String {
        match v {
            Value::Sym(s) => quote(self.resolve(*s)),
            Value::Num(n) => n.to_string(),
            Value::Date(d) => format!("\"{}\"", format_date(d.0)),
        }
    }

    /// A value as written in TSV: unquoted, with tab, newline and backslash escaped.
    pub fn plain(&self, v: &Value) -> String {
        match v {
            Value::Sym(s) => escape_tsv(self.resolve(*s)),
            Value::Num(n) => n.to_string(),
            Value::Date(d) => format_date(d.0),
        }
    }

    /// A value as people read it: a number of 10^6 or more as `3×10^24` where that is exact,
    /// anything else as `literal` writes it.
    pub fn readable(&self, v: &Value) -> String {
        match v {
            Value::Num(n) => lexproof_lang::number::readable(*n),
            _ => self.literal(v),
        }
    }

    /// `atom` with its numbers as people read them (`readable`).
    pub fn readable_atom(&self, rel: &str, values: &[Value]) -> String {
        let args: Vec<String> = values.iter().map(|v| self.readable(v)).collect();
        format!("{rel}({})", args.join(", "))
    }

    pub fn atom(&self, rel: &str, values: &[Value]) -> String {
        let args: Vec<String> = values.iter().map(|v| self.literal(v)).collect();
        format!("{rel}({})", args.join(", "))
    }
}

pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Any other control character (ESC, NUL) as its code: it would act on a terminal.
            c if lexproof_lang::diag::acts_on_terminal(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text safe to print on a terminal: control characters (escape sequences, carriage returns, NUL)
/// are shown as `\u{..}` escapes instead of acting on the terminal.
pub use lexproof_lang::diag::printable;

pub use lexproof_lang::diag::shorten;

/// A symbol as a TSV cell (and as plain text for people): tabs, line breaks and backslashes
/// escaped so the cell stays one cell, and any other control character as `\u{..}` so it cannot
/// act on a terminal; the TSV reader reads all of these back.
pub fn escape_tsv(s: &str) -> String {
    // A byte test first: C0 controls, DEL, a backslash, or 0xC2 (which leads every C1 control).
    // 0xc2 leads every C1 control, 0xd8 U+061C, 0xe2 the other bidirectional controls.
    if !s
        .bytes()
        .any(|b| b < 0x20 || b == 0x7f || b == b'\\' || b == 0xc2 || b == 0xd8 || b == 0xe2)
    {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            c if lexproof_lang::diag::acts_on_terminal(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batched_and_single_interning_agree_through_growth() {
        // Repeats, short and long texts, and enough symbols to grow the table many times.
        let texts: Vec<String> = (0..50_000)
            .map(|i| match i % 3 {
                0 => format!("m-{}", i / 3),
                1 => format!("m-{}", i / 7),
                _ => format!("a rather longer symbol text number {}", i % 1000),
            })
            .collect();
        let cells: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut one = Interner::default();
        let singles: Vec<Sym> = cells.iter().map(|s| one.intern(s)).collect();
        let mut batch = Interner::default();
        let mut batched = Vec::new();
        batch.intern_all(&cells, &mut batched);
        assert_eq!(singles, batched);
        assert_eq!(one.len(), batch.len());
        for (s, id) in cells.iter().zip(&singles) {
            assert_eq!(batch.resolve(*id), *s);
            assert_eq!(batch.get(s), Some(*id));
        }
        assert_eq!(batch.get("never interned"), None);
        assert_eq!(batch.intern("new"), Sym(one.len() as u32));
    }
}
