//! gRPC services on tonic: for every `service` of a file, a server module (an async trait to
//! implement, with `UNIMPLEMENTED` defaults, and a wrapper implementing tonic's `Service` and
//! `NamedService`) and a client module (`XxxClient<T>` with one method per RPC), for all four
//! RPC kinds. The per-method work lives in the runtime: a server's `call` matches the path and
//! hands the request to `grpc::Server`'s route function for the method's kind with a closure
//! calling the trait method, and a client method forwards to `grpc::Client`'s call function
//! with the method's path. Everything tonic provides is reached through the configured
//! transport path (`::tonic` by default).

use proc_macro2::TokenStream;
use protoforge::descriptor::{MethodDescriptorProto, ServiceDescriptorProto};
use quote::{format_ident, quote};

use crate::Error;
use crate::generate::Ctx;
use crate::names::{Scope, camel, ident, snake};
use crate::pool::package_module;

/// Client and wrapper method names that a generated RPC method must not take.
const RESERVED: &[&str] = &[
    "new",
    "connect",
    "with_origin",
    "with_interceptor",
    "from_arc",
    "send_compressed",
    "accept_compressed",
    "max_decoding_message_size",
    "max_encoding_message_size",
    "clone",
    "fmt",
    "call",
    "poll_ready",
];

/// One method, resolved: names, paths and the Rust types of its messages.
struct MethodGen {
    /// The escaped snake_case Rust method name.
    name: proc_macro2::Ident,
    /// The protobuf method name, as in the full path.
    proto_name: String,
    input: TokenStream,
    output: TokenStream,
    client_streaming: bool,
    server_streaming: bool,
    docs: TokenStream,
}

/// The server and client modules of every service in file `file_index`, empty when there
/// are none or both sides are turned off.
pub(super) fn services(ctx: &Ctx<'_>, file_index: usize) -> Result<TokenStream, Error> {
    let mut out = TokenStream::new();
    if !ctx.config.build_server && !ctx.config.build_client {
        return Ok(out);
    }
    let file = ctx.pool.files[file_index];
    let transport: TokenStream = ctx.config.grpc_transport.parse().map_err(|_| {
        Error::new(format!(
            "transport path `{}` is not a Rust path",
            ctx.config.grpc_transport
        ))
    })?;
    for (index, service) in file.service.iter().enumerate() {
        let full_name = if file.package().is_empty() {
            service.name().to_string()
        } else {
            format!("{}.{}", file.package(), service.name())
        };
        let path = [6, index as i32];
        let service_gen = ServiceGen {
            ctx,
            t: &transport,
            file: file_index,
            service,
            full_name,
            path: &path,
            module: package_module(file.package()),
        };
        if ctx.config.build_server {
            out.extend(service_gen.server()?);
        }
        if ctx.config.build_client {
            out.extend(service_gen.client()?);
        }
    }
    Ok(out)
}

/// The state of generating one service.
struct ServiceGen<'c, 'a> {
    ctx: &'c Ctx<'a>,
    /// The transport crate path (tonic).
    t: &'c TokenStream,
    file: usize,
    service: &'a ServiceDescriptorProto,
    /// The service's full name without a leading dot, as in gRPC paths.
    full_name: String,
    /// The source path of the service.
    path: &'c [i32],
    /// The Rust module of the package.
    module: Vec<String>,
}

impl ServiceGen<'_, '_> {
    /// The methods, with their types resolved as seen from submodule `sub`.
    fn methods(&self, sub: &str) -> Result<Vec<MethodGen>, Error> {
        let mut from = self.module.clone();
        from.push(sub.to_string());
        let mut scope = Scope::with_reserved(RESERVED);
        let mut out = Vec::new();
        for (index, method) in self.service.method.iter().enumerate() {
            let method: &MethodDescriptorProto = method;
            let mut path = self.path.to_vec();
            path.extend([2, index as i32]);
            let docs = self.ctx.docs(
                self.file,
                &path,
                &format!(".{}.{}", self.full_name, method.name()),
            );
            out.push(MethodGen {
                name: ident(&scope.alloc(&snake(method.name()))),
                proto_name: method.name().to_string(),
                input: self.ctx.pool.type_path(&from, method.input_type())?,
                output: self.ctx.pool.type_path(&from, method.output_type())?,
                client_streaming: method.client_streaming(),
                server_streaming: method.server_streaming(),
                docs,
            });
        }
        Ok(out)
    }

    /// `SERVICE_NAME` and `SERVICE` (the runtime's `grpc::ServiceInfo`), emitted in the
    /// server module, and in the client module when there is no server module (which it
    /// otherwise re-exports them from) so either side alone can name its paths.
    fn descriptor_items(&self) -> TokenStream {
        let service_name = &self.full_name;
        let methods = self.service.method.iter().map(|m| {
            let name = m.name();
            let path = format!("/{service_name}/{name}");
            let input = m.input_type().trim_start_matches('.');
            let output = m.output_type().trim_start_matches('.');
            let client_streaming = m.client_streaming();
            let server_streaming = m.server_streaming();
            quote! {
                grpc::MethodInfo {
                    name: #name,
                    path: #path,
                    input_type: #input,
                    output_type: #output,
                    client_streaming: #client_streaming,
                    server_streaming: #server_streaming,
                }
            }
        });
        quote! {
            /// The full name of the service, as in gRPC paths and server reflection.
            pub const SERVICE_NAME: &str = #service_name;

            /// The service and its methods (names, full paths, message types, streaming).
            pub const SERVICE: grpc::ServiceInfo = grpc::ServiceInfo {
                name: SERVICE_NAME,
                methods: &[#(#methods),*],
            };
        }
    }

    fn docs(&self) -> TokenStream {
        self.ctx
            .docs(self.file, self.path, &format!(".{}", self.full_name))
    }

    /// The name of the server module.
    fn server_module(&self) -> String {
        format!("{}_server", snake(self.service.name()))
    }

    /// The `xxx_server` module: the trait and the tonic service wrapper, whose per-method
    /// work is done by the runtime's `grpc::Server`.
    fn server(&self) -> Result<TokenStream, Error> {
        let t = self.t;
        let rt = self.ctx.rt();
        let module_name = self.server_module();
        let module = ident(&module_name);
        let methods = self.methods(&module_name)?;
        let trait_name = format_ident!("{}", camel(self.service.name()));
        let server_name = format_ident!("{}Server", camel(self.service.name()));
        let service_name = &self.full_name;
        let docs = self.docs();
        let server_doc = format!(
            "Serves a [`{}`] implementation on tonic.",
            camel(self.service.name())
        );
        let trait_doc = format!(
            "The server side of `{service_name}`: implement the methods you serve; the others \
             answer `UNIMPLEMENTED`."
        );

        let trait_methods = methods.iter().map(|m| {
            let name = &m.name;
            let input = &m.input;
            let output = &m.output;
            let docs = &m.docs;
            let request = if m.client_streaming {
                quote!(#t::Request<#t::Streaming<#input>>)
            } else {
                quote!(#t::Request<#input>)
            };
            let response = if m.server_streaming {
                quote!(#t::codegen::BoxStream<#output>)
            } else {
                quote!(#output)
            };
            let proto_name = &m.proto_name;
            quote! {
                #docs
                fn #name(
                    &self,
                    request: #request,
                ) -> impl ::core::future::Future<Output = grpc::Reply<#response>> + ::core::marker::Send {
                    grpc::unimplemented(request, #proto_name)
                }
            }
        });

        let arms = methods.iter().map(|m| {
            let name = &m.name;
            let path = format!("/{service_name}/{}", m.proto_name);
            let route = match (m.client_streaming, m.server_streaming) {
                (false, false) => quote!(unary),
                (false, true) => quote!(server_streaming),
                (true, false) => quote!(client_streaming),
                (true, true) => quote!(streaming),
            };
            quote!(#path => self.inner.#route(request, T::#name),)
        });

        let descriptor = self.descriptor_items();
        Ok(quote! {
            /// Server support for the service (trait and tonic service wrapper).
            pub mod #module {
                use #rt::grpc;

                #descriptor

                #docs
                #[doc = ""]
                #[doc = #trait_doc]
                pub trait #trait_name: ::core::marker::Send + ::core::marker::Sync + 'static {
                    #(#trait_methods)*
                }

                #[doc = #server_doc]
                #[derive(Debug)]
                pub struct #server_name<T> {
                    inner: grpc::Server<T>,
                }

                impl<T> #server_name<T> {
                    /// Wraps the implementation.
                    pub fn new(inner: T) -> Self {
                        Self { inner: grpc::Server::new(inner) }
                    }

                    /// Wraps the implementation behind `interceptor`, which sees every request
                    /// first and may refuse it with a status.
                    pub fn with_interceptor<F>(
                        inner: T,
                        interceptor: F,
                    ) -> #t::codegen::InterceptedService<Self, F>
                    where
                        F: #t::service::Interceptor,
                    {
                        #t::codegen::InterceptedService::new(Self::new(inner), interceptor)
                    }

                    /// Wraps a shared implementation.
                    pub fn from_arc(inner: ::std::sync::Arc<T>) -> Self {
                        Self { inner: grpc::Server::from_arc(inner) }
                    }

                    /// Accepts requests compressed with `encoding`.
                    #[must_use]
                    pub fn accept_compressed(self, encoding: #t::codec::CompressionEncoding) -> Self {
                        Self { inner: self.inner.accept_compressed(encoding) }
                    }

                    /// Compresses responses with `encoding` when the client accepts it.
                    #[must_use]
                    pub fn send_compressed(self, encoding: #t::codec::CompressionEncoding) -> Self {
                        Self { inner: self.inner.send_compressed(encoding) }
                    }

                    /// Limits the size of a decoded request message (default 4 MiB); a longer one
                    /// is refused with `RESOURCE_EXHAUSTED`.
                    #[must_use]
                    pub fn max_decoding_message_size(self, limit: usize) -> Self {
                        Self { inner: self.inner.max_decoding_message_size(limit) }
                    }

                    /// Limits the size of an encoded response message (default unlimited).
                    #[must_use]
                    pub fn max_encoding_message_size(self, limit: usize) -> Self {
                        Self { inner: self.inner.max_encoding_message_size(limit) }
                    }
                }

                impl<T> ::core::clone::Clone for #server_name<T> {
                    fn clone(&self) -> Self {
                        Self { inner: ::core::clone::Clone::clone(&self.inner) }
                    }
                }

                impl<T, B> #t::codegen::Service<#t::codegen::http::Request<B>> for #server_name<T>
                where
                    T: #trait_name,
                    B: #t::codegen::Body + ::core::marker::Send + 'static,
                    B::Error: ::core::convert::Into<#t::codegen::StdError> + ::core::marker::Send + 'static,
                {
                    type Response = #t::codegen::http::Response<#t::body::Body>;
                    type Error = ::core::convert::Infallible;
                    type Future = grpc::ServerFuture;

                    fn poll_ready(
                        &mut self,
                        _cx: &mut ::core::task::Context<'_>,
                    ) -> ::core::task::Poll<::core::result::Result<(), Self::Error>> {
                        ::core::task::Poll::Ready(::core::result::Result::Ok(()))
                    }

                    fn call(&mut self, request: #t::codegen::http::Request<B>) -> Self::Future {
                        match request.uri().path() {
                            #(#arms)*
                            _ => grpc::unknown_method(),
                        }
                    }
                }

                impl<T> #t::server::NamedService for #server_name<T> {
                    const NAME: &'static str = SERVICE_NAME;
                }
            }
        })
    }

    /// The `xxx_client` module: the typed client, whose calls the runtime's `grpc::Client`
    /// makes.
    fn client(&self) -> Result<TokenStream, Error> {
        let t = self.t;
        let rt = self.ctx.rt();
        let module_name = format!("{}_client", snake(self.service.name()));
        let module = ident(&module_name);
        let methods = self.methods(&module_name)?;
        let client_name = format_ident!("{}Client", camel(self.service.name()));
        let service_name = &self.full_name;
        let docs = self.docs();

        let client_methods = methods.iter().map(|m| {
            let name = &m.name;
            let input = &m.input;
            let output = &m.output;
            let docs = &m.docs;
            let path = format!("/{service_name}/{}", m.proto_name);
            let param = if m.client_streaming {
                quote!(impl #t::IntoStreamingRequest<Message = #input>)
            } else {
                quote!(impl #t::IntoRequest<#input>)
            };
            let response = if m.server_streaming {
                quote!(#t::Streaming<#output>)
            } else {
                quote!(#output)
            };
            let call = match (m.client_streaming, m.server_streaming) {
                (false, false) => quote!(unary),
                (false, true) => quote!(server_streaming),
                (true, false) => quote!(client_streaming),
                (true, true) => quote!(streaming),
            };
            quote! {
                #docs
                pub async fn #name(&mut self, request: #param) -> grpc::Reply<#response> {
                    self.inner.#call(request, #path).await
                }
            }
        });

        let descriptor = if self.ctx.config.build_server {
            let server = ident(&self.server_module());
            quote!(pub use super::#server::{SERVICE, SERVICE_NAME};)
        } else {
            self.descriptor_items()
        };
        Ok(quote! {
            /// Client support for the service.
            pub mod #module {
                use #rt::grpc;

                #descriptor

                #docs
                #[doc = ""]
                #[doc = " Every call ends with `DEADLINE_EXCEEDED` once its deadline"]
                #[doc = " (`Request::set_timeout`) passes, wherever it is: waiting for headers,"]
                #[doc = " reading or writing messages."]
                #[derive(Debug, Clone)]
                pub struct #client_name<T> {
                    inner: grpc::Client<T>,
                }

                impl #client_name<#t::transport::Channel> {
                    /// Connects to `destination` (such as `"http://127.0.0.1:50051"`).
                    pub async fn connect<D>(destination: D) -> ::core::result::Result<Self, #t::transport::Error>
                    where
                        D: ::core::convert::TryInto<#t::transport::Endpoint>,
                        D::Error: ::core::convert::Into<#t::codegen::StdError>,
                    {
                        let channel = #t::transport::Endpoint::new(destination)?.connect().await?;
                        ::core::result::Result::Ok(Self::new(channel))
                    }
                }

                impl<T> #client_name<T>
                where
                    T: #t::client::GrpcService<#t::body::Body>,
                    T::Error: ::core::convert::Into<#t::codegen::StdError>,
                    T::ResponseBody: #t::codegen::Body<Data = #t::codegen::Bytes> + ::core::marker::Send + 'static,
                    <T::ResponseBody as #t::codegen::Body>::Error: ::core::convert::Into<#t::codegen::StdError> + ::core::marker::Send,
                {
                    /// A client sending requests through `inner` (a channel or any gRPC service).
                    pub fn new(inner: T) -> Self {
                        Self { inner: grpc::Client::new(inner) }
                    }

                    /// Like [`Self::new`], with the origin (scheme and authority) requests use.
                    pub fn with_origin(inner: T, origin: #t::codegen::http::Uri) -> Self {
                        Self { inner: grpc::Client::with_origin(inner, origin) }
                    }

                    /// A client whose requests pass through `interceptor` (to add metadata such
                    /// as credentials, or refuse them) before `inner`.
                    pub fn with_interceptor<F>(
                        inner: T,
                        interceptor: F,
                    ) -> #client_name<#t::codegen::InterceptedService<T, F>>
                    where
                        F: #t::service::Interceptor,
                        T: #t::codegen::Service<
                            #t::codegen::http::Request<#t::body::Body>,
                            Response = #t::codegen::http::Response<T::ResponseBody>,
                        >,
                        <T as #t::codegen::Service<#t::codegen::http::Request<#t::body::Body>>>::Error:
                            ::core::convert::Into<#t::codegen::StdError> + ::core::marker::Send + ::core::marker::Sync,
                    {
                        #client_name::new(#t::codegen::InterceptedService::new(inner, interceptor))
                    }

                    /// Compresses requests with `encoding`.
                    #[must_use]
                    pub fn send_compressed(self, encoding: #t::codec::CompressionEncoding) -> Self {
                        Self { inner: self.inner.send_compressed(encoding) }
                    }

                    /// Accepts responses compressed with `encoding`.
                    #[must_use]
                    pub fn accept_compressed(self, encoding: #t::codec::CompressionEncoding) -> Self {
                        Self { inner: self.inner.accept_compressed(encoding) }
                    }

                    /// Limits the size of a decoded response message (default 4 MiB); a longer
                    /// one fails the call with `RESOURCE_EXHAUSTED`.
                    #[must_use]
                    pub fn max_decoding_message_size(self, limit: usize) -> Self {
                        Self { inner: self.inner.max_decoding_message_size(limit) }
                    }

                    /// Limits the size of an encoded request message (default unlimited).
                    #[must_use]
                    pub fn max_encoding_message_size(self, limit: usize) -> Self {
                        Self { inner: self.inner.max_encoding_message_size(limit) }
                    }

                    #(#client_methods)*
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use protoforge::Message;
    use protoforge::descriptor::FileDescriptorSet;

    use crate::{Config, generate};

    /// Generates grpc's interop `test.proto` (descriptors from real protoc) with `config`.
    fn interop(config: &Config) -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/descriptors/grpc/goldens/grpc/testing/test.proto.src.pb"
        );
        let bytes = std::fs::read(path).expect("read the golden descriptor set");
        let set = FileDescriptorSet::decode(&bytes[..]).expect("decode the golden descriptor set");
        let files =
            generate(&set, &["grpc/testing/test.proto".to_string()], config).expect("generate");
        files.into_iter().map(|f| f.content).collect()
    }

    #[test]
    fn servers_and_clients_for_every_service() {
        let code = interop(&Config::new());
        // Compare without whitespace and trailing commas: where prettyplease breaks lines is
        // not the point.
        let flat: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let flat = flat.replace(",>", ">");
        let has = |needle: &str| flat.contains(&needle.replace(' ', ""));
        for (module, item) in [
            ("test_service_server", "pub trait TestService"),
            ("test_service_server", "pub struct TestServiceServer<T>"),
            ("test_service_client", "pub struct TestServiceClient<T>"),
            (
                "unimplemented_service_server",
                "pub trait UnimplementedService",
            ),
            (
                "xds_update_client_configure_service_client",
                "pub struct XdsUpdateClientConfigureServiceClient<T>",
            ),
        ] {
            assert!(
                code.contains(&format!("pub mod {module} {{")),
                "missing module {module}"
            );
            assert!(code.contains(item), "missing {item}");
        }
        // Full method paths and service names as gRPC puts them on the wire.
        assert!(code.contains("\"/grpc.testing.TestService/FullDuplexCall\""));
        assert!(code.contains("const NAME: &'static str = SERVICE_NAME;"));
        assert!(code.contains("pub const SERVICE_NAME: &str = \"grpc.testing.TestService\";"));
        // The descriptor lists each method with its path, message types and kinds.
        assert!(has("grpc::MethodInfo { name: \"StreamingInputCall\", \
             path: \"/grpc.testing.TestService/StreamingInputCall\", \
             input_type: \"grpc.testing.StreamingInputCallRequest\", \
             output_type: \"grpc.testing.StreamingInputCallResponse\", \
             client_streaming: true, server_streaming: false, }"));
        // The four kinds: streaming requests and responses where the .proto says so.
        assert!(has(
            "request: ::tonic::Request<::tonic::Streaming<super::StreamingInputCallRequest>>"
        ));
        assert!(has(
            "grpc::Reply<::tonic::codegen::BoxStream<super::StreamingOutputCallResponse>>"
        ));
        assert!(has("pub async fn streaming_output_call("));
        // Method comments from the .proto become docs.
        assert!(code.contains("One empty request followed by one empty response."));
    }

    #[test]
    fn sides_and_transport_path_are_configurable() {
        let code = interop(
            &Config::new()
                .build_client(false)
                .grpc_transport_path("::my_tonic"),
        );
        assert!(code.contains("pub mod test_service_server"));
        assert!(!code.contains("pub mod test_service_client"));
        assert!(!code.contains("::tonic::"));
        assert!(code.contains("::my_tonic::Request"));
        let code = interop(&Config::new().build_server(false).build_client(false));
        assert!(!code.contains("_server {") && !code.contains("_client {"));
        let bad = Config::new().grpc_transport_path("not a path (");
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/descriptors/grpc/goldens/grpc/testing/test.proto.src.pb"
        );
        let set =
            FileDescriptorSet::decode(&std::fs::read(path).expect("read")[..]).expect("decode");
        assert!(generate(&set, &["grpc/testing/test.proto".to_string()], &bad).is_err());
    }
}
