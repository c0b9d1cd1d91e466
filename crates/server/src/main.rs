//! `ansinh-server --database-url postgres://... --listen 127.0.0.1:8080` (or `sqlite:PATH`) serves;
//! `ansinh-server device add FILE [--city]`, `device revoke DEVICE_ID` and `device list` keep the
//! registry of the devices allowed to talk to it (docs/EXCHANGE.md, "Server").
//! Plain HTTP: run it on loopback behind a TLS reverse proxy.
#![forbid(unsafe_code)]

use ansinh_server::http::{Limits, serve_with};
use ansinh_server::{DeviceRegistry, Enrolment, PgRecords, SqliteRecords};
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "ansinh-server", about = "The central ansinh server: online sync of signed change records")]
struct Args {
    /// `postgres://user@host/db` (the city's PostgreSQL) or `sqlite:PATH` (a desktop database file).
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Address to listen on; keep it on loopback or a private network behind the TLS proxy.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Seconds a client has to send a request's headers, and its whole request.
    #[arg(long, default_value_t = 30)]
    timeout_secs: u64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// The devices allowed to push and read (enrolled from their public-key file).
    Device {
        #[command(subcommand)]
        action: DeviceAction,
    },
}

#[derive(Subcommand)]
enum DeviceAction {
    /// Enrol a desktop from its public-key file (`ansinh keys export-public`): as a device of the
    /// ward the file names, or with `--city` as the city office (reads every ward).
    Add {
        file: std::path::PathBuf,
        #[arg(long)]
        city: bool,
    },
    /// Refuse a device from now on (its records stay).
    Revoke { device_id: String },
    /// Every device as JSON: role, ward, key and its fingerprint, enrolled and revoked times.
    List,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ansinh-server: {e}");
            ExitCode::FAILURE
        }
    }
}

type Fallible<T = ()> = Result<T, Box<dyn std::error::Error>>;

async fn run(args: Args) -> Fallible {
    let url = args.database_url.clone().ok_or("--database-url is required")?;
    let limits = Limits { timeout: Duration::from_secs(args.timeout_secs.max(1)), ..Limits::default() };
    if let Some(path) = url.strip_prefix("sqlite:") {
        let store = ansinh_store::Store::open(std::path::Path::new(path.trim_start_matches("//"))).await?;
        let records = SqliteRecords::open(store).await?;
        match args.command {
            Some(Command::Device { action }) => device(&records, action).await,
            None => serve(&args.listen, records, limits).await,
        }
    } else {
        let records = PgRecords::connect(sqlx::postgres::PgConnectOptions::from_str(&url)?).await?;
        match args.command {
            Some(Command::Device { action }) => device(&records, action).await,
            None => serve(&args.listen, records, limits).await,
        }
    }
}

async fn serve<S: ansinh_server::RecordStore>(listen: &str, store: S, limits: Limits) -> Fallible {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    eprintln!("ansinh-server: listening on http://{}", listener.local_addr()?);
    serve_with(listener, store, limits).await?;
    Ok(())
}

async fn device<R: DeviceRegistry>(registry: &R, action: DeviceAction) -> Fallible {
    match action {
        DeviceAction::Add { file, city } => {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let d = registry.enrol(&Enrolment::from_public_keys(&text, city)?).await?;
            let whom = if d.ward.is_empty() { "the city office".to_string() } else { format!("ward {}", d.ward) };
            println!("enrolled {} as {whom}", d.device_id);
            println!("fingerprint {} (check it with the desktop's officer before trusting it)", d.fingerprint);
        }
        DeviceAction::Revoke { device_id } => {
            let d = registry.revoke(&device_id).await?;
            println!("revoked {} (fingerprint {})", d.device_id, d.fingerprint);
        }
        DeviceAction::List => println!("{}", serde_json::to_string_pretty(&registry.devices().await?)?),
    }
    Ok(())
}
