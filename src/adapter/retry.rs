//! Retry timing: exponential backoff with full jitter, and `Retry-After` parsing.
//!
//! Pure functions of their inputs (plus `fastrand` for jitter); the retry loop itself lives in
//! `http.rs`. Which failures are retried is decided there too.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::model::RetrySpec;

/// The delay before retry number `retry` (0 = the first retry): a uniform draw from
/// `0..=min(max_delay, base · 2^retry)` ("full jitter", which spreads a burst of failing
/// requests instead of retrying them in lockstep).
pub(crate) fn backoff(spec: &RetrySpec, retry: u32) -> Duration {
    let cap = spec
        .base_delay_ms
        .saturating_mul(1u64.checked_shl(retry).unwrap_or(u64::MAX))
        .min(spec.max_delay_ms);
    Duration::from_millis(fastrand::u64(0..=cap))
}

/// The delay a server asked for, capped at `max_delay_ms`.
pub(crate) fn retry_after_delay(
    spec: &RetrySpec,
    header: &str,
    now: SystemTime,
) -> Option<Duration> {
    parse_retry_after(header, now).map(|d| d.min(Duration::from_millis(spec.max_delay_ms)))
}

/// `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). A date in the past
/// means "now". Anything else is ignored (the caller falls back to backoff).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(Duration::from_secs);
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only form senders may use.
fn parse_http_date(s: &str) -> Option<SystemTime> {
    let rest = s.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day: u32 = day.parse().ok().filter(|d| (1..=31).contains(d))?;
    let month = MONTHS.iter().position(|m| m == month)? as u32 + 1;
    let year: i64 = year.parse().ok().filter(|y| *y >= 1970)?;
    let hms: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, sec] = hms.as_slice() else {
        return None;
    };
    if *h > 23 || *m > 59 || *sec > 60 {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
    let secs = days * 86_400 + h * 3600 + m * 60 + sec;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(base: u64, max: u64) -> RetrySpec {
        RetrySpec {
            max_retries: 3,
            base_delay_ms: base,
            max_delay_ms: max,
        }
    }

    #[test]
    fn backoff_stays_within_the_exponential_cap() {
        let s = spec(100, 1_000);
        for retry in 0..40 {
            let cap = (100u64 << retry.min(20)).min(1_000);
            for _ in 0..50 {
                assert!(
                    backoff(&s, retry) <= Duration::from_millis(cap),
                    "retry {retry}"
                );
            }
        }
        // Jitter: not every draw is the cap.
        let draws: Vec<Duration> = (0..50).map(|_| backoff(&s, 3)).collect();
        assert!(draws.iter().any(|d| *d != draws[0]));
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(UNIX_EPOCH + Duration::from_secs(1_709_164_800))
        );
        for bad in [
            "",
            "-1",
            "soon",
            "1.5",
            "Sun, 06 Nov 1994 08:49:37 CET",
            "Sun, 06 Foo 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn retry_after_is_capped() {
        let now = SystemTime::now();
        assert_eq!(
            retry_after_delay(&spec(10, 500), "30", now),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            retry_after_delay(&spec(10, 5_000), "2", now),
            Some(Duration::from_secs(2))
        );
    }
}
