//! The development HTTP transport (issue 14): the same dispatch as the app behind a token, on
//! loopback; refusals are the app's typed errors.

mod common;

use ansinh_api::http::{TOKEN_HEADER, serve};
use common::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTP/1.1 request; returns the status and the body.
async fn post(addr: std::net::SocketAddr, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut req =
        format!("POST {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).await.unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).await.unwrap();
    let status = raw[9..12].parse().unwrap();
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn the_commands_answer_over_http_only_with_the_token_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let (state, own, other) = state_with_officer(dir.path()).await;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(serve(state.clone(), 0, "t0ken".into(), move |a| tx.send(a).unwrap()));
    let addr = rx.await.unwrap();
    let good = [(TOKEN_HEADER, "t0ken"), ("content-type", "application/json")];

    // No token, a wrong one, or a body that is not declared JSON (a cross-site form post): refused.
    let login = json!({ "input": { "username": "lan", "password": OFFICER_PW } }).to_string();
    let (status, body) = post(addr, "/call/login", &[("content-type", "application/json")], &login).await;
    assert_eq!(status, 401);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["code"], "auth.required");
    let (status, _) =
        post(addr, "/call/login", &[(TOKEN_HEADER, "guess"), ("content-type", "application/json")], &login).await;
    assert_eq!(status, 401);
    let (status, _) =
        post(addr, "/call/login", &[(TOKEN_HEADER, "t0ken"), ("content-type", "text/plain")], &login).await;
    assert_eq!(status, 415);
    assert!(!state.is_unlocked(), "nothing was signed in by the refused requests");

    // With both: the officer signs in and is held to their ward, as in the app.
    let (status, body) = post(addr, "/call/login", &good, &login).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(addr, "/call/get_beneficiary", &good, &json!({ "id": own }).to_string()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["beneficiary"]["ward_code"], "00001");
    let (status, body) = post(addr, "/call/get_beneficiary", &good, &json!({ "id": other }).to_string()).await;
    assert_eq!((status, serde_json::from_str::<Value>(&body).unwrap()["code"].clone()), (422, json!("auth.forbidden")));
    let (status, body) = post(addr, "/call/metrics", &good, "{not json").await;
    assert_eq!(
        (status, serde_json::from_str::<Value>(&body).unwrap()["code"].clone()),
        (422, json!("request.invalid"))
    );
    server.abort();
    state.close().await;
}
