//! Bytes in and out: reading profiles (XML, binary, CMS-signed) and writing them
//! (Apple-style XML, binary, JSON), and the atomic file writes every command uses.

mod file;

pub use file::{MAX_INPUT_BYTES, read_input, write_output};
