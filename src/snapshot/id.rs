//! Snapshot ids and timestamps.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::SnapshotError;

/// Names one transaction: `YYYYMMDD-HHMMSS-PID-XXXX` in UTC, so ids sort by time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SnapshotId(String);

impl SnapshotId {
    /// A fresh id for a transaction starting at `time`; `salt` tells apart ids made in the same second.
    pub(crate) fn new(time: Timestamp, salt: u16) -> SnapshotId {
        let (date, clock) = time.utc_parts();
        SnapshotId(format!("{date}-{clock}-{}-{salt:04x}", std::process::id()))
    }

    /// The id as text (also the transaction's directory name).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SnapshotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for SnapshotId {
    type Err = SnapshotError;

    fn from_str(text: &str) -> Result<SnapshotId, SnapshotError> {
        let parts: Vec<&str> = text.split('-').collect();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let valid = parts.len() == 4
            && digits(parts[0], 8)
            && digits(parts[1], 6)
            && !parts[2].is_empty()
            && parts[2].bytes().all(|b| b.is_ascii_digit())
            && parts[3].len() == 4
            && parts[3].bytes().all(|b| b.is_ascii_hexdigit());
        if valid {
            Ok(SnapshotId(text.to_string()))
        } else {
            Err(SnapshotError::BadId(text.to_string()))
        }
    }
}

impl TryFrom<String> for SnapshotId {
    type Error = SnapshotError;
    fn try_from(text: String) -> Result<SnapshotId, SnapshotError> {
        text.parse()
    }
}

impl From<SnapshotId> for String {
    fn from(id: SnapshotId) -> String {
        id.0
    }
}

/// A point in time with nanoseconds, as the kernel reports file times.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Timestamp {
    /// Seconds since the Unix epoch.
    pub secs: i64,
    /// Nanoseconds within the second.
    pub nanos: u32,
}

impl Timestamp {
    /// The current time.
    pub fn now() -> Timestamp {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp {
            secs: since.as_secs() as i64,
            nanos: since.subsec_nanos(),
        }
    }

    /// `YYYYMMDD` and `HHMMSS` in UTC.
    fn utc_parts(self) -> (String, String) {
        let days = self.secs.div_euclid(86_400);
        let rest = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (
            format!("{y:04}{m:02}{d:02}"),
            format!("{:02}{:02}{:02}", rest / 3600, rest % 3600 / 60, rest % 60),
        )
    }

    /// ISO 8601 in UTC, e.g. `2026-11-21T23:04:05Z`, for people and logs.
    pub fn to_rfc3339(self) -> String {
        let (date, clock) = self.utc_parts();
        format!(
            "{}-{}-{}T{}:{}:{}Z",
            &date[..4],
            &date[4..6],
            &date[6..],
            &clock[..2],
            &clock[2..4],
            &clock[4..]
        )
    }
}

/// Howard Hinnant's days-to-civil conversion (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_sort_by_time() {
        let early = SnapshotId::new(
            Timestamp {
                secs: 1_700_000_000,
                nanos: 0,
            },
            0x3f9a,
        );
        let late = SnapshotId::new(
            Timestamp {
                secs: 1_800_000_000,
                nanos: 0,
            },
            0x0001,
        );
        assert!(early < late);
        assert!(early.as_str().starts_with("20231114-221320-"));
        assert_eq!(early.to_string().parse::<SnapshotId>().unwrap(), early);
    }

    #[test]
    fn malformed_ids_are_refused() {
        for bad in [
            "",
            "latest",
            "20231114-221320-1-zzzz",
            "../etc-passwd-1-0000",
        ] {
            assert!(bad.parse::<SnapshotId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn timestamps_print_as_utc() {
        let t = Timestamp {
            secs: 951_782_400,
            nanos: 0,
        }; // leap day 2000
        assert_eq!(t.to_rfc3339(), "2000-02-29T00:00:00Z");
    }
}
