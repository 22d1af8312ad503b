//! Finding and loading `.proto` files. Stub: see lib.rs.
