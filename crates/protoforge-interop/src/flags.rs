//! Command-line flags as grpc's interop binaries take them: `--flag=value`, `--flag value`,
//! and boolean flags that may stand alone, meaning `true`.

/// One item of the command line.
pub enum Flag {
    /// `--help` or `-h`.
    Help,
    /// A flag and its value.
    Value(String, String),
}

/// The flags of a command line, read one at a time, so that an error stops the reading where
/// it occurs.
pub struct Flags<I> {
    args: I,
    bare: &'static [&'static str],
}

impl<I: Iterator<Item = String>> Flags<I> {
    /// Reads `args`; the flags named in `bare` may stand without a value.
    pub fn new(args: impl IntoIterator<IntoIter = I>, bare: &'static [&'static str]) -> Self {
        Flags {
            args: args.into_iter(),
            bare,
        }
    }
}

impl<I: Iterator<Item = String>> Iterator for Flags<I> {
    type Item = Result<Flag, String>;

    fn next(&mut self) -> Option<Self::Item> {
        let arg = self.args.next()?;
        if arg == "--help" || arg == "-h" {
            return Some(Ok(Flag::Help));
        }
        Some(match arg.split_once('=') {
            Some((key, value)) => Ok(Flag::Value(key.to_string(), value.to_string())),
            None if self.bare.contains(&arg.as_str()) => Ok(Flag::Value(arg, "true".to_string())),
            None => match self.args.next() {
                Some(value) => Ok(Flag::Value(arg, value)),
                None => Err(format!("`{arg}` needs a value")),
            },
        })
    }
}

/// The value of a boolean flag: `true` or `false`.
pub fn boolean(key: &str, value: &str) -> Result<bool, String> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("bad value `{value}` for {key}")),
    }
}
