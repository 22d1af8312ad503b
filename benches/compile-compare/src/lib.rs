//! Command-line arguments of the `protox-compile` benchmark peer, parsed exactly like the
//! `compile` example of `protoforge-compile` accepts them: `-I DIR` / `-IDIR`,
//! `--include_imports`, `--include_source_info`, `-o OUT` / `-oOUT` /
//! `--descriptor_set_out=OUT`, and `@FILE` to read more arguments from FILE, one a line, so
//! that `cargo xtask bench compile` can give both tools the same command line. The binary
//! itself (`src/main.rs`, feature `protox`) hands the parsed arguments to the protox crate.

use std::path::PathBuf;

/// What one invocation asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// Include directories, in command-line order.
    pub includes: Vec<PathBuf>,
    /// Whether imported files go into the output too (`--include_imports`).
    pub include_imports: bool,
    /// Whether `SourceCodeInfo` is kept (`--include_source_info`).
    pub include_source_info: bool,
    /// Where the encoded `FileDescriptorSet` goes, if anywhere.
    pub out: Option<PathBuf>,
    /// The files to compile, as given.
    pub files: Vec<String>,
}

impl Args {
    /// Parses `args` (without the program name). `read` returns the text of an `@FILE`
    /// argument's file; any error it reports, and any flag this peer does not know, is
    /// returned as a message for stderr.
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        mut read: impl FnMut(&str) -> Result<String, String>,
    ) -> Result<Args, String> {
        let mut expanded = Vec::new();
        for a in args {
            match a.strip_prefix('@') {
                Some(path) => {
                    let text = read(path).map_err(|e| format!("{path}: {e}"))?;
                    expanded.extend(text.lines().filter(|l| !l.is_empty()).map(String::from));
                }
                None => expanded.push(a),
            }
        }
        let mut parsed = Args::default();
        let mut it = expanded.into_iter();
        while let Some(a) = it.next() {
            if a == "-I" || a == "-o" {
                let value = it.next().ok_or_else(|| format!("{a} needs a value"))?;
                if a == "-I" {
                    parsed.includes.push(value.into());
                } else {
                    parsed.out = Some(value.into());
                }
            } else if let Some(dir) = a.strip_prefix("-I") {
                parsed.includes.push(dir.into());
            } else if let Some(path) = a
                .strip_prefix("--descriptor_set_out=")
                .or_else(|| a.strip_prefix("-o"))
            {
                parsed.out = Some(path.into());
            } else if a == "--include_imports" {
                parsed.include_imports = true;
            } else if a == "--include_source_info" {
                parsed.include_source_info = true;
            } else if a.starts_with('-') {
                return Err(format!("unknown flag `{a}`"));
            } else {
                parsed.files.push(a);
            }
        }
        if parsed.files.is_empty() {
            return Err("no input files".into());
        }
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        Args::parse(args.iter().map(|s| s.to_string()), |path| match path {
            "list.txt" => Ok("a.proto\n\nb/c.proto\n".into()),
            _ => Err("not found".into()),
        })
    }

    #[test]
    fn flags_in_every_spelling() {
        let args = parse(&[
            "-I",
            "x",
            "-I.",
            "--include_imports",
            "--include_source_info",
            "--descriptor_set_out=out.pb",
            "f.proto",
        ]);
        assert_eq!(
            args,
            Ok(Args {
                includes: vec!["x".into(), ".".into()],
                include_imports: true,
                include_source_info: true,
                out: Some("out.pb".into()),
                files: vec!["f.proto".into()],
            })
        );
        assert_eq!(
            parse(&["-o", "o.pb", "f.proto"]).map(|a| a.out),
            Ok(Some("o.pb".into()))
        );
        assert_eq!(
            parse(&["-oo.pb", "f.proto"]).map(|a| a.out),
            Ok(Some("o.pb".into()))
        );
    }

    #[test]
    fn argsfile_lines_become_arguments() {
        let args = parse(&["-I.", "@list.txt", "d.proto"]);
        assert_eq!(
            args.map(|a| a.files),
            Ok(vec!["a.proto".into(), "b/c.proto".into(), "d.proto".into()])
        );
    }

    #[test]
    fn bad_command_lines_are_errors() {
        assert_eq!(
            parse(&["@missing.txt"]),
            Err("missing.txt: not found".into())
        );
        assert_eq!(parse(&["f.proto", "-I"]), Err("-I needs a value".into()));
        assert_eq!(
            parse(&["--retain_options", "f.proto"]),
            Err("unknown flag `--retain_options`".into())
        );
        assert_eq!(parse(&["-I."]), Err("no input files".into()));
    }
}
