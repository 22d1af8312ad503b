//! The well-known types of `google/protobuf/*.proto` with the conversions users expect.
