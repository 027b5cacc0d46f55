//! Integration tests: the real binary and the public library API.
//! One test binary (`autotests = false`), one file per area.

mod sign;
mod support;
