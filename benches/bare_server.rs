//! The yardstick for the retrieve endpoint's throughput: a bare axum server, with no
//! middleware, no store and no logging, answering every request with the same bytes
//! (`--body FILE`, a retrieve body saved by benches/service.sh) as `application/json`.
//!
//!   cargo bench -p itsa-server --bench bare_server -- --port 18081 --body retrieve.json
//!
//! It runs on the same runtime (tokio, multi-threaded) and HTTP stack (hyper through
//! axum) as `itsa serve`, so the ratio of the two throughputs is what itsa's own work per
//! request costs.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::http::header;

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut port, mut body, mut ours) = (None, None, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => port = args.next().and_then(|p| p.parse::<u16>().ok()),
            "--body" => body = args.next(),
            // Serve through itsa's own connection handling (its limits and timeouts)
            // instead of axum::serve, to tell that layer's cost from the application's.
            "--itsa-connections" => ours = true,
            // `cargo bench` passes `--bench`; nothing else is expected.
            "--bench" => {}
            other => panic!("unexpected argument {other}: use --port PORT --body FILE"),
        }
    }
    let port = port.expect("--port PORT");
    let body = Bytes::from(std::fs::read(body.expect("--body FILE")).expect("read the body"));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async move {
        let app = Router::new().fallback(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        });
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        if ours {
            let listener = itsa_server::connections::listen(address).expect("bind");
            let limits = itsa_server::config::Config::default().limits;
            let forever = std::future::pending::<()>();
            itsa_server::connections::serve(listener, app, limits, forever, std::time::Duration::ZERO)
                .await
                .expect("serve");
        } else {
            let listener = tokio::net::TcpListener::bind(address).await.expect("bind");
            axum::serve(listener, app).await.expect("serve");
        }
    });
}
