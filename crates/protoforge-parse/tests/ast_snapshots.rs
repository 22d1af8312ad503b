//! Snapshots of the syntax tree of a handful of tricky files in `testdata/parse/ast`
//! (contextual keywords, aggregate options, editions, groups). Real protoc accepts every
//! one of them, so each must also parse here without a diagnostic.

#[test]
fn ast_snapshots() {
    insta::glob!("../../../testdata/parse/ast", "*.proto", |path| {
        let text = std::fs::read_to_string(path).expect("input");
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("input.proto");
        let (tree, diags, map) = protoforge_parse::parse(name, &text);
        let rendered: Vec<String> = diags.iter().map(|d| d.render_protoc(&map)).collect();
        assert!(diags.is_empty(), "{}", rendered.join("\n"));
        let tree = tree.expect("a tree");
        insta::assert_debug_snapshot!(tree);
    });
}
