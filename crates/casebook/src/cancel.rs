//! Stopping long work (a timeline import, hashing evidence, writing a bundle) from another thread.
//!
//! The work checks the flag as it streams; once it is raised the work ends with
//! [`Error::Cancelled`](crate::Error::Cancelled) and leaves nothing behind (no commit, no blob, no
//! partial bundle).

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Raised (set to `true`) by whoever wants the work to stop.
pub type CancelFlag = Arc<AtomicBool>;

/// Whether `flag` is given and raised.
pub(crate) fn raised(flag: &Option<CancelFlag>) -> bool {
    flag.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
}

/// A reader or writer that fails once the flag is raised, so streaming work stops at the next piece.
pub(crate) struct Cancellable<T> {
    pub(crate) inner: T,
    pub(crate) flag: Option<CancelFlag>,
}

impl<T> Cancellable<T> {
    fn check(&self) -> io::Result<()> {
        if raised(&self.flag) { Err(io::Error::other("cancelled")) } else { Ok(()) }
    }
}

impl<R: Read> Read for Cancellable<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.check()?;
        self.inner.read(buf)
    }
}

impl<W: Write> Write for Cancellable<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.check()?;
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
