// A fast allocator: a batch builds thousands of small property-list trees.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    psso_profile::cli::run()
}
