//! Integration tests: the real binary and the public library API.
//! One test binary (`autotests = false`), one file per area.

mod around;
mod batch;
mod catalog;
mod catalog_kerberos;
mod codec;
mod declaration;
mod enrollment;
mod events;
mod examples;
mod generate;
mod golden;
mod hardening;
mod outputs;
mod pipes;
mod readme;
mod realworld;
mod selfsigned;
mod sign;
mod sign_chain;
mod spec_files;
mod support;
mod validate;
