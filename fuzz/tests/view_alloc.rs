//! Decoding a zero-copy view allocates nothing: a counting global allocator watches
//! `TestAllTypesProto3View::decode` on a message full of strings, bytes, repeated fields,
//! maps and nested messages, and walking every string, bytes and repeated value of the view.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::HashMap;

use protoforge::Message;
use protoforge_fuzz::views::proto3::{self, TestAllTypesProto3View};

/// The system allocator, counting the allocations of the current thread.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

#[allow(unsafe_code)] // A global allocator cannot be written without `unsafe`.
// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's contract is passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations `f` makes on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = f();
    (ALLOCATIONS.with(Cell::get) - before, out)
}

#[test]
fn decoding_a_view_allocates_nothing() {
    use proto3::test_all_types_proto3::{NestedMessage, OneofField};
    let message = proto3::TestAllTypesProto3 {
        optional_string: "a string of some length ".repeat(10),
        optional_bytes: vec![7; 300],
        optional_nested_message: Some(Box::new(NestedMessage {
            a: 1,
            corecursive: Some(Box::new(proto3::TestAllTypesProto3 {
                repeated_string: vec!["deep".into(); 3],
                ..Default::default()
            })),
            ..Default::default()
        })),
        recursive_message: Some(Box::new(proto3::TestAllTypesProto3 {
            optional_string: "inner".into(),
            ..Default::default()
        })),
        repeated_string: (0..100).map(|i| format!("string number {i}")).collect(),
        repeated_bytes: vec![vec![1, 2, 3]; 20],
        repeated_int32: (0..100).collect(),
        unpacked_int64: vec![1, 2, 3],
        repeated_nested_message: vec![NestedMessage::default(); 5],
        map_string_string: (0..20)
            .map(|i| (format!("k{i}"), format!("v{i}")))
            .collect(),
        map_int32_int32: HashMap::from([(1, 2)]),
        oneof_field: Some(OneofField::OneofString("oneof".into())),
        ..Default::default()
    };
    let bytes = message.encode_to_vec();
    let (count, view) = allocations(|| TestAllTypesProto3View::decode(&bytes));
    let view = view.unwrap();
    assert_eq!(count, 0, "decoding the view allocated");
    let (count, total) = allocations(|| {
        let mut total = view.optional_string.len() + view.optional_bytes.len();
        total += view.repeated_string.iter().map(str::len).sum::<usize>();
        total += view.repeated_bytes.iter().map(<[u8]>::len).sum::<usize>();
        total += view.repeated_int32.iter().count() + view.unpacked_int64.iter().count();
        total += view.repeated_nested_message.iter().count();
        total += view
            .map_string_string
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>();
        let nested = view.optional_nested_message.as_ref().map(|n| n.get().a);
        total += nested.unwrap_or_default() as usize;
        total += view
            .recursive_message
            .as_ref()
            .map_or(0, |r| r.get().optional_string.len());
        total
    });
    assert_eq!(count, 0, "walking the view allocated");
    assert!(total > 0);
    assert_eq!(view.to_owned_message(), message);
}
