//! Splitting a bundle into numbered parts under a size limit (for e-mail attachments), rejoined by
//! `cat FILE.001 FILE.002 … > FILE` or by reading the parts in order.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The name of part `n` (from 1) of `base`: `base.001`, `base.002`, …
pub fn part_path(base: &Path, n: u32) -> PathBuf {
    let mut s = base.as_os_str().to_owned();
    s.push(format!(".{n:03}"));
    PathBuf::from(s)
}

/// Writes consecutive parts of at most `part_size` bytes. New files only: never overwrites.
#[derive(Debug)]
pub struct SplitWriter {
    base: PathBuf,
    part_size: u64,
    current: Option<File>,
    written: u64,
    parts: Vec<PathBuf>,
}

impl SplitWriter {
    /// Parts of `base`, each at most `part_size` (at least 1 KiB) bytes.
    pub fn new(base: &Path, part_size: u64) -> Self {
        Self {
            base: base.to_path_buf(),
            part_size: part_size.max(1024),
            current: None,
            written: 0,
            parts: vec![],
        }
    }

    /// The parts written so far.
    pub fn parts(&self) -> &[PathBuf] {
        &self.parts
    }

    /// Flushes and syncs the last part; returns every part's path.
    pub fn finish(mut self) -> io::Result<Vec<PathBuf>> {
        if let Some(f) = self.current.take() {
            f.sync_all()?;
        }
        Ok(self.parts)
    }

    fn next_part(&mut self) -> io::Result<()> {
        if let Some(f) = self.current.take() {
            f.sync_all()?;
        }
        let n = u32::try_from(self.parts.len() + 1).map_err(|_| io::Error::other("too many parts"))?;
        if n > 999 {
            return Err(io::Error::other("more than 999 parts; choose a larger part size"));
        }
        let path = part_path(&self.base, n);
        let f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot create {}: {e}", path.display())))?;
        self.parts.push(path);
        self.current = Some(f);
        self.written = 0;
        Ok(())
    }
}

impl Write for SplitWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.current.is_none() || self.written >= self.part_size {
            self.next_part()?;
        }
        let room = (self.part_size - self.written) as usize;
        let n = self.current.as_mut().expect("opened").write(&buf[..buf.len().min(room)])?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.current.as_mut().map_or(Ok(()), Write::flush)
    }
}

/// Reads several files as one stream, in the order given.
pub fn join(paths: &[PathBuf]) -> io::Result<Box<dyn Read>> {
    let mut reader: Box<dyn Read> = Box::new(io::empty());
    for p in paths {
        let f = File::open(p)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot read {}: {e}", p.display())))?;
        reader = Box::new(reader.chain(io::BufReader::new(f)));
    }
    Ok(reader)
}
