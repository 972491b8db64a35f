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
//! record as read. Numbers are little-endian; lengths are u32.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};

use crate::store::Value;

const ROW: u8 = 0;
const BAD: u8 = 1;

const NULL: u8 = 0;
const INT: u8 = 1;
const REAL: u8 = 2;
const TEXT: u8 = 3;
/// An ISO date read from a cell whose day and month could be either way round
/// (`03/04/2026`), staged month-first; the file-wide order is applied on the way out.
const AMBIGUOUS_DATE: u8 = 4;

/// The value kinds a staged row holds: [`Value`] plus the ambiguous date.
#[derive(Debug, Clone, PartialEq)]
pub enum StagedValue<'a> {
    Value(Value<'a>),
    AmbiguousDate(Cow<'a, str>),
}

/// Writes staged entries to an anonymous temporary file (removed by the system however
/// the process ends).
pub struct StageWriter {
    out: BufWriter<File>,
}

impl StageWriter {
    pub fn new() -> io::Result<StageWriter> {
        Ok(StageWriter {
            out: BufWriter::with_capacity(256 * 1024, tempfile::tempfile()?),
        })
    }

    pub fn row(
        &mut self,
        line: u64,
        values: &[StagedValue<'_>],
        raw: Option<&csv::ByteRecord>,
    ) -> io::Result<()> {
        self.out.write_all(&[ROW])?;
        self.out.write_all(&line.to_le_bytes())?;
        for value in values {
            match value {
                StagedValue::Value(Value::Null) => self.out.write_all(&[NULL])?,
                StagedValue::Value(Value::Int(i)) => {
                    self.out.write_all(&[INT])?;
                    self.out.write_all(&i.to_le_bytes())?;
                }
                StagedValue::Value(Value::Real(r)) => {
                    self.out.write_all(&[REAL])?;
                    self.out.write_all(&r.to_le_bytes())?;
                }
                StagedValue::Value(Value::Text(t)) => {
                    self.out.write_all(&[TEXT])?;
                    self.bytes(t.as_bytes())?;
                }
                StagedValue::AmbiguousDate(t) => {
                    self.out.write_all(&[AMBIGUOUS_DATE])?;
                    self.bytes(t.as_bytes())?;
                }
            }
        }
        self.raw(raw)
    }

    pub fn bad(
        &mut self,
        line: u64,
        reasons: &[String],
        raw: Option<&csv::ByteRecord>,
    ) -> io::Result<()> {
        self.out.write_all(&[BAD])?;
        self.out.write_all(&line.to_le_bytes())?;
        self.out.write_all(&(reasons.len() as u32).to_le_bytes())?;
        for reason in reasons {
            self.bytes(reason.as_bytes())?;
        }
        self.raw(raw)
    }

    fn raw(&mut self, raw: Option<&csv::ByteRecord>) -> io::Result<()> {
        match raw {
            None => self.out.write_all(&0u32.to_le_bytes()),
            Some(record) => {
                // Plus one, so that a record of no fields differs from none kept.
                self.out
                    .write_all(&(record.len() as u32 + 1).to_le_bytes())?;
                for field in record {
                    self.bytes(field)?;
                }
                Ok(())
            }
        }
    }

    fn bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(&(bytes.len() as u32).to_le_bytes())?;
        self.out.write_all(bytes)
    }

    /// The finished file, rewound for [`StageReader`].
    pub fn finish(self) -> io::Result<File> {
        let mut file = self.out.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        Ok(file)
    }
}

/// One staged entry, as [`StageReader::next`] returns it; the values and the record are
/// read from the reader.
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

/// Reads back what a [`StageWriter`] wrote, one entry at a time into reused buffers.
pub struct StageReader {
    input: BufReader<File>,
    fields: usize,
    text: String,
    slots: Vec<Slot>,
    raw: Option<csv::ByteRecord>,
    buffer: Vec<u8>,
}

impl StageReader {
    /// `fields`: how many values each row holds.
    pub fn new(file: File, fields: usize) -> StageReader {
        StageReader {
            input: BufReader::with_capacity(256 * 1024, file),
            fields,
            text: String::new(),
            slots: Vec::with_capacity(fields),
            raw: None,
            buffer: Vec::new(),
        }
    }

    pub fn next_entry(&mut self) -> io::Result<Option<Entry>> {
        let mut tag = [0u8; 1];
        match self.input.read_exact(&mut tag) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let line = self.u64()?;
        let entry = match tag[0] {
            ROW => {
                self.text.clear();
                self.slots.clear();
                for _ in 0..self.fields {
                    let mut kind = [0u8; 1];
                    self.input.read_exact(&mut kind)?;
                    let slot = match kind[0] {
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
                    self.load()?;
                    reasons.push(String::from_utf8_lossy(&self.buffer).into_owned());
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
                self.load()?;
                record.push_field(&self.buffer);
            }
            Some(record)
        };
        Ok(Some(entry))
    }

    /// The values of the last row read; an ambiguous date is read day-first when
    /// `day_first`, else month-first.
    pub fn values(&self, day_first: bool) -> Vec<Value<'_>> {
        self.slots
            .iter()
            .map(|slot| match slot {
                Slot::Null => Value::Null,
                Slot::Int(i) => Value::Int(*i),
                Slot::Real(r) => Value::Real(*r),
                Slot::Text(range) => Value::Text(Cow::Borrowed(&self.text[range.clone()])),
                Slot::AmbiguousDate(range) => {
                    let iso = &self.text[range.clone()];
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

    fn u64(&mut self) -> io::Result<u64> {
        let mut bytes = [0u8; 8];
        self.input.read_exact(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn u32(&mut self) -> io::Result<u32> {
        let mut bytes = [0u8; 4];
        self.input.read_exact(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn load(&mut self) -> io::Result<()> {
        let len = self.u32()? as usize;
        self.buffer.resize(len, 0);
        self.input.read_exact(&mut self.buffer)
    }

    fn text(&mut self) -> io::Result<std::ops::Range<usize>> {
        self.load()?;
        let text = std::str::from_utf8(&self.buffer).map_err(|_| corrupt())?;
        let start = self.text.len();
        self.text.push_str(text);
        Ok(start..self.text.len())
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
        writer.row(2, &values, Some(&raw)).unwrap();
        writer.bad(3, &["why".to_string()], None).unwrap();
        let mut reader = StageReader::new(writer.finish().unwrap(), values.len());
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
}
