//! The schema as seen from the file being compiled ([`PoolLookup`]): the pool's messages, enums
//! and extensions, with the built-in `descriptor.proto` for what the pool lacks, behind the
//! [`Lookup`] trait. Answers are memoized per lookup; those that cannot change from one file to
//! the next (fields of messages and extensions defined in other, finished files) are kept
//! across files in a [`SharedFields`], and the built-in schema's fields once per thread.

use std::cell::RefCell;
use std::rc::Rc;

use protoforge::descriptor::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    field_descriptor_proto::{Label, Type},
    field_options::OptionRetention,
};

use super::schema::{FieldInfo, Kind, Lookup, ScalarType};
use crate::builtin;
use crate::features;
use crate::span_map::NameMap;
use crate::symbols::{Pool, SymbolKind, join};
use crate::tag;

/// Field numbers of the `FeatureSet` extensions compiled into protoc 35.1 (`pb.cpp`, `pb.java`,
/// `pb.go`): protoc merges repeated settings of these into one message even with
/// `--retain_options`, while other feature extensions stay separate unknown records.
const LINKED_FEATURE_EXTENSIONS: [u32; 3] = [1000, 1001, 1002];

const FEATURE_SET: &str = "google.protobuf.FeatureSet";

/// The schema as seen from the file being compiled: the pool's messages, enums and
/// extensions, with the built-in `descriptor.proto` for what the pool lacks.
///
/// Answers are memoized for the lookup's lifetime (the file it reads does not change
/// meanwhile): the same few options and extensions are looked up for most elements of a file.
pub(super) struct PoolLookup<'a> {
    pool: &'a Pool,
    file: &'a FileDescriptorProto,
    file_name: &'a str,
    cache: RefCell<LookupCache>,
    /// Field infos kept from one file to the next of a build (see [`SharedFields`]).
    pub(super) shared: Option<&'a SharedFields>,
}

/// Field infos of messages that stay the same from one file's option interpretation to the
/// next within a build, so each file's [`PoolLookup`] does not build them again (e.g. the
/// fields of `google.api.HttpRule` under `(google.api.http)`, or of `FieldOptions`).
///
/// Between files the pool only grows: a message defined in a file other than the one being
/// compiled is final (its file is built and stays as it is), and so are its fields (not the
/// extensions of a message, which later files may add: those are not kept per message) and
/// the extensions such a file defines. A message not in the pool is the built-in
/// `descriptor.proto`'s, until a file defining it is built: each entry remembers the file it
/// was read from and is dropped when the pool names another one.
#[derive(Default)]
pub(crate) struct SharedFields {
    messages: RefCell<NameMap<String, SharedMessage>>,
    /// Extensions by full name, with the file defining them.
    extensions: RefCell<NameMap<String, (String, MaybeField)>>,
}

/// Memoized fields of a [`SharedMessage`], by number or name.
type SharedList<K> = Vec<(K, MaybeField)>;

impl SharedFields {
    /// Forgets everything (the next lookups may read another build's pool).
    pub(crate) fn clear(&self) {
        self.messages.borrow_mut().clear();
        self.extensions.borrow_mut().clear();
    }
}

/// The memoized fields of one message in [`SharedFields`].
#[derive(Default)]
struct SharedMessage {
    /// The file defining the message (empty for the built-in `descriptor.proto`).
    file: String,
    by_number: SharedList<u32>,
    by_name: SharedList<String>,
}

/// A memoized field lookup: the field, or that there is none.
type MaybeField = Option<Rc<FieldInfo>>;

/// Memoized answers keyed by a name and, under it, by a second key: a short list searched in
/// order (a message's fields by number or name, a scope's extensions by name).
type Memo<K, V> = NameMap<String, Vec<(K, V)>>;

/// What [`PoolLookup::resolve_extension`] answers.
type ResolvedExtension = Result<Rc<FieldInfo>, Option<String>>;

/// The memoized answers of a [`PoolLookup`].
#[derive(Default)]
struct LookupCache {
    /// [`PoolLookup::field_rc`] (fields and known extensions) per message and number.
    by_number: Memo<u32, MaybeField>,
    /// [`PoolLookup::generated_field`] per message and number.
    generated: Memo<u32, MaybeField>,
    /// [`PoolLookup::field_by_name_rc`] per message and name.
    by_name: Memo<String, MaybeField>,
    /// [`PoolLookup::extension_info`] per full name.
    extensions: NameMap<String, Option<Rc<FieldInfo>>>,
    /// [`PoolLookup::visible_symbol`] per full name (of symbols in the pool).
    visible: NameMap<String, Option<(SymbolKind, String)>>,
    /// [`PoolLookup::resolve_in`] per scope searched first and name.
    resolved: Memo<String, ResolvedExtension>,
    /// [`Lookup::enum_value`] per enum and value name.
    enum_values: Memo<String, Option<i32>>,
    /// [`Lookup::is_message_set`] per message.
    message_sets: NameMap<String, bool>,
}

/// Where a descriptor lives: its file and path, or the built-in `descriptor.proto`.
type Location<'a> = Option<(&'a FileDescriptorProto, Vec<i32>)>;

impl<'a> PoolLookup<'a> {
    pub(super) fn new(pool: &'a Pool, file: &'a FileDescriptorProto, file_name: &'a str) -> Self {
        PoolLookup {
            pool,
            file,
            file_name,
            cache: RefCell::default(),
            shared: None,
        }
    }

    /// The field (not extension) of `message` that `pick` selects, known by `key` in the
    /// list `list` of the shared cache when `message` is defined outside the file being
    /// compiled.
    fn shared_field<K>(
        &self,
        message: &str,
        list: fn(&mut SharedMessage) -> &mut SharedList<K::Owned>,
        key: &K,
        pick: impl Fn(&FieldDescriptorProto) -> bool,
    ) -> MaybeField
    where
        K: ToOwned + PartialEq + ?Sized,
        K::Owned: std::borrow::Borrow<K>,
    {
        use std::borrow::Borrow as _;
        let compute = || self.message_field(message, &pick).map(Rc::new);
        let Some(shared) = self.shared else {
            return compute();
        };
        let file = match self.pool.lookup(message) {
            Some(symbol) if symbol.file == self.file_name => return compute(),
            Some(symbol) => symbol.file,
            None => "",
        };
        if let Some(entry) = shared.messages.borrow_mut().get_mut(message)
            && entry.file == file
            && let Some((_, hit)) = list(entry).iter().find(|(k, _)| k.borrow() == key)
        {
            return hit.clone();
        }
        let found = compute();
        let mut messages = shared.messages.borrow_mut();
        let entry = match messages.get_mut(message) {
            Some(entry) => entry,
            None => messages.entry(message.to_string()).or_default(),
        };
        if entry.file != file {
            *entry = SharedMessage {
                file: file.to_string(),
                ..SharedMessage::default()
            };
        }
        list(entry).push((key.to_owned(), found.clone()));
        found
    }

    /// The memoized answer in `pick(cache)` for `outer` and `inner`, computing (outside any
    /// borrow of the cache, as computing may look up more) and recording it on a miss.
    fn memoized<K, V>(
        &self,
        pick: fn(&mut LookupCache) -> &mut Memo<K::Owned, V>,
        outer: &str,
        inner: &K,
        compute: impl FnOnce() -> V,
    ) -> V
    where
        K: ToOwned + PartialEq + ?Sized,
        K::Owned: std::borrow::Borrow<K>,
        V: Clone,
    {
        use std::borrow::Borrow as _;
        {
            let mut cache = self.cache.borrow_mut();
            if let Some((_, hit)) = pick(&mut cache)
                .get(outer)
                .and_then(|list| list.iter().find(|(k, _)| k.borrow() == inner))
            {
                return hit.clone();
            }
        }
        let found = compute();
        let mut cache = self.cache.borrow_mut();
        let map = pick(&mut cache);
        let entry = (inner.to_owned(), found.clone());
        match map.get_mut(outer) {
            Some(list) => list.push(entry),
            None => {
                map.insert(outer.to_string(), vec![entry]);
            }
        }
        found
    }

    /// The memoized answer in `pick(cache)` for `key`, computed and recorded on a miss.
    fn memoized_by_name<V: Clone>(
        &self,
        pick: fn(&mut LookupCache) -> &mut NameMap<String, V>,
        key: &str,
        compute: impl FnOnce() -> V,
    ) -> V {
        if let Some(hit) = pick(&mut self.cache.borrow_mut()).get(key) {
            return hit.clone();
        }
        let found = compute();
        pick(&mut self.cache.borrow_mut()).insert(key.to_string(), found.clone());
        found
    }

    /// The field or known extension numbered `number` of `message`.
    pub(super) fn field_rc(&self, message: &str, number: u32) -> Option<Rc<FieldInfo>> {
        self.memoized(
            |c| &mut c.by_number,
            message,
            &number,
            || {
                self.shared_field(
                    message,
                    |m| &mut m.by_number,
                    &number,
                    |f| f.number == Some(number as i32),
                )
                .or_else(|| {
                    let (name, _) = self
                        .pool
                        .extensions_of(message)
                        .find(|(_, f)| f.number == Some(number as i32))?;
                    self.extension_info(name)
                })
            },
        )
    }

    /// The field (not extension) named `name` of `message`.
    pub(super) fn field_by_name_rc(&self, message: &str, name: &str) -> Option<Rc<FieldInfo>> {
        self.memoized(
            |c| &mut c.by_name,
            message,
            name,
            || {
                self.shared_field(
                    message,
                    |m| &mut m.by_name,
                    name,
                    |f| f.name.as_deref() == Some(name),
                )
            },
        )
    }

    /// The file and path of symbol `name`; symbols of the file being compiled are read from
    /// its current state (with the options interpreted so far), not from the pool's copy.
    fn locate(&self, name: &str) -> Option<(&'a FileDescriptorProto, Vec<i32>)> {
        let symbol = self.pool.lookup(name)?;
        let file = if symbol.file == self.file_name {
            self.file
        } else {
            self.pool.file(symbol.file)?
        };
        Some((file, symbol.path.to_vec()))
    }

    fn message(&self, name: &str) -> Option<(&'a DescriptorProto, Location<'a>)> {
        if let Some((file, path)) = self.locate(name)
            && let Some(m) = crate::symbols::message_at(file, &path)
        {
            return Some((m, Some((file, path))));
        }
        builtin::message(name).map(|m| (m, None))
    }

    pub(super) fn enum_desc(&self, name: &str) -> Option<(&'a EnumDescriptorProto, Location<'a>)> {
        if let Some((file, path)) = self.locate(name)
            && let Some(e) = crate::symbols::enum_at(file, &path)
        {
            return Some((e, Some((file, path))));
        }
        builtin::enum_type(name).map(|e| (e, None))
    }

    fn info(
        &self,
        field: &FieldDescriptorProto,
        containing: &str,
        full_name: String,
        is_extension: bool,
        oneof: Option<String>,
        loc: Location<'_>,
    ) -> Option<FieldInfo> {
        let type_name = field
            .type_name
            .as_deref()
            .unwrap_or("")
            .trim_start_matches('.')
            .to_string();
        let kind = match field.r#type? {
            Type::Double => Kind::Scalar(ScalarType::Double),
            Type::Float => Kind::Scalar(ScalarType::Float),
            Type::Int64 => Kind::Scalar(ScalarType::Int64),
            Type::Uint64 => Kind::Scalar(ScalarType::Uint64),
            Type::Int32 => Kind::Scalar(ScalarType::Int32),
            Type::Fixed64 => Kind::Scalar(ScalarType::Fixed64),
            Type::Fixed32 => Kind::Scalar(ScalarType::Fixed32),
            Type::Bool => Kind::Scalar(ScalarType::Bool),
            Type::String => Kind::Scalar(ScalarType::String),
            Type::Group => Kind::Group(type_name),
            Type::Message => Kind::Message(type_name),
            Type::Bytes => Kind::Scalar(ScalarType::Bytes),
            Type::Uint32 => Kind::Scalar(ScalarType::Uint32),
            Type::Enum => Kind::Enum(type_name),
            Type::Sfixed32 => Kind::Scalar(ScalarType::Sfixed32),
            Type::Sfixed64 => Kind::Scalar(ScalarType::Sfixed64),
            Type::Sint32 => Kind::Scalar(ScalarType::Sint32),
            Type::Sint64 => Kind::Scalar(ScalarType::Sint64),
        };
        let repeated = field.label == Some(Label::Repeated);
        let (packed, implicit_presence, file) = match &loc {
            Some((file, path)) => {
                let resolved = features::resolve_at(file, path);
                let packed = kind.is_packable() && resolved.packed;
                let implicit = resolved.presence == features::Presence::Implicit
                    && !repeated
                    && kind.message_type().is_none()
                    && !is_extension
                    && field.oneof_index.is_none()
                    && field.proto3_optional != Some(true);
                (packed, implicit, file.name.clone().unwrap_or_default())
            }
            None => (
                field.options.as_ref().and_then(|o| o.packed) == Some(true),
                false,
                "google/protobuf/descriptor.proto".to_string(),
            ),
        };
        Some(FieldInfo {
            name: field.name.clone().unwrap_or_default(),
            full_name,
            number: u32::try_from(field.number?).ok()?,
            repeated,
            kind,
            packed,
            implicit_presence,
            oneof,
            is_extension,
            containing_type: containing.to_string(),
            file,
            source_retention: field.options.as_ref().and_then(|o| o.retention)
                == Some(OptionRetention::RetentionSource),
            targets: field
                .options
                .as_ref()
                .map(|o| o.targets.iter().map(|t| *t as i32).collect())
                .unwrap_or_default(),
            feature_support: field
                .options
                .as_ref()
                .and_then(|o| o.feature_support.clone()),
        })
    }

    fn message_field(
        &self,
        message: &str,
        pick: impl Fn(&FieldDescriptorProto) -> bool,
    ) -> Option<FieldInfo> {
        let (msg, loc) = self.message(message)?;
        let (index, field) = msg.field.iter().enumerate().find(|(_, f)| pick(f))?;
        let oneof = field
            .oneof_index
            .and_then(|i| msg.oneof_decl.get(usize::try_from(i).ok()?))
            .and_then(|o| o.name.clone());
        let loc = loc.map(|(file, mut path)| {
            path.extend([tag::message::FIELD, index as i32]);
            (file, path)
        });
        let full = format!("{message}.{}", field.name.as_deref().unwrap_or(""));
        self.info(field, message, full, false, oneof, loc)
    }

    /// The extension `full_name`.
    fn extension_info(&self, full_name: &str) -> Option<Rc<FieldInfo>> {
        self.memoized_by_name(
            |c| &mut c.extensions,
            full_name,
            || self.shared_extension(full_name),
        )
    }

    /// The extension `full_name`, from the shared cache when it is defined outside the file
    /// being compiled.
    fn shared_extension(&self, full_name: &str) -> MaybeField {
        let compute = || self.extension_info_uncached(full_name).map(Rc::new);
        let Some(shared) = self.shared else {
            return compute();
        };
        let file = match self.pool.lookup(full_name) {
            Some(symbol) if symbol.file != self.file_name => symbol.file,
            _ => return compute(),
        };
        if let Some((defined_in, hit)) = shared.extensions.borrow().get(full_name)
            && defined_in == file
        {
            return hit.clone();
        }
        let found = compute();
        shared
            .extensions
            .borrow_mut()
            .insert(full_name.to_string(), (file.to_string(), found.clone()));
        found
    }

    fn extension_info_uncached(&self, full_name: &str) -> Option<FieldInfo> {
        if self.pool.lookup(full_name)?.kind != SymbolKind::Extension {
            return None;
        }
        let (file, path) = self.locate(full_name)?;
        let field = crate::symbols::field_at(file, &path)?;
        let loc = Some((file, path));
        let extendee = field
            .extendee
            .as_deref()
            .unwrap_or("")
            .trim_start_matches('.')
            .to_string();
        self.info(field, &extendee, full_name.to_string(), true, None, loc)
    }

    /// protoc's `LookupSymbol(name, relative_to)` for an option name part: `Err(Some(x))` when
    /// the first component matched in an inner scope and `x` does not exist.
    ///
    /// Scopes are searched from the innermost outwards and the first component decides, like
    /// type names; symbols count when their file is visible from the file being compiled,
    /// through ordinary imports or `import option`.
    pub(super) fn resolve_extension(&self, relative_to: &str, name: &str) -> ResolvedExtension {
        if let Some(absolute) = name.strip_prefix('.') {
            return self.extension_symbol(self.visible_symbol(absolute).ok_or(None)?);
        }
        // The search starts in the scope around `relative_to`.
        self.resolve_in(relative_to.rsplit_once('.').map(|(scope, _)| scope), name)
    }

    /// [`PoolLookup::resolve_extension`] of the relative `name`, searched in `scope` and then
    /// the scopes around it (`None`: past the outermost one, where only `name` itself is
    /// left). Answers are memoized per scope, so a new scope costs one lookup before the
    /// search meets a scope already searched.
    fn resolve_in(&self, scope: Option<&str>, name: &str) -> ResolvedExtension {
        let Some(scope) = scope else {
            return self.extension_symbol(self.visible_symbol(name).ok_or(None)?);
        };
        self.memoized(
            |c| &mut c.resolved,
            scope,
            name,
            || {
                let first = name.split('.').next().unwrap_or(name);
                let outer = scope.rsplit_once('.').map(|(outer, _)| outer);
                match self.visible_symbol(&join(scope, first)) {
                    // A plain name: the symbol found is the answer.
                    Some(found) if first.len() == name.len() => self.extension_symbol(found),
                    // A compound name whose first component is an aggregate here: the rest
                    // must be inside it.
                    Some((kind, _)) if kind.is_aggregate() => {
                        let full = join(scope, name);
                        self.extension_symbol(self.visible_symbol(&full).ok_or(Some(full))?)
                    }
                    _ => self.resolve_in(outer, name),
                }
            },
        )
    }

    /// The extension a resolved symbol names, if it is one.
    fn extension_symbol(&self, (kind, full_name): (SymbolKind, String)) -> ResolvedExtension {
        match kind {
            SymbolKind::Extension => self.extension_info(&full_name).ok_or(None),
            _ => Err(None),
        }
    }

    /// The symbol `full_name` if the file being compiled may use it in an option.
    fn visible_symbol(&self, full_name: &str) -> Option<(SymbolKind, String)> {
        if let Some(hit) = self.cache.borrow().visible.get(full_name) {
            return hit.clone();
        }
        // Names that are no symbol at all (most candidates of a scope search) are not worth
        // remembering: the pool answers them as fast.
        self.pool.lookup(full_name)?;
        let found = self.visible_symbol_uncached(full_name);
        self.cache
            .borrow_mut()
            .visible
            .insert(full_name.to_string(), found.clone());
        found
    }

    fn visible_symbol_uncached(&self, full_name: &str) -> Option<(SymbolKind, String)> {
        let symbol = self.pool.lookup(full_name)?;
        let visible = |f: &str| {
            f == self.file_name
                || self.pool.is_visible(self.file_name, f)
                || self
                    .file
                    .option_dependency
                    .iter()
                    .any(|d| d == f || self.pool.is_visible(d, f))
        };
        let ok = if symbol.kind == SymbolKind::Package {
            let prefix = format!("{full_name}.");
            self.pool.files().iter().any(|f| {
                let package = f.package.as_deref().unwrap_or("");
                (package == full_name || package.starts_with(&prefix))
                    && visible(f.name.as_deref().unwrap_or(""))
            })
        } else {
            visible(symbol.file)
        };
        if ok {
            self.pool.note_use(symbol.file);
        }
        ok.then(|| (symbol.kind, symbol.full_name.to_string()))
    }

    /// The field numbered `number` of `message` as protoc's compiled-in C++ classes know it.
    pub(super) fn generated_field(&self, message: &str, number: u32) -> Option<Rc<FieldInfo>> {
        self.memoized(
            |c| &mut c.generated,
            message,
            &number,
            || self.generated_field_uncached(message, number),
        )
    }

    fn generated_field_uncached(&self, message: &str, number: u32) -> Option<Rc<FieldInfo>> {
        if builtin::message(message).is_some() {
            if message == FEATURE_SET && LINKED_FEATURE_EXTENSIONS.contains(&number) {
                return self
                    .pool
                    .extensions_of(FEATURE_SET)
                    .find(|(_, f)| f.number == Some(number as i32))
                    .and_then(|(name, _)| self.extension_info(name));
            }
            return builtin_field(message, number, |msg| {
                let field = msg.field.iter().find(|f| f.number == Some(number as i32))?;
                let full = format!("{message}.{}", field.name.as_deref().unwrap_or(""));
                self.info(field, message, full, false, None, None)
                    .map(Rc::new)
            });
        }
        self.message_field(message, |f| f.number == Some(number as i32))
            .map(Rc::new)
    }

    pub(super) fn is_sibling_enum_value(&self, enum_name: &str, value: &str) -> bool {
        let scope = enum_name.rsplit_once('.').map_or("", |(s, _)| s);
        let sibling = if scope.is_empty() {
            value.to_string()
        } else {
            format!("{scope}.{value}")
        };
        self.pool
            .lookup(&sibling)
            .is_some_and(|s| s.kind == SymbolKind::EnumValue)
    }
}

thread_local! {
    /// [`builtin_field`]'s answers, by message (its address) and number.
    static BUILTIN_FIELDS: RefCell<NameMap<(usize, u32), MaybeField>> = RefCell::default();
}

/// The field numbered `number` of the built-in `descriptor.proto` message `message` (which
/// exists), made by `make` from the message the first time on this thread: the built-in
/// schema never changes, so its field infos are shared by every lookup.
fn builtin_field(
    message: &str,
    number: u32,
    make: impl FnOnce(&'static DescriptorProto) -> MaybeField,
) -> MaybeField {
    let msg = builtin::message(message)?;
    let key = (std::ptr::from_ref(msg) as usize, number);
    if let Some(hit) = BUILTIN_FIELDS.with_borrow(|fields| fields.get(&key).cloned()) {
        return hit;
    }
    let found = make(msg);
    BUILTIN_FIELDS.with_borrow_mut(|fields| fields.insert(key, found.clone()));
    found
}

impl Lookup for PoolLookup<'_> {
    fn field_by_name(&self, message: &str, name: &str) -> Option<Rc<FieldInfo>> {
        self.field_by_name_rc(message, name)
    }

    fn field_by_number(&self, message: &str, number: u32) -> Option<Rc<FieldInfo>> {
        self.field_rc(message, number)
    }

    fn extension(&self, scope: &str, name: &str) -> Option<Rc<FieldInfo>> {
        // Text format resolves `[name]` like protoc's `LookupSymbol(name, message full name)`.
        self.resolve_extension(scope, name).ok()
    }

    fn has_message(&self, name: &str) -> bool {
        self.message(name).is_some()
    }

    fn enum_value(&self, enum_name: &str, value: &str) -> Option<i32> {
        self.memoized(
            |c| &mut c.enum_values,
            enum_name,
            value,
            || {
                let (e, _) = self.enum_desc(enum_name)?;
                e.value
                    .iter()
                    .find(|v| v.name.as_deref() == Some(value))?
                    .number
            },
        )
    }

    fn enum_has_number(&self, enum_name: &str, number: i32) -> bool {
        self.enum_desc(enum_name)
            .is_some_and(|(e, _)| e.value.iter().any(|v| v.number == Some(number)))
    }

    fn is_message_set(&self, message: &str) -> bool {
        self.memoized_by_name(
            |c| &mut c.message_sets,
            message,
            || {
                self.message(message).is_some_and(|(m, _)| {
                    m.options.as_ref().and_then(|o| o.message_set_wire_format) == Some(true)
                })
            },
        )
    }

    fn enum_is_closed(&self, enum_name: &str) -> bool {
        match self.enum_desc(enum_name) {
            Some((_, Some((file, path)))) => features::resolve_at(file, &path).closed_enum,
            _ => true,
        }
    }
}
