//! `atelier-simulator`: runs the simulator until Ctrl+C.
//!
//! Usage: `atelier-simulator [--port 8787] [--speed 20] [--linkr-key K] [--journey-key K]
//! [--credits N] [--observed-extras]`

use atelier_simulator::{Simulator, SimulatorConfig};

const USAGE: &str = "usage: atelier-simulator [--port N] [--speed X] [--linkr-key K] \
                     [--journey-key K] [--credits N] [--observed-extras]";

fn parse_args(args: &[String]) -> Result<SimulatorConfig, String> {
    let mut cfg = SimulatorConfig::default();
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_string());
        }
        if flag == "--observed-extras" {
            cfg.observed_extras = true;
            i += 1;
            continue;
        }
        let (name, value) = match flag.split_once('=') {
            Some((n, v)) => (n, v.to_string()),
            None => {
                i += 1;
                let v = args
                    .get(i)
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
                (flag, v)
            }
        };
        let bad = |what: &str| format!("{name}: {what} expected, got {value:?}\n{USAGE}");
        match name {
            "--port" => cfg.port = value.parse().map_err(|_| bad("a port number"))?,
            "--speed" => {
                cfg.speed = value.parse().map_err(|_| bad("a number"))?;
                if cfg.speed.is_nan() || cfg.speed <= 0.0 {
                    return Err(bad("a positive number"));
                }
            }
            "--linkr-key" => cfg.linkr_key = value,
            "--journey-key" => cfg.journey_key = value,
            "--credits" => cfg.starting_credits = value.parse().map_err(|_| bad("an integer"))?,
            "--observed-extras" => {
                cfg.observed_extras = match value.as_str() {
                    "true" | "1" | "yes" => true,
                    "false" | "0" | "no" => false,
                    _ => return Err(bad("true or false")),
                }
            }
            _ => return Err(format!("unknown option {name}\n{USAGE}")),
        }
        i += 1;
    }
    Ok(cfg)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cfg = match parse_args(&args) {
        Ok(cfg) => cfg,
        Err(msg) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
    };
    let speed = cfg.speed;
    let sim = match Simulator::start(cfg).await {
        Ok(sim) => sim,
        Err(err) => {
            eprintln!("atelier-simulator: cannot listen: {err}");
            std::process::exit(1);
        }
    };
    println!(
        "atelier-simulator listening on {} (speed {speed}x{})",
        sim.base_url(),
        if sim.observed_extras() {
            ", observed LinkrAPI extras"
        } else {
            ""
        }
    );
    println!("LinkrAPI base URL:   {}", sim.linkr_base_url());
    println!("JourneyAPI base URL: {}", sim.journey_base_url());
    println!("Press Ctrl+C to stop.");
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("atelier-simulator: cannot wait for Ctrl+C: {err}");
    }
    sim.shutdown().await;
    println!("stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn parses_flags() {
        let cfg = parse_args(&args(
            "--port 8787 --speed 20 --linkr-key K1 --journey-key=K2",
        ))
        .expect("parses");
        assert_eq!(cfg.port, 8787);
        assert_eq!(cfg.speed, 20.0);
        assert_eq!(cfg.linkr_key, "K1");
        assert_eq!(cfg.journey_key, "K2");
        assert!(parse_args(&args("--port")).is_err());
        assert!(parse_args(&args("--speed -1")).is_err());
        assert!(parse_args(&args("--bogus 1")).is_err());
        assert!(!cfg.observed_extras);
        let cfg = parse_args(&args("--observed-extras --port 9")).expect("parses");
        assert!(cfg.observed_extras);
        assert_eq!(cfg.port, 9);
        assert!(
            !parse_args(&args("--observed-extras=false"))
                .expect("parses")
                .observed_extras
        );
        assert!(parse_args(&args("--observed-extras=maybe")).is_err());
        assert_eq!(
            parse_args(&[]).expect("defaults"),
            SimulatorConfig::default()
        );
    }
}
