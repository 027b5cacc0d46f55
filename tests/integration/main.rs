//! Integration tests: the real binary and the public library API.
//! One test binary (`autotests = false`), one file per area.

mod batch;
mod catalog;
mod codec;
mod events;
mod generate;
mod golden;
mod selfsigned;
mod sign;
mod spec_files;
mod support;
