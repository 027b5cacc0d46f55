//! Integration tests: the real binary and the public library API.
//! One test binary (`autotests = false`), one file per area.

mod around;
mod catalog;
mod codec;
mod events;
mod examples;
mod generate;
mod golden;
mod readme;
mod sign;
mod support;
mod validate;
