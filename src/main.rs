//! The `evalgate` binary: builds the runtime, runs the CLI, exits with its code.

fn main() {
    // One thread: evalgate waits on HTTP almost all the time (0.15 ms of CPU per case), and a
    // single-threaded runtime keeps CPU and memory lower than a work-stealing pool.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build the tokio runtime");
    let code = runtime.block_on(evalgate::cli::run(std::env::args_os().collect()));
    // Drop the runtime before exiting so started agent processes see their kill-on-drop.
    drop(runtime);
    std::process::exit(i32::from(code));
}
