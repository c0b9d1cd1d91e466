//! The `ansinh-server` binary on PostgreSQL: starts, migrates, answers on loopback.

mod support;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn the_server_binary_serves_heads_from_postgres() {
    // Only to fail or skip like the other PostgreSQL tests; the binary migrates its own database.
    if support::pg().await.is_none() {
        return;
    }
    let url = std::env::var("ANSINH_TEST_PG_URL").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ansinh-server"))
        .args(["--database-url", &url, "--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().rsplit("http://").next().unwrap().to_string();
    let resp = reqwest::get(format!("http://{addr}/v1/heads")).await;
    let bad = reqwest::get(format!("http://{addr}/v1/records?since=nonsense")).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let resp = resp.unwrap();
    assert_eq!(resp.status(), 200, "{line}");
    resp.json::<Vec<ansinh_server::ServerHead>>().await.unwrap();
    let bad = bad.unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(bad.json::<ansinh_server::http::Refusal>().await.unwrap().code, "server.bad_since");
}
