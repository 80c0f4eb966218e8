//! A slot for work a later layer derives from a database and reuses across calls (the proof
//! search's explored graph): kept with the database so it lives exactly as long as the facts it
//! was computed from. Typed by the later layer, so this layer need not know what it holds.

use std::any::Any;
use std::sync::Mutex;

#[derive(Default)]
pub struct Memo {
    slot: Mutex<Option<Box<dyn Any + Send>>>,
}

impl Memo {
    /// Runs `f` on the memo's `T`, made with `T::default()` the first time.
    pub fn with<T: Any + Send + Default, R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        // A panic inside `f` poisons the lock; the memo is a cache, so start over from empty.
        let mut slot = self.slot.lock().unwrap_or_else(|p| {
            let mut g = p.into_inner();
            *g = None;
            g
        });
        if !slot.as_ref().is_some_and(|b| b.is::<T>()) {
            *slot = Some(Box::new(T::default()));
        }
        let t = slot
            .as_mut()
            .and_then(|b| b.downcast_mut::<T>())
            .expect("the slot was just filled with a T");
        f(t)
    }
}
