//! Services and their methods: request and response types, streaming, and method options.

use protoforge::descriptor::{
    MethodDescriptorProto, MethodOptions, ServiceDescriptorProto, ServiceOptions,
    UninterpretedOption,
};
use protoforge_parse::ast;

use super::{Lowerer, idx, join};
use crate::tag;

impl Lowerer<'_> {
    pub(super) fn service(&mut self, s: &ast::Service, path: Vec<i32>) -> ServiceDescriptorProto {
        let i = self.loc(&path, s.span);
        self.attach(i, &s.comments);
        self.loc_at(&path, &[tag::service::NAME], s.name.span);
        let mut sv = ServiceDescriptorProto {
            name: Some(s.name.name.clone()),
            ..Default::default()
        };
        let mut options: Vec<UninterpretedOption> = Vec::new();
        let mut has_options = false;
        for item in &s.items {
            match item {
                ast::ServiceItem::Method(m) => {
                    let mpath = join(&path, &[tag::service::METHOD, idx(sv.method.len())]);
                    let method = self.method(m, mpath);
                    sv.method.push(method);
                }
                ast::ServiceItem::Option(o) => {
                    has_options = true;
                    self.option_statement(&join(&path, &[tag::service::OPTIONS]), o, &mut options);
                }
                ast::ServiceItem::Empty(_) => {}
            }
        }
        if has_options {
            sv.options = Some(ServiceOptions {
                uninterpreted_option: options,
                ..Default::default()
            });
        }
        sv
    }

    fn method(&mut self, m: &ast::Method, path: Vec<i32>) -> MethodDescriptorProto {
        let i = self.loc(&path, m.span);
        self.attach(i, &m.comments);
        self.loc_at(&path, &[tag::method::NAME], m.name.span);
        let mut method = MethodDescriptorProto {
            name: Some(m.name.name.clone()),
            input_type: Some(m.input.ty.to_dotted()),
            output_type: Some(m.output.ty.to_dotted()),
            ..Default::default()
        };
        self.check_message_type(&m.input.ty);
        self.check_message_type(&m.output.ty);
        if let Some(s) = m.input.stream {
            self.loc_at(&path, &[tag::method::CLIENT_STREAMING], s);
            method.client_streaming = Some(true);
        }
        self.loc_at(&path, &[tag::method::INPUT_TYPE], m.input.ty.span);
        if let Some(s) = m.output.stream {
            self.loc_at(&path, &[tag::method::SERVER_STREAMING], s);
            method.server_streaming = Some(true);
        }
        self.loc_at(&path, &[tag::method::OUTPUT_TYPE], m.output.ty.span);
        // A method with a `{ ... }` body has an options message even when the body is empty.
        if !m.options.is_empty() || self.text(m.span).ends_with('}') {
            let mut out = Vec::new();
            let opath = join(&path, &[tag::method::OPTIONS]);
            for o in &m.options {
                self.option_statement(&opath, o, &mut out);
            }
            method.options = Some(MethodOptions {
                uninterpreted_option: out,
                ..Default::default()
            });
        }
        method
    }
}
