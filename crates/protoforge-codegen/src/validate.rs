//! Refuses descriptor sets whose names cannot become Rust identifiers. A set built by the
//! compiler always passes; a hand-made or damaged one (a plugin request, a descriptor set
//! from elsewhere) gets an [`Error`] naming the element instead of invalid Rust or a panic.

use protoforge::descriptor::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

use crate::Error;

/// Checks every name in `file` that code generation turns into a Rust name: the package's
/// segments and the names of messages, fields, oneofs, enums, values, services and methods.
pub(crate) fn check_names(file: &FileDescriptorProto) -> Result<(), Error> {
    let checker = Checker { file: file.name() };
    if !file.package().is_empty() {
        for segment in file.package().split('.') {
            checker.name("package", file.package(), segment)?;
        }
    }
    for message in &file.message_type {
        checker.message(file.package(), message)?;
    }
    for enumeration in &file.enum_type {
        checker.enumeration(file.package(), enumeration)?;
    }
    for field in &file.extension {
        checker.name("extension", file.package(), field.name())?;
    }
    for service in &file.service {
        let scope = join(file.package(), service.name());
        checker.name("service", file.package(), service.name())?;
        for method in &service.method {
            checker.name("method", &scope, method.name())?;
        }
    }
    Ok(())
}

struct Checker<'a> {
    file: &'a str,
}

impl Checker<'_> {
    fn message(&self, scope: &str, message: &DescriptorProto) -> Result<(), Error> {
        self.name("message", scope, message.name())?;
        let scope = join(scope, message.name());
        for field in message.field.iter().chain(&message.extension) {
            self.name("field", &scope, field.name())?;
        }
        for oneof in &message.oneof_decl {
            self.name("oneof", &scope, oneof.name())?;
        }
        self.oneof_members(&scope, message)?;
        for nested in &message.nested_type {
            self.message(&scope, nested)?;
        }
        for enumeration in &message.enum_type {
            self.enumeration(&scope, enumeration)?;
        }
        Ok(())
    }

    /// Every field's oneof exists, and a proto3 `optional` field is alone in its (synthetic)
    /// oneof, as protoc guarantees: codegen gives such a oneof no enum.
    fn oneof_members(&self, scope: &str, message: &DescriptorProto) -> Result<(), Error> {
        let mut members = vec![0usize; message.oneof_decl.len()];
        for field in &message.field {
            let Some(index) = field.oneof_index else {
                continue;
            };
            match usize::try_from(index).ok().and_then(|i| members.get_mut(i)) {
                Some(count) => *count += 1,
                None => {
                    return Err(Error::new(format!(
                        "{}: field `{}` in `{scope}` is in oneof {index}, which does not exist",
                        self.file,
                        field.name()
                    )));
                }
            }
        }
        for field in &message.field {
            if let Some(index) = field.oneof_index
                && field.proto3_optional()
                && members[index as usize] != 1
            {
                return Err(Error::new(format!(
                    "{}: the oneof of proto3 optional field `{}` in `{scope}` has other fields",
                    self.file,
                    field.name()
                )));
            }
        }
        Ok(())
    }

    fn enumeration(&self, scope: &str, enumeration: &EnumDescriptorProto) -> Result<(), Error> {
        self.name("enum", scope, enumeration.name())?;
        let scope = join(scope, enumeration.name());
        for value in &enumeration.value {
            self.name("enum value", &scope, value.name())?;
        }
        Ok(())
    }

    fn name(&self, kind: &str, scope: &str, name: &str) -> Result<(), Error> {
        if is_identifier(name) {
            return Ok(());
        }
        let place = if scope.is_empty() {
            String::new()
        } else {
            format!(" in `{scope}`")
        };
        Err(Error::new(format!(
            "{}: {kind} name {name:?}{place} is not a protobuf identifier \
             (letters, digits and `_`, not starting with a digit)",
            self.file
        )))
    }
}

/// Whether `name` matches `[A-Za-z_][A-Za-z0-9_]*`.
fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for good in ["a", "_", "A_1", "_9", "snake_case", "CamelCase"] {
            assert!(is_identifier(good), "{good}");
        }
        for bad in ["", "1a", "a-b", "a.b", "sta\u{fffd}e", "é", " a"] {
            assert!(!is_identifier(bad), "{bad:?}");
        }
    }
}
