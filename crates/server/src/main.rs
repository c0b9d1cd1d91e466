//! `ansinh-server --database-url postgres://... --listen 127.0.0.1:8080` (or `sqlite:PATH`).
//! Plain HTTP: run it on loopback behind a TLS reverse proxy (docs/EXCHANGE.md, "Server").

use ansinh_server::{PgRecords, SqliteRecords, http};
use clap::Parser;
use std::process::ExitCode;
use std::str::FromStr;

#[derive(Parser)]
#[command(name = "ansinh-server", about = "The central ansinh server: online sync of signed change records")]
struct Args {
    /// `postgres://user@host/db` (the city's PostgreSQL) or `sqlite:PATH` (a desktop database file).
    #[arg(long)]
    database_url: String,
    /// Address to listen on; keep it on loopback or a private network behind the TLS proxy.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ansinh-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(&args.listen).await?;
    eprintln!("ansinh-server: listening on http://{}", listener.local_addr()?);
    if let Some(path) = args.database_url.strip_prefix("sqlite:") {
        let store = ansinh_store::Store::open(std::path::Path::new(path.trim_start_matches("//"))).await?;
        http::serve(listener, SqliteRecords { store }).await?;
    } else {
        let options = sqlx::postgres::PgConnectOptions::from_str(&args.database_url)?;
        http::serve(listener, PgRecords::connect(options).await?).await?;
    }
    Ok(())
}
