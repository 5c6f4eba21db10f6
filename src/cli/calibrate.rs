//! `evalgate calibrate <judge>`, and the judge wiring `run` shares: API keys from the
//! environment, the cache folder, each judge's calibration standing.

use std::collections::BTreeMap;

use super::{CalibrateArgs, GATE_FAILED, INFRA, PASS, USAGE};
use crate::judge::{CACHE_DIR, Judges, Standing, calibration_report_path, standing};
use crate::model::{Plan, Secrets};

/// Ready judges and each one's calibration standing.
pub(super) type JudgeSetup = (Judges, BTreeMap<String, Standing>);

/// The plan's judges, ready, with their standings applied; `None` without judges.
pub(super) fn build_judges(
    plan: &Plan,
    use_cache: bool,
    env: &dyn Fn(&str) -> Option<String>,
    secrets: &Secrets,
) -> Result<Option<JudgeSetup>, String> {
    if plan.judges.is_empty() {
        return Ok(None);
    }
    let cache = use_cache.then(|| plan.root.join(CACHE_DIR));
    let mut judges = Judges::new(&plan.judges, env, cache)?;
    judges.set_secrets(secrets.clone());
    let standings: BTreeMap<String, Standing> = plan
        .judges
        .iter()
        .map(|(name, j)| (name.clone(), standing(&plan.root, name, j)))
        .collect();
    for (name, st) in &standings {
        judges.set_blocking(name, st.blocking);
    }
    Ok(Some((judges, standings)))
}

pub(super) async fn calibrate(args: CalibrateArgs) -> u8 {
    let plan = match crate::config::load(&args.config.config) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("{e}");
            return USAGE;
        }
    };
    let Some(judge) = plan.judges.get(&args.judge) else {
        let names: Vec<String> = plan.judges.keys().map(|k| format!("`{k}`")).collect();
        eprintln!(
            "error: no judge `{}` in {}; declared judges: {}",
            args.judge,
            args.config.config.display(),
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        );
        return USAGE;
    };
    if let Some(k) = args.min_kappa
        && !(-1.0..=1.0).contains(&k)
    {
        eprintln!("error: `--min-kappa` `{k}` is outside [-1, 1]");
        return USAGE;
    }
    let set_path = crate::config::calibration_set_path(&args.judge);
    let items = match crate::config::load_calibration_set(&plan.root.join(&set_path), &set_path) {
        Ok(items) => items,
        Err(e) => {
            eprintln!("{e}");
            return USAGE;
        }
    };
    let env = |name: &str| std::env::var(name).ok();
    let secrets = super::secrets::of_plan(&plan, env("GITHUB_TOKEN").as_deref(), &env);
    let judges = match build_judges(&plan, !args.no_cache, &env, &secrets) {
        Ok(Some((j, _))) => j,
        Ok(None) => unreachable!("the judge exists"),
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let report = crate::judge::calibrate(&judges, &args.judge, judge, &items).await;
    if report.unscored == report.items {
        eprintln!(
            "error: judge `{}` scored none of the {} items; first reason: {}",
            args.judge,
            report.items,
            report
                .unscored_reasons
                .values()
                .next()
                .map_or("none", String::as_str)
        );
        return INFRA;
    }
    let out = plan.root.join(calibration_report_path(&args.judge));
    let json = serde_json::to_string_pretty(&report).expect("plain data serializes") + "\n";
    if let Err(e) = write_atomic(&out, json.as_bytes()) {
        eprintln!("error: cannot write `{}`: {e}", out.display());
        return INFRA;
    }
    print!(
        "{}",
        crate::report::render_calibration(&report, judge.spec.min_kappa)
    );
    println!("wrote {}", out.display());
    match args.min_kappa {
        Some(min) if report.kappa < min => {
            eprintln!("κ {:.2} is below --min-kappa {min:.2}", report.kappa);
            GATE_FAILED
        }
        _ => PASS,
    }
}

fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".calibration-{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
