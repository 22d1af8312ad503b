//! The pool against protoc's rules: scoped name lookup, compound names, `types_only`,
//! visibility through `import public`, and symbol conflicts with enum value scoping.

use super::*;
use protoforge::descriptor::{EnumValueDescriptorProto, FieldDescriptorProto};

fn msg(name: &str, nested: Vec<DescriptorProto>) -> DescriptorProto {
    DescriptorProto {
        name: Some(name.into()),
        nested_type: nested,
        ..Default::default()
    }
}

fn file(
    name: &str,
    package: &str,
    deps: &[&str],
    messages: Vec<DescriptorProto>,
) -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some(name.into()),
        package: (!package.is_empty()).then(|| package.into()),
        dependency: deps.iter().map(|d| d.to_string()).collect(),
        message_type: messages,
        ..Default::default()
    }
}

#[test]
fn resolves_innermost_scope_first() {
    let mut pool = Pool::new();
    let f = file(
        "a.proto",
        "pkg",
        &[],
        vec![msg("Foo", vec![msg("Bar", vec![])]), msg("Bar", vec![])],
    );
    assert!(pool.add_file(f).is_empty());
    let s = pool
        .resolve("a.proto", "pkg.Foo", "Bar", true)
        .expect("found");
    assert_eq!(s.full_name, "pkg.Foo.Bar");
    assert_eq!(s.path, &[4, 0, 3, 0]);
    let s = pool.resolve("a.proto", "pkg", "Bar", true).expect("found");
    assert_eq!(s.full_name, "pkg.Bar");
    let s = pool
        .resolve("a.proto", "pkg.Foo", ".pkg.Bar", true)
        .expect("found");
    assert_eq!(s.full_name, "pkg.Bar");
    let s = pool
        .resolve("a.proto", "pkg.Foo", "pkg.Foo.Bar", true)
        .expect("found");
    assert_eq!(s.full_name, "pkg.Foo.Bar");
    assert_eq!(
        pool.message("pkg.Foo.Bar").and_then(|m| m.name.as_deref()),
        Some("Bar")
    );
}

#[test]
fn first_component_decides() {
    // protoc's own example: `Bar.Baz` inside `Foo` finds `Foo.Bar` and stops there.
    let mut pool = Pool::new();
    let f = file(
        "a.proto",
        "",
        &[],
        vec![
            msg("Bar", vec![msg("Baz", vec![])]),
            msg("Foo", vec![msg("Bar", vec![])]),
        ],
    );
    assert!(pool.add_file(f).is_empty());
    let err = pool
        .resolve("a.proto", "Foo", "Bar.Baz", true)
        .expect_err("shadowed");
    assert_eq!(err.resolved_to.as_deref(), Some("Foo.Bar.Baz"));
    assert!(pool.resolve("a.proto", "", "Bar.Baz", true).is_ok());
}

#[test]
fn types_only_skips_fields() {
    let mut m = msg("M", vec![]);
    m.field.push(FieldDescriptorProto {
        name: Some("T".into()),
        ..Default::default()
    });
    let mut pool = Pool::new();
    assert!(
        pool.add_file(file("a.proto", "p", &[], vec![m, msg("T", vec![])]))
            .is_empty()
    );
    assert_eq!(
        pool.resolve("a.proto", "p.M", "T", true)
            .map(|s| s.full_name),
        Ok("p.T")
    );
    assert_eq!(
        pool.resolve("a.proto", "p.M", "T", false)
            .map(|s| s.full_name),
        Ok("p.M.T")
    );
}

#[test]
fn visibility_follows_public_imports_only() {
    let mut pool = Pool::new();
    pool.add_file(file("c.proto", "c", &[], vec![msg("C", vec![])]));
    let mut b = file("b.proto", "b", &["c.proto"], vec![msg("B", vec![])]);
    b.public_dependency.push(0);
    pool.add_file(b);
    pool.add_file(file("x.proto", "x", &[], vec![msg("X", vec![])]));
    pool.add_file(file("a.proto", "a", &["b.proto"], vec![]));
    assert!(pool.is_visible("a.proto", "c.proto"));
    assert!(pool.is_visible("a.proto", "b.proto"));
    assert!(!pool.is_visible("a.proto", "x.proto"));
    assert!(pool.resolve("a.proto", "a", "c.C", true).is_ok());
    let err = pool
        .resolve("a.proto", "a", "x.X", true)
        .expect_err("not imported");
    assert_eq!(
        err.not_imported,
        Some(("x.X".to_string(), "x.proto".to_string()))
    );
}

#[test]
fn duplicates_and_enum_value_scoping() {
    let e = |name: &str, values: &[&str]| EnumDescriptorProto {
        name: Some(name.into()),
        value: values
            .iter()
            .map(|v| EnumValueDescriptorProto {
                name: Some(v.to_string()),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let mut f = file(
        "a.proto",
        "p",
        &[],
        vec![msg("M", vec![]), msg("M", vec![])],
    );
    f.enum_type = vec![e("E1", &["A"]), e("E2", &["A"])];
    let mut pool = Pool::new();
    let report = pool.add_file(f);
    let conflicts = report.conflicts();
    assert_eq!(conflicts.len(), 2, "{conflicts:?}");
    assert_eq!(
        conflicts[0].message.as_deref(),
        Some("\"M\" is already defined in \"p\".")
    );
    assert_eq!(conflicts[0].path, vec![4, 1]);
    assert_eq!(
        conflicts[1].message.as_deref(),
        Some("\"A\" is already defined in \"p\".")
    );
    assert_eq!(
        conflicts[1].note.as_deref(),
        Some(
            "Note that enum values use C++ scoping rules, meaning that enum values are siblings \
             of their type, not children of it.  Therefore, \"A\" must be unique within \"p\", \
             not just within \"E2\"."
        )
    );
    assert_eq!(
        pool.lookup("p.A").map(|s| s.kind),
        Some(SymbolKind::EnumValue)
    );
    assert!(pool.lookup("p.E1.A").is_none());
    let report = pool.add_file(file("b.proto", "p.M", &[], vec![]));
    assert_eq!(
        report.conflicts()[0].message.as_deref(),
        Some("\"p.M\" is already defined (as something other than a package) in file \"a.proto\".")
    );
}

#[test]
fn members_are_added_before_their_element() {
    // protoc adds an enum after its values: the value `E` takes the name, the enum clashes.
    let mut f = file("a.proto", "", &[], vec![]);
    f.enum_type.push(EnumDescriptorProto {
        name: Some("E".into()),
        value: vec![EnumValueDescriptorProto {
            name: Some("E".into()),
            ..Default::default()
        }],
        ..Default::default()
    });
    let mut pool = Pool::new();
    let report = pool.add_file(f);
    let conflicts = report.conflicts();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].path, vec![5, 0]);
    assert_eq!(
        conflicts[0].message.as_deref(),
        Some("\"E\" is already defined.")
    );
    assert_eq!(conflicts[0].note, None);
    assert_eq!(
        pool.lookup("E").map(|s| s.kind),
        Some(SymbolKind::EnumValue)
    );
}

#[test]
fn names_too_long_go_on_as_unknown() {
    let long = "M".repeat(65_536);
    let mut first = msg(&long, vec![msg("N", vec![])]);
    first.field.push(FieldDescriptorProto {
        name: Some("x".into()),
        ..Default::default()
    });
    let f = file("a.proto", "p", &[], vec![first, msg(&long, vec![])]);
    let mut pool = Pool::new();
    let report = pool.add_file(f);
    assert!(report.too_long(&[4, 0]) && report.too_long(&[4, 1]));
    assert!(!report.too_long(&[4, 0, 3, 0]) && !report.too_long(&[4, 0, 2, 0]));
    // The first is `unknown`, outside the package, its members in its scope; the second
    // clashes with it.
    assert_eq!(pool.lookup("unknown").map(|s| s.path), Some(&[4, 0][..]));
    assert_eq!(
        pool.lookup("unknown.N").map(|s| s.kind),
        Some(SymbolKind::Message)
    );
    assert_eq!(
        pool.lookup("unknown.x").map(|s| s.kind),
        Some(SymbolKind::Field)
    );
    assert!(pool.lookup(&format!("p.{long}")).is_none());
    let conflicts = report.conflicts();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].path, vec![4, 1]);
    assert_eq!(
        conflicts[0].message.as_deref(),
        Some("\"unknown\" is already defined.")
    );
}
