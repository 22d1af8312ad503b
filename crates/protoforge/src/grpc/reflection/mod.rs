//! gRPC server reflection (feature `grpc-reflection`): both the `grpc.reflection.v1` protocol
//! and the older `grpc.reflection.v1alpha` one that many clients still use, answering from the
//! encoded `FileDescriptorSet`s registered with the [`Builder`] (such as the one
//! `protoforge-build`'s `file_descriptor_set_path` writes). It lists the services of those
//! files and finds files by name, by the symbols they define and by the extensions they
//! declare, each sent with the files it imports.
//!
//! ```
//! use protoforge::Message;
//! use protoforge::descriptor::FileDescriptorSet;
//! use protoforge::grpc::reflection::Builder;
//! let set = FileDescriptorSet::default().encode_to_vec();
//! let reflection = Builder::new().register_encoded_file_descriptor_set(&set)?;
//! let (_v1, _v1alpha) = (reflection.build_v1(), reflection.build_v1alpha());
//! # Ok::<(), protoforge::DecodeError>(())
//! ```

// Generated from grpc's .proto files (kept as the generator writes them, which a test
// checks), whose fields are not all documented.
#[rustfmt::skip]
#[allow(missing_docs)]
pub mod v1;
// Generated from grpc's .proto files (kept as the generator writes them, which a test
// checks), whose fields are not all documented.
#[rustfmt::skip]
#[allow(missing_docs)]
pub mod v1alpha;

use std::collections::HashMap;
use std::sync::Arc;

use tokio_stream::StreamExt;
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status, Streaming};

use crate::descriptor::{DescriptorProto, FileDescriptorProto, FileDescriptorSet};
use crate::{DecodeError, Message};
use v1::server_reflection_request::MessageRequest;
use v1::server_reflection_response::MessageResponse;
use v1::{
    ErrorResponse, ExtensionNumberResponse, FileDescriptorResponse, ListServiceResponse,
    ServerReflectionRequest, ServerReflectionResponse, ServiceResponse,
};

/// Collects the files reflection describes.
#[derive(Clone, Debug, Default)]
pub struct Builder {
    files: Vec<FileDescriptorProto>,
}

impl Builder {
    /// A builder with no files.
    pub fn new() -> Self {
        Builder::default()
    }

    /// Adds the files of an encoded `FileDescriptorSet` (a file registered twice counts once).
    pub fn register_encoded_file_descriptor_set(self, encoded: &[u8]) -> Result<Self, DecodeError> {
        Ok(self.register_file_descriptor_set(FileDescriptorSet::decode(encoded)?))
    }

    /// Adds the files of `set` (a file registered twice counts once).
    pub fn register_file_descriptor_set(mut self, set: FileDescriptorSet) -> Self {
        for file in set.file {
            if !self.files.iter().any(|f| f.name() == file.name()) {
                self.files.push(file);
            }
        }
        self
    }

    /// The `grpc.reflection.v1` server.
    pub fn build_v1(&self) -> v1::server_reflection_server::ServerReflectionServer<ReflectionV1> {
        v1::server_reflection_server::ServerReflectionServer::new(ReflectionV1(self.index()))
    }

    /// The `grpc.reflection.v1alpha` server.
    pub fn build_v1alpha(
        &self,
    ) -> v1alpha::server_reflection_server::ServerReflectionServer<ReflectionV1Alpha> {
        v1alpha::server_reflection_server::ServerReflectionServer::new(ReflectionV1Alpha(
            self.index(),
        ))
    }

    fn index(&self) -> Arc<Index> {
        let mut index = Index {
            files: self.files.clone(),
            ..Index::default()
        };
        for (at, file) in self.files.iter().enumerate() {
            index.by_name.insert(file.name().to_string(), at);
            index.encoded.push(file.encode_to_vec());
            let package = file.package();
            let scope = |name: &str| {
                if package.is_empty() {
                    name.to_string()
                } else {
                    format!("{package}.{name}")
                }
            };
            for service in &file.service {
                let name = scope(service.name());
                for method in &service.method {
                    index
                        .symbols
                        .insert(format!("{name}.{}", method.name()), at);
                }
                index.services.push(name.clone());
                index.symbols.insert(name, at);
            }
            for message in &file.message_type {
                index.add_message(&scope(message.name()), message, at);
            }
            for enumeration in &file.enum_type {
                index.symbols.insert(scope(enumeration.name()), at);
                for value in &enumeration.value {
                    index.symbols.insert(scope(value.name()), at);
                }
            }
            for extension in &file.extension {
                index.add_extension(&scope(extension.name()), extension, at);
            }
        }
        index.services.sort();
        index.services.dedup();
        Arc::new(index)
    }
}

/// What reflection answers from: the files, encoded, and where each symbol is defined.
#[derive(Debug, Default)]
struct Index {
    files: Vec<FileDescriptorProto>,
    encoded: Vec<Vec<u8>>,
    by_name: HashMap<String, usize>,
    symbols: HashMap<String, usize>,
    services: Vec<String>,
    /// (extended type, number) -> file.
    extensions: HashMap<(String, i32), usize>,
}

impl Index {
    fn add_message(&mut self, name: &str, message: &DescriptorProto, file: usize) {
        self.symbols.insert(name.to_string(), file);
        for field in &message.field {
            self.symbols
                .insert(format!("{name}.{}", field.name()), file);
        }
        for oneof in &message.oneof_decl {
            self.symbols
                .insert(format!("{name}.{}", oneof.name()), file);
        }
        for nested in &message.nested_type {
            self.add_message(&format!("{name}.{}", nested.name()), nested, file);
        }
        for enumeration in &message.enum_type {
            self.symbols
                .insert(format!("{name}.{}", enumeration.name()), file);
            for value in &enumeration.value {
                self.symbols
                    .insert(format!("{name}.{}", value.name()), file);
            }
        }
        for extension in &message.extension {
            self.add_extension(&format!("{name}.{}", extension.name()), extension, file);
        }
    }

    fn add_extension(
        &mut self,
        name: &str,
        extension: &crate::descriptor::FieldDescriptorProto,
        file: usize,
    ) {
        self.symbols.insert(name.to_string(), file);
        let extendee = extension.extendee().trim_start_matches('.').to_string();
        self.extensions.insert((extendee, extension.number()), file);
    }

    /// File `at` and everything it imports, transitively, each once, the file first.
    fn with_imports(&self, at: usize) -> FileDescriptorResponse {
        let mut order = vec![at];
        let mut next = 0;
        while next < order.len() {
            let file = &self.files[order[next]];
            for dependency in &file.dependency {
                if let Some(&dep) = self.by_name.get(dependency)
                    && !order.contains(&dep)
                {
                    order.push(dep);
                }
            }
            next += 1;
        }
        FileDescriptorResponse {
            file_descriptor_proto: order.iter().map(|&i| self.encoded[i].clone()).collect(),
            ..Default::default()
        }
    }

    fn answer(&self, request: ServerReflectionRequest) -> ServerReflectionResponse {
        let not_found = |what: String| {
            MessageResponse::ErrorResponse(ErrorResponse {
                error_code: tonic::Code::NotFound as i32,
                error_message: what,
                ..Default::default()
            })
        };
        let file = |found: Option<&usize>, what: String| match found {
            Some(&at) => MessageResponse::FileDescriptorResponse(self.with_imports(at)),
            None => not_found(what),
        };
        let response = match &request.message_request {
            Some(MessageRequest::FileByFilename(name)) => {
                file(self.by_name.get(name), format!("file `{name}` not found"))
            }
            Some(MessageRequest::FileContainingSymbol(symbol)) => file(
                self.symbols.get(symbol.trim_start_matches('.')),
                format!("symbol `{symbol}` not found"),
            ),
            Some(MessageRequest::FileContainingExtension(extension)) => {
                let key = (
                    extension
                        .containing_type
                        .trim_start_matches('.')
                        .to_string(),
                    extension.extension_number,
                );
                file(
                    self.extensions.get(&key),
                    format!("extension {} of `{}` not found", key.1, key.0),
                )
            }
            Some(MessageRequest::AllExtensionNumbersOfType(name)) => {
                let name = name.trim_start_matches('.');
                if self.symbols.contains_key(name) {
                    let mut numbers: Vec<i32> = self
                        .extensions
                        .keys()
                        .filter(|(extendee, _)| extendee == name)
                        .map(|&(_, number)| number)
                        .collect();
                    numbers.sort_unstable();
                    MessageResponse::AllExtensionNumbersResponse(ExtensionNumberResponse {
                        base_type_name: name.to_string(),
                        extension_number: numbers,
                        ..Default::default()
                    })
                } else {
                    not_found(format!("type `{name}` not found"))
                }
            }
            Some(MessageRequest::ListServices(_)) => {
                MessageResponse::ListServicesResponse(ListServiceResponse {
                    service: self
                        .services
                        .iter()
                        .map(|name| ServiceResponse {
                            name: name.clone(),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                })
            }
            None => MessageResponse::ErrorResponse(ErrorResponse {
                error_code: tonic::Code::InvalidArgument as i32,
                error_message: "empty reflection request".to_string(),
                ..Default::default()
            }),
        };
        ServerReflectionResponse {
            valid_host: request.host.clone(),
            original_request: Some(request),
            message_response: Some(response),
            ..Default::default()
        }
    }
}

/// The `grpc.reflection.v1` service behind [`Builder::build_v1`].
#[derive(Debug)]
pub struct ReflectionV1(Arc<Index>);

/// The `grpc.reflection.v1alpha` service behind [`Builder::build_v1alpha`].
#[derive(Debug)]
pub struct ReflectionV1Alpha(Arc<Index>);

impl v1::server_reflection_server::ServerReflection for ReflectionV1 {
    async fn server_reflection_info(
        &self,
        request: Request<Streaming<ServerReflectionRequest>>,
    ) -> Result<Response<BoxStream<ServerReflectionResponse>>, Status> {
        let index = Arc::clone(&self.0);
        let stream = request
            .into_inner()
            .map(move |request| request.map(|request| index.answer(request)));
        Ok(Response::new(Box::pin(stream)))
    }
}

/// Re-reads a message as its wire-identical twin of the other protocol version.
fn transcode<A: Message, B: Message>(message: &A) -> Result<B, Status> {
    B::decode(&message.encode_to_vec()[..]).map_err(|e| Status::internal(e.to_string()))
}

impl v1alpha::server_reflection_server::ServerReflection for ReflectionV1Alpha {
    async fn server_reflection_info(
        &self,
        request: Request<Streaming<v1alpha::ServerReflectionRequest>>,
    ) -> Result<Response<BoxStream<v1alpha::ServerReflectionResponse>>, Status> {
        let index = Arc::clone(&self.0);
        let stream = request.into_inner().map(move |request| {
            let request: ServerReflectionRequest = transcode(&request?)?;
            transcode(&index.answer(request))
        });
        Ok(Response::new(Box::pin(stream)))
    }
}
