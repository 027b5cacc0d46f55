//! The `psso-profile` command: a thin layer over the `psso_profile` library.

mod cli;

// A fast allocator: a batch builds thousands of small property-list trees.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cli::run_from(std::env::args_os()))
}
