//! The file level: the whole-file location, the `syntax`/`edition` statement, `package`,
//! imports (public, weak and `import option`) and the order of top-level statements.

use protoforge::descriptor::{
    Edition, FileDescriptorProto, FileOptions, UninterpretedOption, source_code_info::Location,
};
use protoforge_parse::{Span, ast};

use super::{Lowerer, Syntax, TypeSink, diag, idx};
use crate::tag;

impl Lowerer<'_> {
    pub(super) fn file(&mut self, ast: &ast::File, file: &mut FileDescriptorProto) {
        // The whole-file location runs from the first token to the end of the last one.
        let mut first: Option<Span> = ast.syntax.as_ref().map(|s| s.span);
        let mut last: Option<Span> = first;
        for item in &ast.items {
            let s = file_item_span(item);
            if first.is_none() {
                first = Some(s);
            }
            last = Some(s);
        }
        match (first, last) {
            (Some(f), Some(l)) => {
                self.loc_between(&[], f, l);
            }
            _ => {
                // No token at all: protoc starts at the end of the text and ends at 0:0.
                let end = self.lines.line_col(self.text, ast.span.end);
                let (line, col) = (end.line as i32, end.col as i32);
                let mut span = vec![line, col];
                if line != 0 {
                    span.push(0);
                }
                span.push(0);
                self.locations.push(Location {
                    span,
                    ..Default::default()
                });
            }
        }

        if let Some(decl) = &ast.syntax {
            self.syntax_decl(decl, file);
        }

        let mut file_options: Vec<UninterpretedOption> = Vec::new();
        let mut has_options = false;
        let mut package_seen = false;
        for item in &ast.items {
            match item {
                ast::FileItem::Package(p) => {
                    if package_seen {
                        self.error(diag::multiple_packages(p.span));
                    }
                    package_seen = true;
                    file.package = Some(p.name.to_dotted());
                    let i = self.loc(&[tag::file::PACKAGE], p.span);
                    self.attach(i, &p.comments);
                }
                ast::FileItem::Import(imp) => self.import(imp, file),
                ast::FileItem::Option(o) => {
                    has_options = true;
                    self.option_statement(&[tag::file::OPTIONS], o, &mut file_options);
                }
                ast::FileItem::Message(m) => {
                    let path = vec![tag::file::MESSAGE_TYPE, idx(file.message_type.len())];
                    let msg = self.message(m, path);
                    file.message_type.push(msg);
                }
                ast::FileItem::Enum(e) => {
                    let path = vec![tag::file::ENUM_TYPE, idx(file.enum_type.len())];
                    let en = self.enum_(e, path);
                    file.enum_type.push(en);
                }
                ast::FileItem::Service(s) => {
                    let path = vec![tag::file::SERVICE, idx(file.service.len())];
                    let sv = self.service(s, path);
                    file.service.push(sv);
                }
                ast::FileItem::Extend(x) => {
                    let mut sink = TypeSink {
                        types: &mut file.message_type,
                        parent: &[],
                        list: tag::file::MESSAGE_TYPE,
                    };
                    self.extend(x, &[tag::file::EXTENSION], &mut file.extension, &mut sink);
                }
                ast::FileItem::Empty(_) => {}
            }
        }
        if has_options {
            file.options = Some(FileOptions {
                uninterpreted_option: file_options,
                ..Default::default()
            });
        }
    }

    fn syntax_decl(&mut self, decl: &ast::SyntaxDecl, file: &mut FileDescriptorProto) {
        // protoc records both `syntax` and `edition` statements at the `syntax` path.
        let i = self.loc(&[tag::file::SYNTAX], decl.span);
        self.attach(i, &decl.comments);
        let value = decl.value.to_string_lossy();
        match decl.kind {
            ast::SyntaxKind::Syntax => match value.as_str() {
                // protoc leaves `syntax` unset for proto2 in the descriptors it writes.
                "proto2" => self.syntax = Syntax::Proto2,
                "proto3" => {
                    self.syntax = Syntax::Proto3;
                    file.syntax = Some(value);
                }
                _ => self.error(diag::unknown_syntax(decl.value.span, &value)),
            },
            ast::SyntaxKind::Edition => {
                let edition = Edition::from_str_name(&format!("EDITION_{value}"))
                    .filter(|e| !matches!(e, Edition::Proto2 | Edition::Proto3 | Edition::Unknown));
                match edition {
                    Some(e) => {
                        self.syntax = Syntax::Editions;
                        self.edition = Some(e);
                        file.syntax = Some("editions".to_owned());
                        file.edition = Some(e);
                    }
                    None => self.error(diag::unknown_edition(decl.value.span, &value)),
                }
            }
        }
    }

    fn import(&mut self, imp: &ast::Import, file: &mut FileDescriptorProto) {
        let path_value = imp.path.to_string_lossy();
        if imp.kind == ast::ImportKind::Option {
            if !self.edition_at_least_2024() {
                self.error(diag::option_import_before_2024(
                    imp.kind_span.unwrap_or(imp.span),
                ));
            }
            let path = [
                tag::file::OPTION_DEPENDENCY,
                idx(file.option_dependency.len()),
            ];
            let i = self.loc(&path, imp.span);
            self.attach(i, &imp.comments);
            file.option_dependency.push(path_value);
            return;
        }
        let i = self.loc(
            &[tag::file::DEPENDENCY, idx(file.dependency.len())],
            imp.span,
        );
        if !file.option_dependency.is_empty() {
            let at = imp.kind_span.unwrap_or(imp.path.span);
            self.error(diag::import_after_option_import(at));
        }
        let index = idx(file.dependency.len());
        match (imp.kind, imp.kind_span) {
            (ast::ImportKind::Public, Some(k)) => {
                self.loc(
                    &[
                        tag::file::PUBLIC_DEPENDENCY,
                        idx(file.public_dependency.len()),
                    ],
                    k,
                );
                file.public_dependency.push(index);
            }
            (ast::ImportKind::Weak, Some(k)) => {
                if self.edition_at_least_2024() {
                    self.error(diag::weak_import_in_2024(k));
                }
                self.loc(
                    &[tag::file::WEAK_DEPENDENCY, idx(file.weak_dependency.len())],
                    k,
                );
                file.weak_dependency.push(index);
            }
            _ => {}
        }
        file.dependency.push(path_value);
        self.attach(i, &imp.comments);
    }
}

fn file_item_span(item: &ast::FileItem) -> Span {
    match item {
        ast::FileItem::Package(p) => p.span,
        ast::FileItem::Import(i) => i.span,
        ast::FileItem::Option(o) => o.span,
        ast::FileItem::Message(m) => m.span,
        ast::FileItem::Enum(e) => e.span,
        ast::FileItem::Service(s) => s.span,
        ast::FileItem::Extend(x) => x.span,
        ast::FileItem::Empty(s) => *s,
    }
}
