//! Hand-written conversions for [`Timestamp`]: `SystemTime` both ways, normalisation, the
//! valid range (0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z) and the RFC 3339
//! text form protobuf's JSON mapping uses (`Display` and `FromStr`).

use core::fmt;
use core::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use super::Timestamp;
use super::civil::{days_from_civil, days_in_month, parse_digits, parse_fraction, write_fraction};

/// Why a timestamp could not be converted or parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampError {
    /// The value is outside 0001-01-01T00:00:00Z ..= 9999-12-31T23:59:59.999999999Z, or
    /// outside what `SystemTime` can hold on this platform.
    OutOfRange,
    /// The text is not an RFC 3339 timestamp; the reason says what is wrong.
    Parse(&'static str),
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimestampError::OutOfRange => {
                f.write_str("timestamp out of range (0001-01-01 to 9999-12-31)")
            }
            TimestampError::Parse(reason) => write!(f, "invalid RFC 3339 timestamp: {reason}"),
        }
    }
}

impl std::error::Error for TimestampError {}

const NANOS_PER_SECOND: i32 = 1_000_000_000;

impl Timestamp {
    /// Seconds of 0001-01-01T00:00:00Z, the earliest valid timestamp.
    pub const MIN_SECONDS: i64 = -62_135_596_800;
    /// Seconds of 9999-12-31T23:59:59Z, the last second of the valid range.
    pub const MAX_SECONDS: i64 = 253_402_300_799;

    /// A timestamp of `seconds` since the Unix epoch plus `nanos` (not checked; see
    /// [`is_valid`](Timestamp::is_valid)).
    pub fn new(seconds: i64, nanos: i32) -> Timestamp {
        Timestamp {
            seconds,
            nanos,
            ..Default::default()
        }
    }

    /// The current time (a system clock outside the years 1 to 9999 gives the nearest end
    /// of the valid range).
    pub fn now() -> Timestamp {
        Timestamp::try_from(SystemTime::now()).unwrap_or_else(|_| {
            let after = SystemTime::now().duration_since(UNIX_EPOCH).is_ok();
            if after {
                Timestamp::new(Timestamp::MAX_SECONDS, NANOS_PER_SECOND - 1)
            } else {
                Timestamp::new(Timestamp::MIN_SECONDS, 0)
            }
        })
    }

    /// The timestamp of a UTC date and time (proleptic Gregorian calendar), if it is a
    /// real date between the years 1 and 9999 and `nanos` is below one second.
    pub fn from_date_time(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
        nanos: u32,
    ) -> Result<Timestamp, TimestampError> {
        if !(1..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
            || nanos >= NANOS_PER_SECOND as u32
        {
            return Err(TimestampError::OutOfRange);
        }
        let days = days_from_civil(year, month, day);
        let seconds =
            days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
        Ok(Timestamp::new(seconds, nanos as i32))
    }

    /// Moves whole seconds out of `nanos` so that `0 <= nanos < 1_000_000_000`, keeping the
    /// instant (saturating at the ends of `i64`).
    pub fn normalize(&mut self) {
        let carry = i64::from(self.nanos.div_euclid(NANOS_PER_SECOND));
        self.nanos = self.nanos.rem_euclid(NANOS_PER_SECOND);
        self.seconds = self.seconds.saturating_add(carry);
    }

    /// Whether the timestamp is normalised and inside the valid range.
    pub fn is_valid(&self) -> bool {
        (Timestamp::MIN_SECONDS..=Timestamp::MAX_SECONDS).contains(&self.seconds)
            && (0..NANOS_PER_SECOND).contains(&self.nanos)
    }

    /// The UTC date and time: year, month, day, hour, minute, second (the nanoseconds are
    /// `nanos` once normalised).
    fn civil(&self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.seconds.div_euclid(86_400);
        let rest = self.seconds.rem_euclid(86_400) as u32;
        let (year, month, day) = super::civil::civil_from_days(days);
        (year, month, day, rest / 3600, rest / 60 % 60, rest % 60)
    }
}

impl TryFrom<SystemTime> for Timestamp {
    type Error = TimestampError;

    /// Converts a system time, failing outside the years 1 to 9999.
    fn try_from(time: SystemTime) -> Result<Timestamp, TimestampError> {
        let mut timestamp = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => Timestamp::new(
                i64::try_from(after.as_secs()).map_err(|_| TimestampError::OutOfRange)?,
                after.subsec_nanos() as i32,
            ),
            Err(before) => {
                let before = before.duration();
                Timestamp::new(
                    -i64::try_from(before.as_secs()).map_err(|_| TimestampError::OutOfRange)?,
                    -(before.subsec_nanos() as i32),
                )
            }
        };
        timestamp.normalize();
        if timestamp.is_valid() {
            Ok(timestamp)
        } else {
            Err(TimestampError::OutOfRange)
        }
    }
}

impl TryFrom<Timestamp> for SystemTime {
    type Error = TimestampError;

    /// Converts a timestamp (normalised first), failing outside the years 1 to 9999 or
    /// outside what `SystemTime` can hold.
    fn try_from(mut timestamp: Timestamp) -> Result<SystemTime, TimestampError> {
        timestamp.normalize();
        if !timestamp.is_valid() {
            return Err(TimestampError::OutOfRange);
        }
        let time = if timestamp.seconds >= 0 {
            UNIX_EPOCH.checked_add(std::time::Duration::new(
                timestamp.seconds as u64,
                timestamp.nanos as u32,
            ))
        } else {
            UNIX_EPOCH
                .checked_sub(std::time::Duration::from_secs(
                    timestamp.seconds.unsigned_abs(),
                ))
                .and_then(|t| {
                    t.checked_add(std::time::Duration::from_nanos(timestamp.nanos as u64))
                })
        };
        time.ok_or(TimestampError::OutOfRange)
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC as protobuf's JSON mapping writes it: `1972-01-01T10:00:20.021Z`,
    /// with 0, 3, 6 or 9 fractional digits. The value is normalised first; a year outside
    /// 1..=9999 (an invalid timestamp) is written as is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut normal = Timestamp::new(self.seconds, self.nanos);
        normal.normalize();
        let (year, month, day, hour, minute, second) = normal.civil();
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}"
        )?;
        write_fraction(f, normal.nanos as u32)?;
        f.write_str("Z")
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    /// Parses RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, 1 to 9 fractional
    /// digits after a `.`, upper-case `T` and `Z`, a real calendar date), the rules the JSON
    /// mapping (`protoforge::json`) applies and the conformance suite checks.
    fn from_str(text: &str) -> Result<Timestamp, TimestampError> {
        let bytes = text.as_bytes();
        let err = TimestampError::Parse;
        if bytes.len() < 20 {
            return Err(err("too short"));
        }
        let year = parse_digits(&bytes[0..4]).ok_or(err("bad year"))?;
        let month = parse_digits(&bytes[5..7]).ok_or(err("bad month"))?;
        let day = parse_digits(&bytes[8..10]).ok_or(err("bad day"))?;
        let hour = parse_digits(&bytes[11..13]).ok_or(err("bad hour"))?;
        let minute = parse_digits(&bytes[14..16]).ok_or(err("bad minute"))?;
        let second = parse_digits(&bytes[17..19]).ok_or(err("bad second"))?;
        if bytes[4] != b'-' || bytes[7] != b'-' || bytes[13] != b':' || bytes[16] != b':' {
            return Err(err("bad separator"));
        }
        if bytes[10] != b'T' {
            return Err(err("missing `T`"));
        }
        let (nanos, rest) = parse_fraction(&bytes[19..]).ok_or(err("bad fraction"))?;
        let offset = match rest {
            [b'Z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let hours = parse_digits(&[*h1, *h2]).ok_or(err("bad offset"))?;
                let minutes = parse_digits(&[*m1, *m2]).ok_or(err("bad offset"))?;
                if hours > 23 || minutes > 59 {
                    return Err(err("bad offset"));
                }
                let offset = i64::from(hours * 3600 + minutes * 60);
                if *sign == b'-' { -offset } else { offset }
            }
            _ => return Err(err("bad time zone")),
        };
        let local =
            Timestamp::from_date_time(i64::from(year), month, day, hour, minute, second, nanos)
                .map_err(|_| err("field out of range"))?;
        let timestamp = Timestamp::new(local.seconds - offset, local.nanos);
        if timestamp.is_valid() {
            Ok(timestamp)
        } else {
            Err(TimestampError::OutOfRange)
        }
    }
}
