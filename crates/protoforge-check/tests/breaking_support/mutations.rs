//! Edits of the protobuf corpus tree that each break something (most of them one rule's
//! worth), applied together to one copy of the tree: `(file, text to find, replacement)`.
//! The first occurrence is replaced; a missing text fails the test, so a corpus update that
//! moves things shows up at once.

/// Files and directories of `protobuf/src` left out of both trees: real buf cannot build
/// them (features and options its bundled descriptors do not know), or they are MessageSets
/// with extension numbers beyond the normal range.
pub const PROTOBUF_EXCLUDED: &[&str] = &[
    "editions",
    "google/protobuf/test_protos",
    "google/protobuf/compiler/ruby",
    "google/protobuf/unittest_custom_options.proto",
    "google/protobuf/unittest_import_option.proto",
    "google/protobuf/unittest_mset.proto",
    "google/protobuf/unittest_mset_wire_format.proto",
];

const P2: &str = "google/protobuf/test_messages_proto2.proto";
const P3: &str = "google/protobuf/test_messages_proto3.proto";
const ED: &str = "google/protobuf/unittest.proto";

/// The edits of the protobuf tree.
pub const PROTOBUF_EDITS: &[(&str, &str, &str)] = &[
    // Fields: delete, change type (wire-compatible, JSON-incompatible, incompatible,
    // string/bytes both ways), rename, json_name, cardinality, default values, options.
    (P2, "  optional int64 optional_int64 = 2;\n", ""),
    (
        P2,
        "optional uint32 optional_uint32 = 3;",
        "optional uint64 optional_uint32 = 3;",
    ),
    (
        P2,
        "optional sint32 optional_sint32 = 5;",
        "optional string optional_sint32 = 5;",
    ),
    (
        P2,
        "optional string optional_string = 14;",
        "optional bytes optional_string = 14;",
    ),
    (
        P2,
        "optional bytes optional_bytes = 15;",
        "optional string optional_bytes = 15;",
    ),
    (
        P2,
        "optional bool optional_bool = 13;",
        "optional bool optional_boolean = 13;",
    ),
    (
        P2,
        "optional int32 fieldname1 = 401;",
        "optional int32 fieldname1 = 401 [json_name = \"fieldOne\"];",
    ),
    (
        P2,
        "optional fixed32 optional_fixed32 = 7;",
        "repeated fixed32 optional_fixed32 = 7;",
    ),
    (
        P2,
        "optional int32 default_int32 = 241 [default = -123456789];",
        "optional int32 default_int32 = 241 [default = 5];",
    ),
    (
        P2,
        "optional float default_float = 251 [default = 9e9];",
        "optional float default_float = 251 [default = 1e6];",
    ),
    (
        P2,
        "optional double default_double = 252 [default = 7e22];",
        "optional double default_double = 252 [default = 0.00001];",
    ),
    (
        P2,
        "optional bytes default_bytes = 255 [default = \"joshua\"];",
        "optional bytes default_bytes = 255 [default = \"jo\\001\"];",
    ),
    (
        P2,
        "optional string default_string = 254 [default = \"Rosebud\"];",
        "optional string default_string = 254;",
    ),
    (
        P2,
        "optional string optional_cord = 25 [ctype = CORD];",
        "optional string optional_cord = 25;",
    ),
    (
        P2,
        "optional string optional_string_piece = 24 [ctype = STRING_PIECE];",
        "optional string optional_string_piece = 24 [ctype = CORD];",
    ),
    (
        P2,
        "optional fixed64 optional_fixed64 = 8;",
        "optional fixed64 optional_fixed64 = 8 [jstype = JS_STRING];",
    ),
    // Oneofs: a member moved out, another deleted.
    (
        P2,
        "  oneof oneof_field {\n    uint32 oneof_uint32 = 111;",
        "  optional uint32 oneof_uint32 = 111;\n  oneof oneof_field {",
    ),
    (P2, "    double oneof_double = 118;\n", ""),
    // Maps: value type changed, a map made repeated.
    (
        P2,
        "map<int32, int32> map_int32_int32 = 56;",
        "map<int32, int64> map_int32_int32 = 56;",
    ),
    (
        P2,
        "map<int64, int64> map_int64_int64 = 57;",
        "repeated int64 map_int64_int64 = 57;",
    ),
    // Reserved ranges and names, extension ranges.
    (
        P2,
        "  reserved 1000 to 9999;",
        "  reserved 1000 to 1999, 3000 to 9999;",
    ),
    (P2, "  reserved \"reserved_field\";\n", ""),
    (P2, "  extensions 120 to 200;", "  extensions 120 to 150;"),
    // Enums: a value deleted, a nested enum deleted.
    (P2, "  FOREIGN_BAZ = 2;\n", ""),
    (
        P2,
        "  enum Bool {\n    kFalse = 0;\n    kTrue = 1;\n  }\n",
        "",
    ),
    // Extensions and messages deleted.
    (P2, "  optional string extension_string = 133;\n", ""),
    (P2, "message NullHypothesisProto2 {}\n", ""),
    // Required fields: one made optional, one made required.
    (
        P2,
        "  required int64 required_int64 = 2;",
        "  optional int64 required_int64 = 2;",
    ),
    (
        P2,
        "  optional TestAllRequiredTypesProto2 optional_recursive_message = 28;",
        "  required TestAllRequiredTypesProto2 optional_recursive_message = 28;",
    ),
    // File and message options.
    (
        P2,
        "option java_package = \"com.google.protobuf_test_messages.proto2\";",
        "option java_package = \"com.example.proto2\";\noption go_package = \"example.com/proto2\";",
    ),
    (P2, "option objc_class_prefix = \"Proto2\";\n", ""),
    (
        P2,
        "option optimize_for = SPEED;",
        "option optimize_for = CODE_SIZE;",
    ),
    (
        P2,
        "option cc_enable_arenas = true;",
        "option cc_enable_arenas = false;\noption java_multiple_files = true;",
    ),
    (
        P2,
        "message ForeignMessageProto2 {",
        "message ForeignMessageProto2 {\n  option no_standard_descriptor_accessor = true;",
    ),
    // proto3: presence, enum renames and type changes.
    (
        P3,
        "  int32 optional_int32 = 1;",
        "  optional int32 optional_int32 = 1;",
    ),
    (P3, "  FOREIGN_BAR = 1;", "  FOREIGN_BAR_RENAMED = 1;"),
    (
        P3,
        "  int64 optional_int64 = 2;",
        "  sint64 optional_int64 = 2;",
    ),
    (
        P3,
        "  NestedEnum optional_nested_enum = 21;",
        "  ForeignEnum optional_nested_enum = 21;",
    ),
    (
        P3,
        "  repeated int32 repeated_int32 = 31;",
        "  repeated int32 repeated_int32 = 31 [packed = false];\n  reserved 999;",
    ),
    (
        P3,
        "message NullHypothesisProto3 {}\n",
        "message NullHypothesisProto3 {\n  reserved \"gone\";\n}\n",
    ),
    // Editions: services, features.
    (
        ED,
        "  rpc Foo(FooRequest) returns (FooResponse);",
        "  rpc Foo(stream FooRequest) returns (stream FooResponse) {\n    option idempotency_level = IDEMPOTENT;\n  }",
    ),
    (
        ED,
        "  rpc Bar(BarRequest) returns (BarResponse);",
        "  rpc Bar(FooRequest) returns (FooResponse);",
    ),
    (ED, "  option features.enum_type = OPEN;\n", ""),
    (
        ED,
        "  string optional_string = 14;",
        "  string optional_string = 14 [features.utf8_validation = VERIFY];",
    ),
    (
        ED,
        "message FooRequest {\n",
        "message FooRequest {\n  option features.json_format = LEGACY_BEST_EFFORT;\n",
    ),
    (
        ED,
        "  ForeignEnum required_enum = 1 [\n    features.field_presence = LEGACY_REQUIRED\n  ];",
        "  ForeignEnum required_enum = 1;",
    ),
    // More file options, a whole oneof, enum reserved ranges and names, enum JSON format.
    (
        P3,
        "option objc_class_prefix = \"Proto3\";",
        "option objc_class_prefix = \"Proto3\";\noption csharp_namespace = \"Example.Proto3\";\noption java_outer_classname = \"Outer\";\noption php_class_prefix = \"P3\";\noption php_metadata_namespace = \"Meta\\\\Proto3\";\noption php_namespace = \"Example\\\\Proto3\";\noption ruby_package = \"Example::Proto3\";\noption swift_prefix = \"P3\";\noption cc_generic_services = true;\noption java_generic_services = true;\noption py_generic_services = true;",
    ),
    (
        P2,
        "    oneof oneof_field {\n      int32 a = 1;\n      int32 b = 2;\n    }",
        "    optional int32 a = 1;\n    optional int32 b = 2;",
    ),
    (
        ED,
        "  UNKNOWN = 0;\n\n  reserved 2, 15, 9 to 11;\n\n  reserved bar, baz;",
        "  UNKNOWN = 0;\n\n  reserved 2, 9 to 10;\n\n  reserved bar;",
    ),
    (
        ED,
        "enum ForeignEnum {\n  FOREIGN_FOO = 4;",
        "enum ForeignEnum {\n  option features.json_format = LEGACY_BEST_EFFORT;\n  FOREIGN_FOO = 4;",
    ),
    // Files: syntax and package changed, services and files deleted.
    (
        "google/protobuf/unittest_empty.proto",
        "syntax = \"proto2\";",
        "syntax = \"proto3\";",
    ),
    (
        "google/protobuf/unittest_no_generic_services.proto",
        "package proto2_unittest.no_generic_services_test;",
        "package proto2_unittest.no_generic_services_test.v1beta1;",
    ),
    (
        "google/protobuf/compiler/cpp/test_bad_identifiers_proto2.proto",
        "service TestConflictingMethodNames {",
        "service TestConflictingMethodNamesRenamed {",
    ),
    (
        "google/protobuf/compiler/cpp/test_bad_identifiers_editions.proto",
        "  rpc Closure(",
        "  rpc ClosureRenamed(",
    ),
];

/// Files of the protobuf tree deleted from the current side.
pub const PROTOBUF_DELETED: &[&str] = &[
    "google/protobuf/compiler/cpp/test_large_enum_value.proto",
    "google/protobuf/bridge/message_set.proto",
];

/// Files of `grpc/src` left out of both trees (an import the tree does not have).
pub const GRPC_EXCLUDED: &[&str] = &["grpc/service_config/service_config.proto"];

/// The edits of the gRPC tree: services and RPCs above all, some in unstable packages.
pub const GRPC_EDITS: &[(&str, &str, &str)] = &[
    (
        "grpc/health/v1/health.proto",
        "rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse);",
        "rpc Watch(HealthCheckRequest) returns (HealthCheckResponse);",
    ),
    (
        "grpc/channelz/v1/channelz.proto",
        "  rpc GetSocket(GetSocketRequest) returns (GetSocketResponse);\n",
        "",
    ),
    (
        "grpc/channelz/v1/channelz.proto",
        "rpc GetServer(GetServerRequest)",
        "rpc GetServer(GetChannelRequest)",
    ),
    (
        "grpc/channelz/v1/channelz.proto",
        "rpc GetChannel(GetChannelRequest) returns (GetChannelResponse);",
        "rpc GetChannel(GetChannelRequest) returns (GetServerResponse) {\n    option idempotency_level = NO_SIDE_EFFECTS;\n  }",
    ),
    (
        "grpc/reflection/v1alpha/reflection.proto",
        "  string host = 1;\n",
        "",
    ),
    (
        "grpc/reflection/v1alpha/reflection.proto",
        "option java_package = \"io.grpc.reflection.v1alpha\";",
        "option java_package = \"io.grpc.reflection.v1alpha.renamed\";",
    ),
    (
        "grpc/lb/v1/load_balancer.proto",
        "    InitialLoadBalanceRequest initial_request = 1;",
        "    ClientStats initial_request = 1;",
    ),
    (
        "grpc/binlog/v1/binarylog.proto",
        "    EVENT_TYPE_CANCEL = 7;",
        "    EVENT_TYPE_CANCELLED = 7;",
    ),
    (
        "grpc/examples/helloworld.proto",
        "package helloworld;",
        "package helloworld.v2;",
    ),
    (
        "grpc/testing/benchmark_service.proto",
        "rpc StreamingFromClient(stream SimpleRequest)",
        "rpc StreamingFromClient(SimpleRequest)",
    ),
];
