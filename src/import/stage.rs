//! Staging: an import reads and validates its whole input first, writing each parsed row
//! to an anonymous temporary file (never memory, never the database), and only then opens
//! one short write transaction that replays the staged rows into the store. So a slow pipe
//! or a huge file never holds the database's write lock while it is read, and a dry run or
//! an import that already found bad rows never takes it at all.
//!
//! How a caller imports several files in one transaction (a CRM export folder):
//!
//! ```text
//! // 1. Stage each file, in dependency order (accounts before contacts ...). No database.
//! let staged: Vec<Staged> = inputs.iter().map(|o| import::stage(o, &mut progress)).collect()?;
//! // 2. Write them all in one transaction: a later file's references see the rows of the
//! //    earlier ones. Commit only if every file says `written`.
//! let mode = if dry_run || staged.iter().any(|s| s.doomed()) { Mode::Check } else { Mode::Write };
//! let run = |tx| staged.into_iter().map(|s| import::apply(tx, s, mode, &mut progress)).collect();
//! match mode {
//!     Mode::Write => store.in_transaction(|tx| { let r = run(tx)?; let ok = all written; Ok((r, ok)) }),
//!     Mode::Check => store.in_read_transaction(run),   // no write lock; TEMP tables only
//! }
//! ```
//!
//! The file holds one entry per record: a row's values (typed, as the store binds them),
//! or a bad record's reasons, each with its line and, when a rejects file is wanted, the
//! record as read. Numbers are little-endian; lengths are u32. Entries are gathered in
//! chunks of about [`CHUNK`] bytes (an entry never spans two), each written to the file
//! after its length, and read back whole: a value's text is borrowed from its chunk.
//!
//! A new database (see `Store::is_loading`) is nobody else's until the import is done, so
//! there the rows are not staged in a file: the chunks go through a bounded channel to the
//! thread writing them while the next ones are read ([`channel`]). A date read either way
//! round (`03/04/2026`) cannot be written before the file's order is known: from the first
//! such row until the order is settled (by a date that reads only one way, or by the end
//! of the file) the entries are held back in a temporary file, then sent after an entry
//! saying the order.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::sync::mpsc::{Receiver, Sender, SyncSender};

use crate::store::Value;

const ROW: u8 = 0;
const BAD: u8 = 1;
/// The file's day/month order, for the ambiguous dates of the entries after it.
const ORDER: u8 = 2;

const NULL: u8 = 0;
const INT: u8 = 1;
const REAL: u8 = 2;
const TEXT: u8 = 3;
/// An ISO date read from a cell whose day and month could be either way round
/// (`03/04/2026`), staged month-first; the file-wide order is applied on the way out.
const AMBIGUOUS_DATE: u8 = 4;

/// The size a chunk of entries is sent or written at.
const CHUNK: usize = 256 * 1024;
/// Chunks in flight between the reading thread and the writing one: memory stays flat.
const CHUNKS_IN_FLIGHT: usize = 8;

/// The value kinds a staged row holds: [`Value`] plus the ambiguous date.
#[derive(Debug, Clone, PartialEq)]
pub enum StagedValue<'a> {
    Value(Value<'a>),
    AmbiguousDate(Cow<'a, str>),
}

/// Where finished chunks go.
enum Sink {
    /// An anonymous temporary file (removed by the system however the process ends).
    File(BufWriter<File>),
    /// The writing thread; emptied chunks come back to be filled again.
    Channel {
        sender: SyncSender<Vec<u8>>,
        recycled: Receiver<Vec<u8>>,
    },
}

/// Where chunks come from.
enum Source {
    File(BufReader<File>),
    Channel {
        receiver: Receiver<Vec<u8>>,
        recycle: Sender<Vec<u8>>,
    },
}

/// A bounded channel from a [`StageWriter`] (on the reading thread) to a [`StageReader`].
pub fn channel(fields: usize) -> (StageWriter, StageReader) {
    let (sender, receiver) = std::sync::mpsc::sync_channel(CHUNKS_IN_FLIGHT);
    let (recycle, recycled) = std::sync::mpsc::channel();
    let writer = StageWriter {
        chunk: Vec::with_capacity(CHUNK + 4096),
        sink: Sink::Channel { sender, recycled },
        held: None,
        hold_ambiguous: true,
        order_sent: false,
    };
    let reader = StageReader::from_source(Source::Channel { receiver, recycle }, fields);
    (writer, reader)
}

/// Writes staged entries, chunk by chunk, to a temporary file or a channel.
pub struct StageWriter {
    chunk: Vec<u8>,
    sink: Sink,
    /// The entries held back while the day/month order is unknown (channel only).
    held: Option<Box<StageWriter>>,
    /// Hold back ambiguous dates until the order is known (channel only: a file is read
    /// back once the whole input was read, when the order is known).
    hold_ambiguous: bool,
    order_sent: bool,
}

impl StageWriter {
    pub fn new() -> io::Result<StageWriter> {
        Ok(StageWriter {
            chunk: Vec::with_capacity(CHUNK + 4096),
            sink: Sink::File(BufWriter::with_capacity(CHUNK, tempfile::tempfile()?)),
            held: None,
            hold_ambiguous: false,
            order_sent: false,
        })
    }

    /// Stages a row. `order`: the file's day/month order when it is settled (Some(true)
    /// for day-first).
    pub fn row(
        &mut self,
        line: u64,
        values: &[StagedValue<'_>],
        raw: Option<&csv::ByteRecord>,
        order: Option<bool>,
    ) -> io::Result<()> {
        if self.hold_ambiguous {
            if let (Some(day_first), false) = (order, self.order_sent) {
                self.send_order(day_first)?;
            }
            let ambiguous = values
                .iter()
                .any(|v| matches!(v, StagedValue::AmbiguousDate(_)));
            if self.held.is_some() || (ambiguous && !self.order_sent) {
                if self.held.is_none() {
                    self.held = Some(Box::new(StageWriter::new()?));
                }
                if let Some(held) = &mut self.held {
                    held.row(line, values, raw, None)?;
                }
                return Ok(());
            }
        }
        let out = &mut self.chunk;
        out.push(ROW);
        out.extend_from_slice(&line.to_le_bytes());
        for value in values {
            match value {
                StagedValue::Value(Value::Null) => out.push(NULL),
                StagedValue::Value(Value::Int(i)) => {
                    out.push(INT);
                    out.extend_from_slice(&i.to_le_bytes());
                }
                StagedValue::Value(Value::Real(r)) => {
                    out.push(REAL);
                    out.extend_from_slice(&r.to_le_bytes());
                }
                StagedValue::Value(Value::Text(t)) => {
                    out.push(TEXT);
                    bytes(out, t.as_bytes());
                }
                StagedValue::AmbiguousDate(t) => {
                    out.push(AMBIGUOUS_DATE);
                    bytes(out, t.as_bytes());
                }
            }
        }
        raw_record(out, raw);
        self.entry_done()
    }

    pub fn bad(
        &mut self,
        line: u64,
        reasons: &[String],
        raw: Option<&csv::ByteRecord>,
    ) -> io::Result<()> {
        if let Some(held) = &mut self.held {
            return held.bad(line, reasons, raw);
        }
        let out = &mut self.chunk;
        out.push(BAD);
        out.extend_from_slice(&line.to_le_bytes());
        out.extend_from_slice(&(reasons.len() as u32).to_le_bytes());
        for reason in reasons {
            bytes(out, reason.as_bytes());
        }
        raw_record(out, raw);
        self.entry_done()
    }

    /// Says the order, then lets the held entries go.
    fn send_order(&mut self, day_first: bool) -> io::Result<()> {
        self.order_sent = true;
        self.chunk.push(ORDER);
        self.chunk.push(u8::from(day_first));
        self.entry_done()?;
        let Some(held) = self.held.take() else {
            return Ok(());
        };
        let Some(file) = held.finish()? else {
            return Err(corrupt());
        };
        let mut reader = StageReader::new(file, 0);
        while reader.next_chunk()? {
            self.flush_chunk()?;
            std::mem::swap(&mut self.chunk, &mut reader.chunk);
            self.flush_chunk()?;
        }
        Ok(())
    }

    fn entry_done(&mut self) -> io::Result<()> {
        if self.chunk.len() >= CHUNK {
            self.flush_chunk()?;
        }
        Ok(())
    }

    fn flush_chunk(&mut self) -> io::Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        match &mut self.sink {
            Sink::File(out) => {
                out.write_all(&(self.chunk.len() as u32).to_le_bytes())?;
                out.write_all(&self.chunk)?;
                self.chunk.clear();
            }
            Sink::Channel { sender, recycled } => {
                let mut next = recycled
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(CHUNK + 4096));
                next.clear();
                let full = std::mem::replace(&mut self.chunk, next);
                sender.send(full).map_err(|_| {
                    io::Error::new(io::ErrorKind::BrokenPipe, "the import stopped writing")
                })?;
            }
        }
        Ok(())
    }

    /// Ends the staging: the held entries go (read month-first, the order left when no
    /// date settled it), the last chunk is written, and the file is rewound for
    /// [`StageReader`] (a channel is closed, and the file is None).
    pub fn finish(mut self) -> io::Result<Option<File>> {
        if self.held.is_some() && !self.order_sent {
            self.send_order(false)?;
        }
        self.flush_chunk()?;
        match self.sink {
            Sink::File(out) => {
                let mut file = out.into_inner().map_err(|e| e.into_error())?;
                file.rewind()?;
                Ok(Some(file))
            }
            Sink::Channel { .. } => Ok(None),
        }
    }
}

fn bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn raw_record(out: &mut Vec<u8>, raw: Option<&csv::ByteRecord>) {
    match raw {
        None => out.extend_from_slice(&0u32.to_le_bytes()),
        Some(record) => {
            // Plus one, so that a record of no fields differs from none kept.
            out.extend_from_slice(&(record.len() as u32 + 1).to_le_bytes());
            for field in record {
                bytes(out, field);
            }
        }
    }
}

/// One staged entry, as [`StageReader::next_entry`] returns it; the values and the record
/// are read from the reader.
pub enum Entry {
    Row { line: u64 },
    Bad { line: u64, reasons: Vec<String> },
}

enum Slot {
    Null,
    Int(i64),
    Real(f64),
    Text(std::ops::Range<usize>),
    AmbiguousDate(std::ops::Range<usize>),
}

/// Reads back what a [`StageWriter`] wrote, one entry at a time.
pub struct StageReader {
    source: Source,
    fields: usize,
    chunk: Vec<u8>,
    at: usize,
    slots: Vec<Slot>,
    raw: Option<csv::ByteRecord>,
    /// The order an entry of the stream said (a channel's), if one did.
    said_day_first: Option<bool>,
}

impl StageReader {
    /// `fields`: how many values each row holds.
    pub fn new(file: File, fields: usize) -> StageReader {
        StageReader::from_source(Source::File(BufReader::with_capacity(CHUNK, file)), fields)
    }

    fn from_source(source: Source, fields: usize) -> StageReader {
        StageReader {
            source,
            fields,
            chunk: Vec::new(),
            at: 0,
            slots: Vec::with_capacity(fields),
            raw: None,
            said_day_first: None,
        }
    }

    /// Whether the entries come from a thread still reading the input.
    pub fn is_streaming(&self) -> bool {
        matches!(self.source, Source::Channel { .. })
    }

    /// The day/month order the stream said, if it did (a channel's, see [`channel`]).
    pub fn said_day_first(&self) -> Option<bool> {
        self.said_day_first
    }

    /// Loads the next chunk; false at the end.
    fn next_chunk(&mut self) -> io::Result<bool> {
        self.at = 0;
        match &mut self.source {
            Source::File(input) => {
                let mut len = [0u8; 4];
                match input.read_exact(&mut len) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                        self.chunk.clear();
                        return Ok(false);
                    }
                    Err(e) => return Err(e),
                }
                self.chunk.resize(u32::from_le_bytes(len) as usize, 0);
                input.read_exact(&mut self.chunk)?;
                Ok(true)
            }
            Source::Channel { receiver, recycle } => match receiver.recv() {
                Ok(next) => {
                    let used = std::mem::replace(&mut self.chunk, next);
                    if used.capacity() > 0 {
                        let _ = recycle.send(used);
                    }
                    Ok(true)
                }
                Err(_) => {
                    self.chunk.clear();
                    Ok(false)
                }
            },
        }
    }

    pub fn next_entry(&mut self) -> io::Result<Option<Entry>> {
        loop {
            while self.at >= self.chunk.len() {
                if !self.next_chunk()? {
                    return Ok(None);
                }
            }
            let tag = self.u8()?;
            if tag == ORDER {
                self.said_day_first = Some(self.u8()? == 1);
                continue;
            }
            let line = self.u64()?;
            let entry = match tag {
                ROW => {
                    self.slots.clear();
                    for _ in 0..self.fields {
                        let slot = match self.u8()? {
                            NULL => Slot::Null,
                            INT => Slot::Int(self.u64()? as i64),
                            REAL => Slot::Real(f64::from_bits(self.u64()?)),
                            TEXT => Slot::Text(self.text()?),
                            AMBIGUOUS_DATE => Slot::AmbiguousDate(self.text()?),
                            _ => return Err(corrupt()),
                        };
                        self.slots.push(slot);
                    }
                    Entry::Row { line }
                }
                BAD => {
                    let count = self.u32()?;
                    let mut reasons = Vec::with_capacity(count.min(64) as usize);
                    for _ in 0..count {
                        let range = self.range()?;
                        reasons.push(String::from_utf8_lossy(&self.chunk[range]).into_owned());
                    }
                    Entry::Bad { line, reasons }
                }
                _ => return Err(corrupt()),
            };
            let kept = self.u32()?;
            self.raw = if kept == 0 {
                None
            } else {
                let mut record = self.raw.take().unwrap_or_default();
                record.clear();
                for _ in 0..kept - 1 {
                    let range = self.range()?;
                    record.push_field(&self.chunk[range]);
                }
                Some(record)
            };
            return Ok(Some(entry));
        }
    }

    /// The values of the last row read; an ambiguous date is read day-first when
    /// `day_first`, else month-first.
    pub fn values(&self, day_first: bool) -> Vec<Value<'_>> {
        let text = |range: &std::ops::Range<usize>| {
            let bytes = &self.chunk[range.clone()];
            debug_assert!(std::str::from_utf8(bytes).is_ok());
            // SAFETY: every text range of a row is UTF-8: written from a `str` by the
            // StageWriter, and checked by `text` when it comes back from a file; the chunk
            // is not changed until the next entry.
            unsafe { std::str::from_utf8_unchecked(bytes) }
        };
        self.slots
            .iter()
            .map(|slot| match slot {
                Slot::Null => Value::Null,
                Slot::Int(i) => Value::Int(*i),
                Slot::Real(r) => Value::Real(*r),
                Slot::Text(range) => Value::Text(Cow::Borrowed(text(range))),
                Slot::AmbiguousDate(range) => {
                    let iso = text(range);
                    if day_first && iso.len() == 10 && iso.is_ascii() {
                        // YYYY-MM-DD -> YYYY-DD-MM: both parts are 12 or less, so valid.
                        Value::Text(Cow::Owned(format!(
                            "{}-{}-{}",
                            &iso[..4],
                            &iso[8..],
                            &iso[5..7]
                        )))
                    } else {
                        Value::Text(Cow::Borrowed(iso))
                    }
                }
            })
            .collect()
    }

    /// Whether the last row read holds an ambiguous date.
    pub fn has_ambiguous_date(&self) -> bool {
        self.slots
            .iter()
            .any(|s| matches!(s, Slot::AmbiguousDate(_)))
    }

    /// The last entry's record as read, when it was kept.
    pub fn raw(&self) -> Option<&csv::ByteRecord> {
        self.raw.as_ref()
    }

    fn take(&mut self, n: usize) -> io::Result<&[u8]> {
        let end = self.at.checked_add(n).ok_or_else(corrupt)?;
        let bytes = self.chunk.get(self.at..end).ok_or_else(corrupt)?;
        self.at = end;
        Ok(bytes)
    }

    fn u8(&mut self) -> io::Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn u64(&mut self) -> io::Result<u64> {
        let bytes = self.take(8)?;
        Ok(u64::from_le_bytes(bytes.try_into().map_err(|_| corrupt())?))
    }

    fn u32(&mut self) -> io::Result<u32> {
        let bytes = self.take(4)?;
        Ok(u32::from_le_bytes(bytes.try_into().map_err(|_| corrupt())?))
    }

    fn range(&mut self) -> io::Result<std::ops::Range<usize>> {
        let len = self.u32()? as usize;
        let start = self.at;
        self.take(len)?;
        Ok(start..start + len)
    }

    fn text(&mut self) -> io::Result<std::ops::Range<usize>> {
        let range = self.range()?;
        // A chunk passed in memory holds text the reading thread took from a `str`; one
        // read back from the file is checked.
        if let Source::File(_) = self.source {
            std::str::from_utf8(&self.chunk[range.clone()]).map_err(|_| corrupt())?;
        }
        Ok(range)
    }
}

fn corrupt() -> io::Error {
    io::Error::other("the import's temporary staging file is damaged")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_row_reads_back_as_written() {
        let mut writer = StageWriter::new().unwrap();
        let raw = csv::ByteRecord::from(vec!["a", "", "c"]);
        let values = [
            StagedValue::Value(Value::Text(Cow::Borrowed("A-1"))),
            StagedValue::Value(Value::Null),
            StagedValue::Value(Value::Int(-7)),
            StagedValue::Value(Value::Real(0.25)),
            StagedValue::AmbiguousDate(Cow::Borrowed("2026-03-04")),
        ];
        writer.row(2, &values, Some(&raw), None).unwrap();
        writer.bad(3, &["why".to_string()], None).unwrap();
        let file = writer.finish().unwrap().expect("a file");
        let mut reader = StageReader::new(file, values.len());
        assert!(matches!(
            reader.next_entry().unwrap(),
            Some(Entry::Row { line: 2 })
        ));
        let read = reader.values(false);
        assert_eq!(read[0], Value::Text(Cow::Borrowed("A-1")));
        assert_eq!(read[1], Value::Null);
        assert_eq!(read[2], Value::Int(-7));
        assert_eq!(read[3], Value::Real(0.25));
        assert_eq!(read[4], Value::Text(Cow::Borrowed("2026-03-04")));
        assert_eq!(
            reader.values(true)[4],
            Value::Text(Cow::Borrowed("2026-04-03"))
        );
        assert_eq!(reader.raw(), Some(&raw));
        match reader.next_entry().unwrap() {
            Some(Entry::Bad { line: 3, reasons }) => assert_eq!(reasons, ["why"]),
            _ => panic!("expected the bad row"),
        }
        assert!(reader.raw().is_none());
        assert!(reader.next_entry().unwrap().is_none());
    }

    /// Through a channel, the rows from the first date read either way round are held back
    /// until the order is settled, and come after the entry that says it, in their order.
    #[test]
    fn ambiguous_dates_wait_for_the_order_in_a_channel() {
        let (mut writer, mut reader) = channel(2);
        let row = |id: &'static str, date: Option<&'static str>| {
            [
                StagedValue::Value(Value::Text(Cow::Borrowed(id))),
                match date {
                    Some(d) => StagedValue::AmbiguousDate(Cow::Borrowed(d)),
                    None => StagedValue::Value(Value::Null),
                },
            ]
        };
        let sent = std::thread::spawn(move || {
            writer.row(2, &row("plain", None), None, None).unwrap();
            writer
                .row(3, &row("either", Some("2026-03-04")), None, None)
                .unwrap();
            writer.bad(4, &["bad".to_string()], None).unwrap();
            writer.row(5, &row("after", None), None, None).unwrap();
            // Line 6 settles it: day-first.
            writer
                .row(6, &row("settles", None), None, Some(true))
                .unwrap();
            writer
                .row(7, &row("later", Some("2026-01-02")), None, Some(true))
                .unwrap();
            assert!(writer.finish().unwrap().is_none());
        });
        let mut seen = Vec::new();
        while let Some(entry) = reader.next_entry().unwrap() {
            let day_first = reader.said_day_first();
            match entry {
                Entry::Row { line } => {
                    let values = reader.values(day_first == Some(true));
                    seen.push(format!("{line} {:?} {:?}", values[1], day_first));
                }
                Entry::Bad { line, .. } => seen.push(format!("{line} bad {day_first:?}")),
            }
        }
        sent.join().unwrap();
        assert_eq!(
            seen,
            [
                "2 Null None",
                "3 Text(\"2026-04-03\") Some(true)",
                "4 bad Some(true)",
                "5 Null Some(true)",
                "6 Null Some(true)",
                "7 Text(\"2026-02-01\") Some(true)",
            ]
        );
    }
}
