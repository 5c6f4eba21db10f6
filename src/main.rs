//! The `evalgate` binary: builds the runtime, runs the CLI, exits with its code.

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("build the tokio runtime");
    let code = runtime.block_on(evalgate::cli::run(std::env::args_os().collect()));
    // Drop the runtime before exiting so started agent processes see their kill-on-drop.
    drop(runtime);
    std::process::exit(i32::from(code));
}
