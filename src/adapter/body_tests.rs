//! `read_body` on in-memory replies (a whole body, so `Content-Length` is known); bodies that
//! stream without a length are covered over real HTTP in `tests/it/agent_http.rs`.

use std::io::Write as _;

use axum::http;
use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};

use super::*;

fn reply(encoding: Option<&str>, body: Vec<u8>) -> Response {
    let mut b = http::Response::builder();
    if let Some(e) = encoding {
        b = b.header("content-encoding", e);
    }
    Response::from(b.body(body).unwrap())
}

fn read(encoding: Option<&str>, body: Vec<u8>, limit: u64) -> Result<Vec<u8>, BodyError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(read_body(reply(encoding, body), limit))
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn message(r: Result<Vec<u8>, BodyError>) -> String {
    r.unwrap_err().describe("`agent.max_response_bytes`")
}

#[test]
fn plain_bodies_within_the_limit_are_read_whole() {
    assert_eq!(read(None, b"{}".to_vec(), 2).unwrap(), b"{}");
    assert_eq!(read(Some("identity"), b"abc".to_vec(), 10).unwrap(), b"abc");
    assert_eq!(read(None, Vec::new(), 1).unwrap(), b"");
}

#[test]
fn a_declared_length_over_the_limit_is_refused_unread() {
    insta::assert_snapshot!(
        message(read(None, vec![b'x'; 3 * 1024 * 1024], 1024 * 1024)),
        @"the reply's Content-Length is 3145728 bytes (3.0 MiB), over `agent.max_response_bytes` of 1048576 bytes (1.0 MiB)"
    );
}

#[test]
fn gzip_and_both_kinds_of_deflate_are_decoded() {
    let text = br#"{"output": "compressed"}"#.repeat(50);
    assert_eq!(read(Some("gzip"), gzip(&text), 10_000).unwrap(), text);
    assert_eq!(read(Some("x-gzip"), gzip(&text), 10_000).unwrap(), text);
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(&text).unwrap();
    assert_eq!(
        read(Some("Deflate"), z.finish().unwrap(), 10_000).unwrap(),
        text
    );
    let mut d = DeflateEncoder::new(Vec::new(), Compression::default());
    d.write_all(&text).unwrap();
    assert_eq!(
        read(Some("deflate"), d.finish().unwrap(), 10_000).unwrap(),
        text
    );
}

#[test]
fn a_compression_bomb_stops_at_the_limit() {
    // 64 MiB of zeros compress to ~64 KiB: small on the wire, refused once decoded.
    let bomb = gzip(&vec![0u8; 64 * 1024 * 1024]);
    assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
    insta::assert_snapshot!(
        message(read(Some("gzip"), bomb, 1024 * 1024)),
        @"the reply's gzip body decodes to more than `agent.max_response_bytes` of 1048576 bytes (1.0 MiB); decoding stopped there"
    );
}

#[test]
fn other_encodings_are_refused_and_corrupt_ones_explained() {
    insta::assert_snapshot!(
        message(read(Some("br"), b"\x0b\x02\x80hi\x03".to_vec(), 100)),
        @"the reply has `Content-Encoding: br`, which evalgate does not decode (it asks for `gzip, deflate`)"
    );
    assert_eq!(
        message(read(Some("gzip, br"), gzip(b"x"), 100)),
        "the reply has `Content-Encoding: gzip, br`, which evalgate does not decode (it asks for `gzip, deflate`)"
    );
    insta::assert_snapshot!(
        message(read(Some("gzip"), b"not gzip at all".to_vec(), 100)),
        @"the reply's gzip body could not be decoded: invalid gzip header"
    );
}
