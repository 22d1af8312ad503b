//! Hand-written conversions for [`Duration`]: `std::time::Duration` both ways (negative
//! protobuf durations have no std counterpart), normalisation, the valid range
//! (±315,576,000,000 seconds, about 10,000 years) and the `"1.5s"` text form of protobuf's
//! JSON mapping (`Display` and `FromStr`).

use core::fmt;
use core::str::FromStr;

use super::Duration;
use super::civil::{parse_fraction, write_fraction};

/// Why a duration could not be converted or parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DurationError {
    /// The value is beyond ±315,576,000,000 seconds, or its `seconds` and `nanos` have
    /// different signs or `nanos` is a second or more after normalising.
    OutOfRange,
    /// The duration is negative, which `std::time::Duration` cannot hold; the value is its
    /// magnitude.
    Negative(std::time::Duration),
    /// The text is not a duration such as `"1.5s"`; the reason says what is wrong.
    Parse(&'static str),
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::OutOfRange => {
                f.write_str("duration out of range (±315,576,000,000 seconds)")
            }
            DurationError::Negative(magnitude) => {
                write!(
                    f,
                    "negative duration (-{magnitude:?}) has no std equivalent"
                )
            }
            DurationError::Parse(reason) => write!(f, "invalid duration: {reason}"),
        }
    }
}

impl std::error::Error for DurationError {}

const NANOS_PER_SECOND: i32 = 1_000_000_000;

impl Duration {
    /// The largest valid number of seconds (either sign), about 10,000 years.
    pub const MAX_SECONDS: i64 = 315_576_000_000;

    /// A duration of `seconds` plus `nanos` (not checked; see
    /// [`is_valid`](Duration::is_valid)).
    pub fn new(seconds: i64, nanos: i32) -> Duration {
        Duration {
            seconds,
            nanos,
            ..Default::default()
        }
    }

    /// Brings the value into canonical form without changing its length: `|nanos|` below
    /// one second and `nanos` of the same sign as `seconds` (saturating at the ends of
    /// `i64`).
    pub fn normalize(&mut self) {
        self.seconds = self
            .seconds
            .saturating_add(i64::from(self.nanos / NANOS_PER_SECOND));
        self.nanos %= NANOS_PER_SECOND;
        if self.seconds > 0 && self.nanos < 0 {
            self.seconds -= 1;
            self.nanos += NANOS_PER_SECOND;
        } else if self.seconds < 0 && self.nanos > 0 {
            self.seconds += 1;
            self.nanos -= NANOS_PER_SECOND;
        }
    }

    /// Whether the duration is in canonical form and inside the valid range.
    pub fn is_valid(&self) -> bool {
        self.seconds.unsigned_abs() <= Duration::MAX_SECONDS as u64
            && self.nanos.unsigned_abs() < NANOS_PER_SECOND as u32
            && !(self.seconds > 0 && self.nanos < 0)
            && !(self.seconds < 0 && self.nanos > 0)
    }

    /// Whether the duration is below zero.
    pub fn is_negative(&self) -> bool {
        self.seconds < 0 || (self.seconds == 0 && self.nanos < 0)
    }
}

impl TryFrom<std::time::Duration> for Duration {
    type Error = DurationError;

    /// Converts a std duration, failing beyond 315,576,000,000 seconds.
    fn try_from(duration: std::time::Duration) -> Result<Duration, DurationError> {
        let seconds = duration.as_secs();
        if seconds > Duration::MAX_SECONDS as u64 {
            return Err(DurationError::OutOfRange);
        }
        Ok(Duration::new(
            seconds as i64,
            duration.subsec_nanos() as i32,
        ))
    }
}

impl TryFrom<Duration> for std::time::Duration {
    type Error = DurationError;

    /// Converts a duration (normalised first); a negative one is
    /// [`DurationError::Negative`], one outside the valid range
    /// [`DurationError::OutOfRange`].
    fn try_from(mut duration: Duration) -> Result<std::time::Duration, DurationError> {
        duration.normalize();
        if !duration.is_valid() {
            return Err(DurationError::OutOfRange);
        }
        let magnitude = std::time::Duration::new(
            duration.seconds.unsigned_abs(),
            duration.nanos.unsigned_abs(),
        );
        if duration.is_negative() {
            Err(DurationError::Negative(magnitude))
        } else {
            Ok(magnitude)
        }
    }
}

impl fmt::Display for Duration {
    /// Seconds with an `s` suffix as protobuf's JSON mapping writes them: `1.5s`, `-0.001s`,
    /// `3s` (0, 3, 6 or 9 fractional digits). The value is normalised first.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut normal = Duration::new(self.seconds, self.nanos);
        normal.normalize();
        if normal.is_negative() {
            f.write_str("-")?;
        }
        write!(f, "{}", normal.seconds.unsigned_abs())?;
        write_fraction(f, normal.nanos.unsigned_abs())?;
        f.write_str("s")
    }
}

impl FromStr for Duration {
    type Err = DurationError;

    /// Parses `[-]SECONDS[.FRACTION]s` (1 to 9 fractional digits after a `.`, no `+`), the
    /// rules the JSON mapping (`protoforge::json`) applies and the conformance suite checks;
    /// the value must be in the valid range.
    fn from_str(text: &str) -> Result<Duration, DurationError> {
        let err = DurationError::Parse;
        let body = text.strip_suffix('s').ok_or(err("missing `s` suffix"))?;
        let (negative, body) = match body.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, body),
        };
        let bytes = body.as_bytes();
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return Err(err("missing seconds"));
        }
        let mut seconds: u64 = 0;
        for &b in &bytes[..digits] {
            seconds = seconds
                .checked_mul(10)
                .and_then(|s| s.checked_add(u64::from(b - b'0')))
                .ok_or(DurationError::OutOfRange)?;
        }
        let (nanos, rest) = parse_fraction(&bytes[digits..]).ok_or(err("bad fraction"))?;
        if !rest.is_empty() {
            return Err(err("unexpected characters"));
        }
        if seconds > Duration::MAX_SECONDS as u64 {
            return Err(DurationError::OutOfRange);
        }
        let (seconds, nanos) = (seconds as i64, nanos as i32);
        Ok(if negative {
            Duration::new(-seconds, -nanos)
        } else {
            Duration::new(seconds, nanos)
        })
    }
}
