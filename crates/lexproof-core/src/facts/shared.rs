//! The symbol table every loading thread interns into at once.
//!
//! With an interner per thread, a symbol that many files share (a model's id is in most of them)
//! was looked up once per thread and again when merged into the run's interner, in tables far
//! larger than the cache, and three such tables were filled with fresh memory. Here there is one
//! table: a lookup is a few loads, an insert one compare-and-swap. The ids it gives are temporary
//! (which thread meets a symbol first depends on timing), so the loader numbers symbols afterwards
//! in file order (`Numbering`), and `into_interner` hands the table, its layout unchanged, to the
//! run's `Interner`.

use crate::data::prefetch;
use crate::data::store::Table as FactTable;
use crate::data::value::{hash_str, home, is_long, text_place, Interner, SlotContent, Sym};
use std::sync::atomic::AtomicU32;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use std::sync::{PoisonError, RwLock};

/// How far ahead of the lookup at hand `intern_all` asks for the slot, and then the text, a later
/// lookup will read, so their cache misses are under way when it gets there.
const SLOTS_AHEAD: usize = 16;
const TEXTS_AHEAD: usize = 8;

/// Words (8 bytes) per text segment; a text longer than a quarter of one gets a segment of its own.
const SEGMENT: usize = 1 << 16;
/// Temporary ids a worker takes at a time, so the shared counter is rarely touched.
const TID_BLOCK: u32 = 1024;
/// Ids from here up are the interner's markers for free and dropped slots.
const TID_LIMIT: u32 = u32::MAX - 1;

/// Where a text is: published (bit 63), length (bits 40..63; `LONG` for a text in a segment of
/// its own, whose first word is then the length, `length_word`), segment (bits 16..40), word
/// offset (bits 0..16).
#[derive(Clone, Copy)]
struct Place(u64);

const PUBLISHED: u64 = 1 << 63;
const LONG: usize = (1 << 23) - 1;

impl Place {
    fn new(segment: usize, offset: usize, len: usize) -> Place {
        // 2^24 segments of 512 KiB is 8 TiB of symbol text: more than any machine this runs on.
        assert!(segment < 1 << 24, "symbol text beyond 8 TiB");
        Place(PUBLISHED | (len.min(LONG) as u64) << 40 | (segment as u64) << 16 | offset as u64)
    }
    fn segment(self) -> usize {
        ((self.0 >> 16) & ((1 << 24) - 1)) as usize
    }
    fn offset(self) -> usize {
        (self.0 & 0xFFFF) as usize
    }
    fn short_len(self) -> usize {
        (self.0 >> 40) as usize & LONG
    }
}

/// A length as a word whose bytes are ASCII (seven bits each), so that the segments' bytes, laid
/// end to end, are valid UTF-8 and become the interner's text as they are.
fn length_word(len: usize) -> u64 {
    (0..8).fold(0, |w, k| w | ((len as u64 >> (7 * k)) & 0x7F) << (8 * k))
}

fn word_length(w: u64) -> usize {
    (0..8).fold(0, |n, k| n | ((w >> (8 * k)) & 0x7F) << (7 * k)) as usize
}

/// A text's bytes as little-endian words, the last padded with zeros.
fn words(s: &[u8]) -> impl Iterator<Item = u64> + '_ {
    s.chunks(8).map(|c| {
        let mut w = [0u8; 8];
        w[..c.len()].copy_from_slice(c);
        u64::from_le_bytes(w)
    })
}

/// Symbol texts in segments that never move, so one thread reads what another appended. Words
/// are atomics (plain loads and stores on common processors) so that this needs no `unsafe`.
#[derive(Default)]
struct Texts {
    segments: boxcar::Vec<Box<[AtomicU64]>>,
}

impl Texts {
    fn segment(&self, k: usize) -> &[AtomicU64] {
        self.segments.get(k).map_or(&[], |s| s)
    }
    /// Every segment's bytes end to end, and where each segment starts in them.
    fn into_text(self) -> (String, Vec<usize>) {
        let mut bytes = Vec::with_capacity(self.segments.iter().map(|(_, s)| s.len() * 8).sum());
        let mut starts = vec![0; self.segments.count()];
        for (k, segment) in self.segments.iter() {
            if let Some(start) = starts.get_mut(k) {
                *start = bytes.len();
            }
            for w in segment.iter() {
                bytes.extend_from_slice(&w.load(Relaxed).to_le_bytes());
            }
        }
        // Texts came in as `&str` and start at word boundaries; padding and lengths are ASCII.
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        (text, starts)
    }
}

/// Where a text's words start in its segment `seg`, and its length.
fn locate(seg: &[AtomicU64], p: Place) -> (usize, usize) {
    match p.short_len() {
        LONG => (1, seg.first().map_or(0, |w| word_length(w.load(Relaxed)))),
        len => (p.offset(), len),
    }
}

/// Whether the text at `p`, in segment `seg`, is `s`.
fn holds(seg: &[AtomicU64], p: Place, s: &[u8]) -> bool {
    let (start, len) = locate(seg, p);
    len == s.len()
        && seg
            .get(start..start + len.div_ceil(8))
            .is_some_and(|stored| {
                stored
                    .iter()
                    .zip(words(s))
                    .all(|(w, x)| w.load(Relaxed) == x)
            })
}

/// One thread's place to append texts: its current segment and how much of it is used.
#[derive(Default)]
struct Writer {
    current: Option<usize>,
    used: usize,
}

impl Writer {
    fn store(&mut self, texts: &Texts, s: &[u8]) -> Place {
        let n = s.len().div_ceil(8);
        if n > SEGMENT / 4 || s.len() >= LONG {
            let own: Box<[AtomicU64]> = std::iter::once(length_word(s.len()))
                .chain(words(s))
                .map(AtomicU64::new)
                .collect();
            return Place::new(texts.segments.push(own), 0, LONG);
        }
        let k = match self.current {
            Some(k) if self.used + n <= SEGMENT => k,
            _ => {
                let fresh: Box<[AtomicU64]> =
                    crate::data::written(SEGMENT, || AtomicU64::new(0)).into_boxed_slice();
                self.used = 0;
                *self.current.insert(texts.segments.push(fresh))
            }
        };
        let seg = texts.segment(k);
        for (w, x) in seg[self.used..self.used + n].iter().zip(words(s)) {
            w.store(x, Relaxed);
        }
        let p = Place::new(k, self.used, s.len());
        self.used += n;
        p
    }
    /// Takes back the last text stored, when it turned out to be there already.
    fn unstore(&mut self, p: Place, len: usize) {
        if p.short_len() != LONG
            && Some(p.segment()) == self.current
            && p.offset() + len.div_ceil(8) == self.used
        {
            self.used = p.offset();
        }
    }
}

/// A slot: `key` is the symbol's hash (high 32 bits) and temporary id + 1, or 0 while free;
/// `place` is where its text is, 0 until the inserting thread has published it.
#[derive(Default)]
struct Slot {
    key: AtomicU64,
    place: AtomicU64,
}

struct Slots {
    slots: Box<[Slot]>,
    bits: u32,
}

impl Slots {
    fn new(bits: u32) -> Slots {
        Slots {
            slots: crate::data::written(1usize << bits, Slot::default).into_boxed_slice(),
            bits,
        }
    }
    /// Puts a symbol known to be absent in the first free slot of its probe run (no other thread
    /// can see this table).
    fn put(&mut self, key: u64, place: u64) {
        let mask = self.slots.len() - 1;
        let mut i = home((key >> 32) as u32, self.bits);
        while *self.slots[i].key.get_mut() != 0 {
            i = (i + 1) & mask;
        }
        *self.slots[i].key.get_mut() = key;
        *self.slots[i].place.get_mut() = place;
    }
}

fn key(hash: u32, tid: u32) -> u64 {
    (hash as u64) << 32 | (tid as u64 + 1)
}

pub struct SharedInterner {
    table: RwLock<Slots>,
    texts: Texts,
    /// Symbols in the table, as far as workers have reported them (`Worker::room`).
    count: AtomicUsize,
    next_tid: AtomicU32,
    workers: usize,
}

impl SharedInterner {
    /// A table holding `seed`'s symbols under their own ids, sized for about `expected` more, for
    /// `workers` threads.
    pub fn new(seed: &Interner, workers: usize, expected: usize) -> SharedInterner {
        let n = seed.len().saturating_add(expected).min(1 << 30);
        // Room for the expected symbols below the five eighths at which the table grows.
        let bits = (n * 8 / 5 + 1).next_power_of_two().trailing_zeros().max(12);
        let mut slots = Slots::new(bits);
        let texts = Texts::default();
        let mut writer = Writer::default();
        for id in 0..seed.len() as u32 {
            let text = seed.resolve(Sym(id));
            let place = writer.store(&texts, text.as_bytes());
            slots.put(key(hash_str(text), id), place.0);
        }
        SharedInterner {
            table: RwLock::new(slots),
            texts,
            count: AtomicUsize::new(seed.len()),
            next_tid: AtomicU32::new(seed.len() as u32),
            workers: workers.max(1),
        }
    }

    pub fn worker(&self) -> Worker<'_> {
        Worker {
            shared: self,
            writer: Writer::default(),
            tids: 0..0,
            unflushed: 0,
            segments: Vec::new(),
            hashes: Vec::new(),
        }
    }

    /// Every temporary id given so far is below this.
    pub(crate) fn tids(&self) -> u32 {
        self.next_tid.load(Acquire)
    }

    /// Doubles the table if it still has `seen_bits` and is past five eighths full.
    fn grow(&self, seen_bits: u32) {
        let mut table = self.table.write().unwrap_or_else(PoisonError::into_inner);
        if table.bits != seen_bits || self.count.load(Relaxed) * 8 <= table.slots.len() * 5 {
            return;
        }
        let mut bigger = Slots::new(table.bits + 1);
        for slot in table.slots.iter_mut() {
            let key = *slot.key.get_mut();
            if key != 0 {
                bigger.put(key, *slot.place.get_mut());
            }
        }
        *table = bigger;
    }

    /// Gives the table, in place, to `interner`, whose symbols it was seeded with: every symbol
    /// `numbering` numbered gets its number; the others are dropped.
    pub(crate) fn into_interner(self, numbering: Numbering, interner: &mut Interner) {
        let SharedInterner { table, texts, .. } = self;
        let Slots { slots, bits } = table.into_inner().unwrap_or_else(PoisonError::into_inner);
        let (text, starts) = texts.into_text();
        let ids = numbering.ids;
        let places: Vec<AtomicU64> =
            crate::data::written(numbering.next as usize, || AtomicU64::new(0));
        let long = std::sync::Mutex::new(Vec::new());
        let mut slots = slots.into_vec();
        // Each slot's number and place in `text`, written into the slot itself. Independent per
        // slot, so done on every core: the reads of a number per temporary id and the writes of a
        // place per number land all over memory, and that is the cost here.
        let number = |part: &mut [Slot]| {
            let mut longs = Vec::new();
            for slot in part {
                let key = *slot.key.get_mut();
                if key == 0 {
                    continue;
                }
                let hash = key >> 32;
                *slot.key.get_mut() = match ids.get((key as u32).wrapping_sub(1) as usize) {
                    Some(&id) if id != UNNUMBERED => {
                        let p = Place(*slot.place.get_mut());
                        let at = starts[p.segment()];
                        let (start, len) = match p.short_len() {
                            LONG => {
                                let word = text.as_bytes().get(at..at + 8).map_or(0, |w| {
                                    u64::from_le_bytes(w.try_into().unwrap_or([0; 8]))
                                });
                                (at + 8, word_length(word))
                            }
                            len => (at + 8 * p.offset(), len),
                        };
                        let place = text_place(start, len);
                        if is_long(place) {
                            longs.push((id, start, len));
                        }
                        places[id as usize].store(place, Relaxed);
                        *slot.place.get_mut() = place;
                        hash << 32 | (id as u64 + 1)
                    }
                    _ => hash << 32 | DROPPED as u64,
                };
            }
            if let Ok(mut all) = long.lock() {
                all.extend(longs);
            }
        };
        let part = slots
            .len()
            .div_ceil(crate::data::parallel::threads())
            .max(1);
        crate::data::parallel::for_each(slots.chunks_mut(part).collect(), number);
        let places = places.into_iter().map(AtomicU64::into_inner).collect();
        let mut long = long.into_inner().unwrap_or_else(PoisonError::into_inner);
        long.sort_unstable();
        let take = |slot: Slot| {
            let key = slot.key.into_inner();
            let (hash, low) = ((key >> 32) as u32, key as u32);
            match low {
                _ if key == 0 => SlotContent::Free,
                DROPPED => SlotContent::Gone(hash),
                _ => SlotContent::Symbol {
                    id: low - 1,
                    hash,
                    place: slot.place.into_inner(),
                },
            }
        };
        interner.adopt(bits, text, places, long, slots, take);
    }
}

/// A numbered slot's key says `DROPPED` for a symbol no file used.
const DROPPED: u32 = u32::MAX;

/// One thread's handle on the shared table.
pub struct Worker<'s> {
    shared: &'s SharedInterner,
    writer: Writer,
    /// Temporary ids taken for this worker and not used yet.
    tids: std::ops::Range<u32>,
    /// Symbols inserted and not yet added to `shared.count`.
    unflushed: usize,
    /// The text segments seen so far (empty: not looked up yet), so reading a text does not go
    /// through the shared directory each time.
    segments: Vec<&'s [AtomicU64]>,
    /// `intern_all`'s hashes, kept for the next call.
    hashes: Vec<u32>,
}

impl<'s> Worker<'s> {
    /// Text segment `k` (segments are never empty, so an empty entry means "not cached").
    fn segment(&mut self, k: usize) -> &'s [AtomicU64] {
        match self.segments.get(k) {
            Some(seg) if !seg.is_empty() => seg,
            _ => {
                let seg = self.shared.texts.segment(k);
                if self.segments.len() <= k {
                    self.segments.resize(k + 1, &[]);
                }
                self.segments[k] = seg;
                seg
            }
        }
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        let hash = hash_str(s);
        loop {
            let table = self
                .shared
                .table
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(sym) = self.find_or_insert(&table, s, hash) {
                return sym;
            }
            let bits = table.bits;
            drop(table);
            self.shared.grow(bits);
        }
    }

    /// Interns every string of `cells` in order, appending the symbols to `out`. Each lookup first
    /// prefetches the slot of the lookup `SLOTS_AHEAD` on and the text of the one `TEXTS_AHEAD`
    /// on, so the cache misses of the lookups to come overlap the work of this one.
    pub fn intern_all(&mut self, cells: &[&str], out: &mut Vec<Sym>) {
        let mut hashes = std::mem::take(&mut self.hashes);
        hashes.clear();
        hashes.extend(cells.iter().map(|s| hash_str(s)));
        let mut done = 0;
        while done < cells.len() {
            let table = self
                .shared
                .table
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            let mut full = false;
            let slot = |h: u32| &table.slots[home(h, table.bits)];
            while done < cells.len() {
                if let Some(&h) = hashes.get(done + SLOTS_AHEAD) {
                    prefetch(slot(h));
                }
                if let Some(&h) = hashes.get(done + TEXTS_AHEAD) {
                    if let p @ 1.. = slot(h).place.load(Relaxed) {
                        let seg = self.segment(Place(p).segment());
                        let (start, _) = locate(seg, Place(p));
                        if let Some(w) = seg.get(start) {
                            prefetch(w);
                        }
                    }
                }
                match self.find_or_insert(&table, cells[done], hashes[done]) {
                    Some(sym) => {
                        out.push(sym);
                        done += 1;
                    }
                    None => {
                        full = true;
                        break;
                    }
                }
            }
            let bits = table.bits;
            drop(table);
            if full {
                self.shared.grow(bits);
            }
        }
        self.hashes = hashes;
    }

    /// The symbol for `s`, inserting it if new; `None` if the table must grow first.
    fn find_or_insert(&mut self, table: &Slots, s: &str, hash: u32) -> Option<Sym> {
        let mask = table.slots.len() - 1;
        let mut i = home(hash, table.bits);
        // The text, once stored for an insert whose slot another thread took first.
        let mut stored: Option<Place> = None;
        let found = loop {
            let slot = &table.slots[i];
            let mut key_here = slot.key.load(Acquire);
            if key_here == 0 {
                if !self.room(table) {
                    break None;
                }
                let place = match stored {
                    Some(p) => p,
                    None => *stored.insert(self.writer.store(&self.shared.texts, s.as_bytes())),
                };
                let tid = self.next_tid();
                match slot
                    .key
                    .compare_exchange(0, key(hash, tid), AcqRel, Acquire)
                {
                    Ok(_) => {
                        slot.place.store(place.0, Release);
                        self.tids.start += 1;
                        self.unflushed += 1;
                        stored = None;
                        break Some(Sym(tid));
                    }
                    Err(taken) => key_here = taken,
                }
            }
            if (key_here >> 32) as u32 == hash {
                // The inserting thread publishes the place right after taking the slot.
                let place = loop {
                    match slot.place.load(Acquire) {
                        0 => std::hint::spin_loop(),
                        p => break Place(p),
                    }
                };
                if holds(self.segment(place.segment()), place, s.as_bytes()) {
                    break Some(Sym(key_here as u32 - 1));
                }
            }
            i = (i + 1) & mask;
        };
        if let Some(p) = stored {
            self.writer.unstore(p, s.len());
        }
        found
    }

    fn next_tid(&mut self) -> u32 {
        if self.tids.is_empty() {
            let start = self.shared.next_tid.fetch_add(TID_BLOCK, AcqRel);
            // Four billion distinct symbols would need far more memory than the table allows.
            assert!(
                start < TID_LIMIT - TID_BLOCK,
                "more than four billion symbols"
            );
            self.tids = start..start + TID_BLOCK;
        }
        self.tids.start
    }

    /// Whether the table may take another symbol. Each worker reports its inserts in steps of a
    /// sixteenth of the table over the workers, and stops at five eighths full as far as reported,
    /// so the table is never more than three quarters full.
    fn room(&mut self, table: &Slots) -> bool {
        let step = (table.slots.len() / (16 * self.shared.workers)).max(1);
        if self.unflushed < step {
            return true;
        }
        let count = self.shared.count.fetch_add(self.unflushed, Relaxed) + self.unflushed;
        self.unflushed = 0;
        count * 8 <= table.slots.len() * 5
    }
}

/// Marks a temporary id no file used.
const UNNUMBERED: u32 = u32::MAX;

/// Final ids for temporary ones: the seeded symbols keep theirs, and the others are numbered in
/// the order they first appear, reading each file's tables in file order (relations, columns,
/// rows in order), so ids never depend on which thread met a symbol first.
pub(crate) struct Numbering {
    ids: Vec<u32>,
    order: Vec<u32>,
    next: u32,
}

impl Numbering {
    pub fn new(seed: &Interner) -> Numbering {
        let seeded = seed.len() as u32;
        Numbering {
            ids: (0..seeded).collect(),
            order: Vec::new(),
            next: seeded,
        }
    }

    /// Numbers the new symbols of one file's table; `tids` is `SharedInterner::tids` now.
    pub fn number(&mut self, tids: u32, table: &FactTable) {
        if self.ids.len() < tids as usize {
            self.ids.resize(tids as usize, UNNUMBERED);
        }
        for column in table.sym_columns() {
            for s in column {
                let id = &mut self.ids[s.0 as usize];
                if *id == UNNUMBERED {
                    *id = self.next;
                    self.order.push(s.0);
                    self.next += 1;
                }
            }
        }
    }

    /// The final id of a temporary one that `number` has seen.
    pub fn id(&self, tid: Sym) -> Sym {
        Sym(self.ids[tid.0 as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::store::Type;
    use crate::data::value::Value;

    fn texts(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| match i % 4 {
                0 => format!("m-{}", i / 4),
                1 => format!("m-{}", i / 9),
                2 => format!("a longer symbol, shared by threads: {}", i % 777),
                _ => "x".repeat(i % 5000),
            })
            .collect()
    }

    /// Numbers `syms` as one file's one-column table and lets a copy of `seed` adopt the table.
    fn adopt(shared: SharedInterner, seed: &Interner, syms: &[Sym]) -> Interner {
        let mut table = FactTable::new(&[Type::Symbol]);
        for &s in syms {
            table.push_row(&[Value::Sym(s)]);
        }
        let mut numbering = Numbering::new(seed);
        numbering.number(shared.tids(), &table);
        let texts: Vec<&str> = (0..seed.len() as u32)
            .map(|i| seed.resolve(Sym(i)))
            .collect();
        let mut interner = Interner::with_symbols(&texts);
        shared.into_interner(numbering, &mut interner);
        interner
    }

    /// Several threads interning overlapping symbols through many doublings agree on every id,
    /// and the adopted interner gives each symbol its file-order number.
    #[test]
    fn threads_agree_and_numbering_is_file_order() {
        let all = texts(40_000);
        let cells: Vec<&str> = all.iter().map(String::as_str).collect();
        let mut seed = Interner::default();
        seed.intern("m-3");
        seed.intern("");
        let shared = SharedInterner::new(&seed, 3, 0);
        let results: Vec<Vec<Sym>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..3)
                .map(|t| {
                    let (shared, cells) = (&shared, &cells);
                    s.spawn(move || {
                        let mut w = shared.worker();
                        let mut out = Vec::new();
                        // Each thread a different rotation, so inserts race.
                        let k = t * cells.len() / 3;
                        let order: Vec<&str> =
                            cells[k..].iter().chain(&cells[..k]).copied().collect();
                        w.intern_all(&order, &mut out);
                        out.push(w.intern("m-3"));
                        out.push(w.intern(""));
                        (k, out)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    let (k, mut out) = h.join().expect("no panic");
                    let tail = out.split_off(out.len() - 2);
                    assert_eq!(tail, [Sym(0), Sym(1)]);
                    out.rotate_right(k);
                    out
                })
                .collect()
        });
        assert_eq!(results[0], results[1]);
        assert_eq!(results[0], results[2]);
        let mut interner = adopt(shared, &seed, &results[0]);
        let mut expected = Interner::default();
        expected.intern("m-3");
        expected.intern("");
        for s in &cells {
            expected.intern(s);
        }
        assert_eq!(interner.len(), expected.len());
        for s in &cells {
            assert_eq!(interner.get(s), expected.get(s), "{s}");
            assert_eq!(interner.resolve(interner.get(s).expect("interned")), *s);
        }
        assert_eq!(interner.get("never seen"), None);
        let fresh = interner.intern("new after adopting");
        assert_eq!(fresh, Sym(expected.len() as u32));
        assert_eq!(interner.get("new after adopting"), Some(fresh));
    }

    /// Texts longer than a quarter segment get a segment of their own, found again by length.
    #[test]
    fn long_texts_get_segments_of_their_own() {
        let long: Vec<String> = (0..4).map(|k| format!("{k}").repeat(200_000 + k)).collect();
        let seed = Interner::default();
        let shared = SharedInterner::new(&seed, 1, 0);
        let mut w = shared.worker();
        let mut cells: Vec<&str> = long.iter().map(String::as_str).collect();
        cells.push("short");
        cells.extend(long.iter().map(String::as_str));
        let mut out = Vec::new();
        w.intern_all(&cells, &mut out);
        let mut first = out[..5].to_vec();
        first.sort_unstable();
        first.dedup();
        assert_eq!(first.len(), 5, "five different texts, five symbols");
        assert_eq!(
            out[5..],
            out[..4],
            "the long texts again: found, not inserted"
        );
        drop(w);
        let interner = adopt(shared, &seed, &out);
        assert_eq!(interner.len(), 5);
        for (k, text) in long.iter().enumerate() {
            assert_eq!(interner.get(text), Some(Sym(k as u32)));
            assert_eq!(interner.resolve(Sym(k as u32)), text);
        }
        assert_eq!(interner.resolve(Sym(4)), "short");
    }

    /// A symbol interned but in no numbered table is dropped, and lookups pass over its slot.
    #[test]
    fn unnumbered_symbols_are_dropped() {
        let seed = Interner::default();
        let shared = SharedInterner::new(&seed, 1, 0);
        let mut w = shared.worker();
        let kept: Vec<Sym> = (0..3000).map(|i| w.intern(&format!("kept {i}"))).collect();
        let dropped: Vec<Sym> = (0..3000)
            .map(|i| w.intern(&format!("dropped {i}")))
            .collect();
        assert!(dropped.iter().all(|d| !kept.contains(d)));
        drop(w);
        let reversed: Vec<Sym> = kept.iter().rev().copied().collect();
        let mut interner = adopt(shared, &seed, &reversed);
        assert_eq!(interner.len(), 3000);
        assert_eq!(interner.get("kept 2999"), Some(Sym(0)));
        assert_eq!(interner.get("kept 0"), Some(Sym(2999)));
        assert_eq!(interner.get("dropped 5"), None);
        let again = interner.intern("dropped 5");
        assert_eq!(again, Sym(3000));
        assert_eq!(interner.get("dropped 5"), Some(again));
    }
}
