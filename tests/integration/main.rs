//! Integration tests: the real binary and the public library API.
