//! The `Debug` form of generated messages: [`debug_message`] walks
//! [`visit_fields`](crate::Message::visit_fields) and prints each field under its protobuf
//! name (from [`FIELD_NAMES`](crate::Message::FIELD_NAMES)), like a derived `Debug`, except
//! that the unknown fields appear only when there are some and a set oneof member appears
//! under its own field name (an unset oneof prints nothing).

use core::cell::Cell;
use core::fmt::{self, Debug, DebugStruct, Formatter};

use super::{Codec, Visitor};
use crate::{Message, UnknownFields};

/// Writes `message` as `name { field: value, .. }`, honouring `{:#?}`; `name` is the Rust
/// type's name. Generated messages implement `Debug` with this.
pub fn debug_message<M: Message>(message: &M, name: &str, f: &mut Formatter<'_>) -> fmt::Result {
    let fields = M::FIELD_NAMES
        .split_once(": ")
        .map_or("", |(_, fields)| fields);
    let mut printer = Printer {
        out: f.debug_struct(name),
        names: Names::new(fields),
    };
    message.visit_fields(&mut printer);
    printer.out.finish()
}

/// The `name=number` pairs of `FIELD_NAMES`, looked up from where the last lookup ended
/// (fields are visited in number order, which is the order of the list).
struct Names<'a> {
    list: &'a str,
    cursor: usize,
}

impl<'a> Names<'a> {
    fn new(list: &'a str) -> Self {
        Names { list, cursor: 0 }
    }

    fn find(&mut self, number: u32) -> Option<&'a str> {
        let list = self.list;
        let (head, tail) = list.split_at(self.cursor.min(list.len()));
        for (offset, part) in [(head.len(), tail), (0, head)] {
            let mut at = offset;
            for pair in part.split(' ') {
                let end = at + pair.len() + 1;
                if let Some((name, n)) = pair.split_once('=')
                    && n.parse() == Ok(number)
                {
                    self.cursor = end.min(list.len());
                    return Some(name);
                }
                at = end;
            }
        }
        None
    }
}

struct Printer<'a, 'b, 'n> {
    out: DebugStruct<'a, 'b>,
    names: Names<'n>,
}

impl Printer<'_, '_, '_> {
    fn field(&mut self, number: u32, value: &dyn Debug) {
        match self.names.find(number) {
            Some(name) => self.out.field(name, value),
            None => self.out.field(&number.to_string(), value),
        };
    }
}

/// A value printed through its `Debug`, whose pieces are only iterable once (a map's
/// entries).
struct Once<I>(Cell<Option<I>>);

impl<'a, K: Debug + 'a, V: Debug + 'a, I: Iterator<Item = (&'a K, &'a V)>> Debug for Once<I> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        if let Some(entries) = self.0.take() {
            map.entries(entries);
        }
        map.finish()
    }
}

impl Visitor for Printer<'_, '_, '_> {
    fn implicit<C: Codec>(&mut self, number: u32, value: &C::Value) {
        self.field(number, value);
    }

    fn optional<C: Codec>(&mut self, number: u32, value: &Option<C::Value>) {
        self.field(number, value);
    }

    fn value<C: Codec>(&mut self, number: u32, value: &C::Value) {
        self.field(number, value);
    }

    fn repeated<C: Codec>(&mut self, number: u32, values: &[C::Value]) {
        self.field(number, &values);
    }

    fn packed<C: Codec>(&mut self, number: u32, values: &[C::Value]) {
        self.field(number, &values);
    }

    fn message<M: Message>(&mut self, number: u32, msg: &M) {
        self.field(number, msg);
    }

    fn group<M: Message>(&mut self, number: u32, msg: &M) {
        self.field(number, msg);
    }

    fn map<'a, K, V, I>(&mut self, number: u32, entries: I)
    where
        K: Codec,
        V: Codec,
        K::Value: 'a,
        V::Value: 'a,
        I: IntoIterator<Item = (&'a K::Value, &'a V::Value)>,
    {
        self.field(number, &Once(Cell::new(Some(entries.into_iter()))));
    }

    fn unknown(&mut self, fields: &UnknownFields) {
        if !fields.is_empty() {
            self.out.field("unknown_fields", fields);
        }
    }

    fn message_set(&mut self, fields: &UnknownFields) {
        self.unknown(fields);
    }

    fn optional_message<M: Message>(&mut self, number: u32, msg: Option<&M>) {
        self.field(number, &msg);
    }

    fn messages<M: Message>(&mut self, number: u32, msgs: &[M]) {
        self.field(number, &msgs);
    }

    fn optional_group<M: Message>(&mut self, number: u32, msg: Option<&M>) {
        self.field(number, &msg);
    }

    fn groups<M: Message>(&mut self, number: u32, msgs: &[M]) {
        self.field(number, &msgs);
    }
}

#[cfg(test)]
mod tests {
    use super::Names;

    #[test]
    fn names_are_found_in_any_order() {
        let mut names = Names::new("label=1 weight=2 next=12 raw=9");
        assert_eq!(names.find(1), Some("label"));
        assert_eq!(names.find(2), Some("weight"));
        assert_eq!(names.find(9), Some("raw"));
        assert_eq!(names.find(12), Some("next"));
        assert_eq!(names.find(1), Some("label"));
        assert_eq!(names.find(3), None);
        let mut empty = Names::new("");
        assert_eq!(empty.find(1), None);
    }
}
