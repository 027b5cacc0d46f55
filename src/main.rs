fn main() -> std::process::ExitCode {
    psso_profile::cli::run()
}
