//! Reading an untrusted reply body (the agent's, a judge's) within a size limit, decoding
//! `gzip` and `deflate` on the way.
//!
//! The limit applies to the decoded bytes, and the body is never buffered past it: a
//! `Content-Length` over the limit is refused before a byte is read, and the stream is read
//! chunk by chunk and abandoned at the limit, so a compression bomb costs at most the limit.
//! Other encodings are refused, and requests advertise only what is decoded here
//! ([`ACCEPT_ENCODING`]). This module must not retry, log, or know what the body means.

use std::io::{self, Write};

use flate2::write::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};
use reqwest::Response;
use reqwest::header::{CONTENT_ENCODING, HeaderMap};

use super::mapping::quote;

/// The `Accept-Encoding` of every request whose reply goes through [`read_body`]. Brotli is
/// not offered: its decoder would be a crate of its own, for replies that are small anyway.
pub(crate) const ACCEPT_ENCODING: &str = "gzip, deflate";

/// Why a body was not read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The body is, or decodes to, more than `limit` bytes.
    TooLarge { limit: u64, size: Size },
    /// A `Content-Encoding` that is not decoded here (quoted, cut to a few characters).
    Unsupported(String),
    /// The compressed body could not be decoded.
    Corrupt {
        encoding: &'static str,
        reason: String,
    },
    /// The connection failed or timed out while the body was read.
    Read(reqwest::Error),
}

/// What is known of a body that is too large.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Size {
    /// Announced by `Content-Length`; nothing was read.
    Declared(u64),
    /// More than the limit arrived; reading stopped there.
    Streamed,
    /// Decoding this encoding yielded more than the limit; decoding stopped there.
    Decoded(&'static str),
}

impl BodyError {
    /// A message for anything but [`BodyError::Read`]; `limit_name` says whose limit it is
    /// (`` `agent.max_response_bytes` ``).
    pub(crate) fn describe(&self, limit_name: &str) -> String {
        match self {
            BodyError::TooLarge { limit, size } => {
                let limit = format!("{limit_name} of {}", bytes(*limit));
                match size {
                    Size::Declared(n) => {
                        format!("the reply's Content-Length is {}, over {limit}", bytes(*n))
                    }
                    Size::Streamed => {
                        format!("the reply is larger than {limit}; reading stopped there")
                    }
                    Size::Decoded(encoding) => format!(
                        "the reply's {encoding} body decodes to more than {limit}; decoding stopped there"
                    ),
                }
            }
            BodyError::Unsupported(encoding) => format!(
                "the reply has `Content-Encoding: {encoding}`, which evalgate does not decode (it asks for `{ACCEPT_ENCODING}`)"
            ),
            BodyError::Corrupt { encoding, reason } => {
                format!("the reply's {encoding} body could not be decoded: {reason}")
            }
            // The caller reports transport errors in its own words (they carry the URL).
            BodyError::Read(_) => "reading the reply failed".to_string(),
        }
    }
}

/// `104857600 bytes (100.0 MiB)`: exact for the config, readable for a person.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 3] = ["KiB", "MiB", "GiB"];
    let mut value = n as f64;
    let mut unit = None;
    for u in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = Some(u);
    }
    match unit {
        Some(u) => format!("{n} bytes ({value:.1} {u})"),
        None => format!("{n} bytes"),
    }
}

/// Reads `response`'s body, decoded, refusing more than `limit` bytes.
pub(crate) async fn read_body(mut response: Response, limit: u64) -> Result<Vec<u8>, BodyError> {
    let too_large = |size| BodyError::TooLarge { limit, size };
    let declared = response.content_length();
    if let Some(n) = declared
        && n > limit
    {
        return Err(too_large(Size::Declared(n)));
    }
    let cap = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut decoder = Decoder::new(response.headers(), cap, declared)?;
    let mut raw = 0usize;
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
        // The compressed size counts too: a stream that decodes to nothing must still end.
        raw = raw.saturating_add(chunk.len());
        if raw > cap {
            return Err(too_large(Size::Streamed));
        }
        decoder.feed(&chunk, limit)?;
    }
    decoder.finish(limit)
}

/// Collects decoded bytes; refuses to grow past `cap` (so a decoder stops at the limit).
struct Sink {
    buf: Vec<u8>,
    cap: usize,
    over: bool,
}

impl Write for Sink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if data.len() > self.cap - self.buf.len() {
            self.over = true;
            return Err(io::Error::other("over the size limit"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Decoder {
    Identity(Sink),
    Gzip(MultiGzDecoder<Sink>),
    /// `deflate` is zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send raw deflate; the
    /// first two bytes tell which, so they wait here until both have arrived.
    DeflateStart(Sink, Vec<u8>),
    Zlib(ZlibDecoder<Sink>),
    RawDeflate(DeflateDecoder<Sink>),
}

impl Decoder {
    fn new(headers: &HeaderMap, cap: usize, declared: Option<u64>) -> Result<Decoder, BodyError> {
        let codings: Vec<String> = headers
            .get_all(CONTENT_ENCODING)
            .iter()
            .flat_map(|v| {
                String::from_utf8_lossy(v.as_bytes())
                    .split(',')
                    .map(|c| c.trim().to_ascii_lowercase())
                    .collect::<Vec<_>>()
            })
            .filter(|c| !c.is_empty() && c != "identity")
            .collect();
        let sink = |capacity: usize| Sink {
            buf: Vec::with_capacity(capacity),
            cap,
            over: false,
        };
        match codings.as_slice() {
            [] => {
                let capacity = declared.map_or(0, |n| usize::try_from(n).unwrap_or(0));
                Ok(Decoder::Identity(sink(capacity.min(cap))))
            }
            [c] if c == "gzip" || c == "x-gzip" => Ok(Decoder::Gzip(MultiGzDecoder::new(sink(0)))),
            [c] if c == "deflate" => Ok(Decoder::DeflateStart(sink(0), Vec::new())),
            other => Err(BodyError::Unsupported(quote(
                other.join(", ").as_bytes(),
                40,
            ))),
        }
    }

    fn encoding(&self) -> &'static str {
        match self {
            Decoder::Identity(_) => "identity",
            Decoder::Gzip(_) => "gzip",
            Decoder::DeflateStart(..) | Decoder::Zlib(_) | Decoder::RawDeflate(_) => "deflate",
        }
    }

    fn sink(&self) -> &Sink {
        match self {
            Decoder::Identity(s) | Decoder::DeflateStart(s, _) => s,
            Decoder::Gzip(d) => d.get_ref(),
            Decoder::Zlib(d) => d.get_ref(),
            Decoder::RawDeflate(d) => d.get_ref(),
        }
    }

    /// The error for a failed write or finish: the limit, or corrupt data.
    fn failed(&self, e: io::Error, limit: u64) -> BodyError {
        let encoding = self.encoding();
        if self.sink().over {
            BodyError::TooLarge {
                limit,
                size: if encoding == "identity" {
                    Size::Streamed
                } else {
                    Size::Decoded(encoding)
                },
            }
        } else {
            BodyError::Corrupt {
                encoding,
                reason: e.to_string(),
            }
        }
    }

    fn feed(&mut self, chunk: &[u8], limit: u64) -> Result<(), BodyError> {
        if let Decoder::DeflateStart(sink, head) = self {
            head.extend_from_slice(chunk);
            if head.len() < 2 {
                return Ok(());
            }
            let head = std::mem::take(head);
            let sink = std::mem::replace(
                sink,
                Sink {
                    buf: Vec::new(),
                    cap: 0,
                    over: false,
                },
            );
            // A zlib header: compression method 8, and the two bytes a multiple of 31.
            let zlib = head[0] & 0x0f == 8 && u16::from_be_bytes([head[0], head[1]]) % 31 == 0;
            *self = if zlib {
                Decoder::Zlib(ZlibDecoder::new(sink))
            } else {
                Decoder::RawDeflate(DeflateDecoder::new(sink))
            };
            return self.feed(&head, limit);
        }
        let result = match self {
            Decoder::Identity(s) => s.write_all(chunk),
            Decoder::Gzip(d) => d.write_all(chunk),
            Decoder::Zlib(d) => d.write_all(chunk),
            Decoder::RawDeflate(d) => d.write_all(chunk),
            Decoder::DeflateStart(..) => unreachable!("handled above"),
        };
        result.map_err(|e| self.failed(e, limit))
    }

    fn finish(mut self, limit: u64) -> Result<Vec<u8>, BodyError> {
        let done = match &mut self {
            Decoder::Identity(_) | Decoder::DeflateStart(..) => Ok(()),
            Decoder::Gzip(d) => d.try_finish(),
            Decoder::Zlib(d) => d.try_finish(),
            Decoder::RawDeflate(d) => d.try_finish(),
        };
        if let Err(e) = done {
            return Err(self.failed(e, limit));
        }
        Ok(match self {
            Decoder::Identity(s) => s.buf,
            // Fewer than two bytes of deflate: nothing a decoder could make anything of.
            Decoder::DeflateStart(_, head) if !head.is_empty() => {
                return Err(BodyError::Corrupt {
                    encoding: "deflate",
                    reason: "the body ends after its first byte".into(),
                });
            }
            Decoder::DeflateStart(s, _) => s.buf,
            Decoder::Gzip(mut d) => std::mem::take(&mut d.get_mut().buf),
            Decoder::Zlib(mut d) => std::mem::take(&mut d.get_mut().buf),
            Decoder::RawDeflate(mut d) => std::mem::take(&mut d.get_mut().buf),
        })
    }
}

#[cfg(test)]
#[path = "body_tests.rs"]
mod tests;
