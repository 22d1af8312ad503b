//! Stub: see lib.rs for this module's role.
#![allow(dead_code)]
