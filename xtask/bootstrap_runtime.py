#!/usr/bin/env python3
"""Writes crates/protoforge/src/{descriptor,plugin}.rs from the bundled .proto files.

Stop-gap generator until `cargo xtask bootstrap` regenerates these files with protoforge's
own code generator. It runs the reference protoc (`python3 -m grpc_tools.protoc`) on
proto/google/protobuf/descriptor.proto and compiler/plugin.proto with source info, reads
the result with Python `protobuf`, and prints Rust that follows the conventions of
crates/protoforge/src/encoding.rs, formatted with `rustfmt --edition 2024`.

Usage: python3 xtask/bootstrap_runtime.py [--check]
With --check nothing is written: it exits 1 if the checked-in files differ from what it
would write (crates/protoforge/tests/bootstrap_fresh.rs runs this in CI).
"""

import os
import re
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROTO = os.path.join(ROOT, "proto")
OUT = os.path.join(ROOT, "crates", "protoforge", "src")

FDP = descriptor_pb2.FieldDescriptorProto
RUST_KEYWORDS = {
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
    "gen",
}

# Scalar type -> (encoding module, Rust type, borrowed accessor type, packable).
SCALARS = {
    FDP.TYPE_DOUBLE: ("double", "f64", "f64", True),
    FDP.TYPE_FLOAT: ("float", "f32", "f32", True),
    FDP.TYPE_INT64: ("int64", "i64", "i64", True),
    FDP.TYPE_UINT64: ("uint64", "u64", "u64", True),
    FDP.TYPE_INT32: ("int32", "i32", "i32", True),
    FDP.TYPE_FIXED64: ("fixed64", "u64", "u64", True),
    FDP.TYPE_FIXED32: ("fixed32", "u32", "u32", True),
    FDP.TYPE_BOOL: ("bool", "bool", "bool", True),
    FDP.TYPE_STRING: ("string", "::std::string::String", "&str", False),
    FDP.TYPE_BYTES: ("bytes", "::std::vec::Vec<u8>", "&[u8]", False),
    FDP.TYPE_UINT32: ("uint32", "u32", "u32", True),
    FDP.TYPE_SFIXED32: ("sfixed32", "i32", "i32", True),
    FDP.TYPE_SFIXED64: ("sfixed64", "i64", "i64", True),
    FDP.TYPE_SINT32: ("sint32", "i32", "i32", True),
    FDP.TYPE_SINT64: ("sint64", "i64", "i64", True),
}

# Proto package -> Rust module path inside the crate.
PACKAGES = {"google.protobuf": "crate::descriptor", "google.protobuf.compiler": "crate::plugin"}


def words(name):
    """Splits an identifier into words the way heck does (case changes, underscores)."""
    out = []
    for part in re.split(r"[_\W]+", name):
        out += re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+[a-z]*|[A-Z]+", part)
    # Digits stick to the word before them, as in heck ("Utf8", "Edition2023").
    merged = []
    for w in out:
        if merged and w[0].isdigit():
            merged[-1] += w
        else:
            merged.append(w)
    return merged


def camel(name):
    return "".join(w[0].upper() + w[1:].lower() for w in words(name))


def snake(name):
    return "_".join(w.lower() for w in words(name))


def screaming(name):
    return "_".join(w.upper() for w in words(name))


def ident(name):
    return "r#" + name if name in RUST_KEYWORDS else name


def variant_name(enum_name, value_name):
    prefix = screaming(enum_name) + "_"
    stripped = value_name[len(prefix):] if value_name.startswith(prefix) else value_name
    if not stripped or not (stripped[0].isalpha()):
        stripped = value_name
    return camel(stripped)


class Comments:
    def __init__(self, fd):
        self.by_path = {}
        for loc in fd.source_code_info.location:
            self.by_path[tuple(loc.path)] = loc

    def doc(self, path, fallback, indent=""):
        loc = self.by_path.get(tuple(path))
        text = ""
        if loc is not None:
            text = loc.leading_comments or loc.trailing_comments
        lines = text.rstrip().split("\n") if text.strip() else [fallback]
        lines = [l[1:] if l.startswith(" ") else l for l in lines]
        out = []
        in_code = False
        for line in lines:
            code = line.startswith("  ") or line.startswith("\t")
            if code and not in_code:
                out.append("```text")
                in_code = True
            elif in_code and not code and line.strip():
                out.append("```")
                in_code = False
            out.append(line.replace("\t", "    "))
        if in_code:
            while out and not out[-1].strip():
                out.pop()
            out.append("```")
        return "".join(f"{indent}///{(' ' + l) if l.strip() else ''}\n" for l in out)


class Gen:
    def __init__(self, files):
        self.files = {f.name: f for f in files}
        self.types = {}  # ".full.Name" -> (kind, rust path, proto)
        for f in files:
            base = PACKAGES[f.package]
            for m in f.message_type:
                self.index_message(f.package, base, m)
            for e in f.enum_type:
                self.types[f".{f.package}.{e.name}"] = ("enum", f"{base}::{camel(e.name)}", e)

    def index_message(self, scope, base, m):
        full = f"{scope}.{m.name}"
        self.types["." + full] = ("message", f"{base}::{camel(m.name)}", m)
        inner = f"{base}::{snake(m.name)}"
        for n in m.nested_type:
            self.index_message(full, inner, n)
        for e in m.enum_type:
            self.types[f".{full}.{e.name}"] = ("enum", f"{inner}::{camel(e.name)}", e)

    # ---- enums -------------------------------------------------------------------------

    def enum(self, e, comments, path, indent):
        name = camel(e.name)
        out = comments.doc(path, f"The `{e.name}` enum.", indent)
        out += f"{indent}#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]\n"
        out += f"{indent}#[repr(i32)]\npub enum {name} {{\n"
        seen = {}
        variants = []
        for i, v in enumerate(e.value):
            vn = variant_name(e.name, v.name)
            if v.number in seen:
                continue
            seen[v.number] = vn
            variants.append((vn, v))
            out += comments.doc(path + [2, i], f"`{v.name}`.", indent + "    ")
            if i == 0:
                out += "#[default]\n"
            out += f"{vn} = {v.number},\n"
        out += "}\n\n"
        out += f"impl {name} {{\n"
        out += "/// The value's name in the .proto file.\n"
        out += "pub fn as_str_name(&self) -> &'static str {\nmatch self {\n"
        for vn, v in variants:
            out += f"Self::{vn} => \"{v.name}\",\n"
        out += "}\n}\n\n"
        out += "/// The value with this name in the .proto file.\n"
        out += "pub fn from_str_name(value: &str) -> ::core::option::Option<Self> {\nmatch value {\n"
        for v in e.value:
            out += f"\"{v.name}\" => ::core::option::Option::Some(Self::{seen[v.number]}),\n"
        out += "_ => ::core::option::Option::None,\n}\n}\n}\n\n"
        out += f"impl ::core::convert::TryFrom<i32> for {name} {{\n"
        out += "type Error = crate::UnknownEnumValue;\n\n"
        out += "fn try_from(value: i32) -> ::core::result::Result<Self, crate::UnknownEnumValue> {\nmatch value {\n"
        for vn, v in variants:
            out += f"{v.number} => ::core::result::Result::Ok(Self::{vn}),\n"
        out += "_ => ::core::result::Result::Err(crate::UnknownEnumValue(value)),\n}\n}\n}\n\n"
        out += f"impl ::core::convert::From<{name}> for i32 {{\nfn from(value: {name}) -> i32 {{\nvalue as i32\n}}\n}}\n\n"
        out += f"impl crate::Enumeration for {name} {{\n"
        out += "fn from_i32(value: i32) -> ::core::option::Option<Self> {\nSelf::try_from(value).ok()\n}\n\n"
        out += "fn to_i32(self) -> i32 {\nself as i32\n}\n}\n\n"
        return out

    # ---- messages ----------------------------------------------------------------------

    def field_info(self, f):
        repeated = f.label == FDP.LABEL_REPEATED
        packed = repeated and f.options.packed
        if f.type in SCALARS:
            module, rust, borrowed, packable = SCALARS[f.type]
            return dict(kind="scalar", module=module, rust=rust, borrowed=borrowed,
                        repeated=repeated, packed=packed)
        kind, path, proto = self.types[f.type_name]
        if f.type == FDP.TYPE_ENUM:
            return dict(kind="enum", rust=path, repeated=repeated, packed=packed, proto=proto)
        assert f.type == FDP.TYPE_MESSAGE, f
        return dict(kind="message", rust=path, repeated=repeated, packed=False)

    def message(self, m, full, comments, path, indent=""):
        name = camel(m.name)
        out = comments.doc(path, f"The `{m.name}` message.", indent)
        out += "#[derive(Clone, PartialEq, Default, Debug)]\n"
        out += f"pub struct {name} {{\n"
        infos = []
        for i, f in enumerate(m.field):
            info = self.field_info(f)
            infos.append((f, info))
            rust = info["rust"]
            ty = f"::std::vec::Vec<{rust}>" if info["repeated"] else f"::core::option::Option<{rust}>"
            out += comments.doc(path + [2, i], f"Field `{f.name}` ({f.number}).", "    ")
            out += f"pub {ident(f.name)}: {ty},\n"
        out += "/// Fields this type does not know, extensions included; re-emitted on encode.\n"
        out += "pub unknown_fields: crate::UnknownFields,\n}\n\n"

        # Accessors for proto2 defaults.
        acc = ""
        for f, info in infos:
            if info["repeated"] or info["kind"] == "message":
                continue
            fid = ident(f.name)
            has_default = f.HasField("default_value")
            if info["kind"] == "enum":
                e = info["proto"]
                dv = f.default_value if has_default else e.value[0].name
                vn = variant_name(e.name, dv)
                acc += f"/// The value of `{f.name}`, or its default (`{dv}`) if unset.\n"
                acc += f"pub fn {fid}(&self) -> {info['rust']} {{\nself.{fid}.unwrap_or({info['rust']}::{vn})\n}}\n\n"
                continue
            module = info["module"]
            if module == "string":
                dv = f.default_value if has_default else ""
                lit = '"' + dv.replace("\\", "\\\\").replace('"', '\\"') + '"'
                acc += f"/// The value of `{f.name}`, or its default (`{lit}`) if unset.\n"
                acc += f"pub fn {fid}(&self) -> &str {{\nself.{fid}.as_deref().unwrap_or({lit})\n}}\n\n"
            elif module == "bytes":
                assert not has_default
                acc += f"/// The value of `{f.name}`, or empty if unset.\n"
                acc += f"pub fn {fid}(&self) -> &[u8] {{\nself.{fid}.as_deref().unwrap_or(b\"\")\n}}\n\n"
            else:
                rust = info["rust"]
                if module == "bool":
                    dv = f.default_value if has_default else "false"
                elif module in ("double", "float"):
                    dv = f.default_value if has_default else "0.0"
                    if "." not in dv:
                        dv += ".0"
                else:
                    dv = f.default_value if has_default else "0"
                acc += f"/// The value of `{f.name}`, or its default (`{dv}`) if unset.\n"
                acc += f"pub fn {fid}(&self) -> {rust} {{\nself.{fid}.unwrap_or({dv})\n}}\n\n"
        if acc:
            out += f"impl {name} {{\n{acc}}}\n\n"

        # Message impl.
        by_number = sorted(infos, key=lambda x: x[0].number)
        enc = ""
        lens = []
        merge = ""
        for f, info in by_number:
            fid = ident(f.name)
            n = f.number
            if info["kind"] == "scalar":
                mod = f"crate::encoding::{info['module']}"
            elif info["kind"] == "enum":
                mod = "crate::encoding::enumeration"
            else:
                mod = "crate::encoding::message"
            if info["repeated"]:
                suffix = "packed" if info["packed"] else "repeated"
                enc += f"{mod}::encode_{suffix}({n}, &self.{fid}, buf);\n"
                lens.append(f"{mod}::encoded_len_{suffix}({n}, &self.{fid})")
            else:
                enc += f"if let ::core::option::Option::Some(value) = &self.{fid} {{\n{mod}::encode({n}, value, buf);\n}}\n"
                lens.append(f"self.{fid}.as_ref().map_or(0, |value| {mod}::encoded_len({n}, value))")
            err = f'.map_err(|error| error.push(NAME, "{f.name}"))'
            if info["kind"] == "enum":
                fn = "merge_closed_repeated" if info["repeated"] else "merge_closed"
                merge += (f"{n} => {mod}::{fn}(number, wire_type, &mut self.{fid}, buf, ctx, "
                          f"&mut self.unknown_fields){err},\n")
            elif info["repeated"]:
                merge += f"{n} => {mod}::merge_repeated(wire_type, &mut self.{fid}, buf, ctx){err},\n"
            else:
                merge += (f"{n} => {mod}::merge(wire_type, self.{fid}.get_or_insert_default(), "
                          f"buf, ctx){err},\n")
        enc += "self.unknown_fields.encode_raw(buf);\n"
        lens.append("self.unknown_fields.encoded_len()")
        clear = ""
        for f, info in infos:
            fid = ident(f.name)
            clear += f"self.{fid}.clear();\n" if info["repeated"] else f"self.{fid} = ::core::option::Option::None;\n"
        clear += "self.unknown_fields.clear();\n"

        out += f"impl crate::Message for {name} {{\n"
        out += f"fn encode_raw(&self, buf: &mut impl ::bytes::BufMut) {{\n{enc}}}\n\n"
        out += ("fn merge_field(&mut self, number: u32, wire_type: crate::encoding::WireType, "
                "buf: &mut impl ::bytes::Buf, ctx: crate::encoding::DecodeContext) "
                "-> ::core::result::Result<(), crate::DecodeError> {\n")
        if infos:
            out += f"const NAME: &str = \"{m.name}\";\n"
            out += f"match number {{\n{merge}_ => self.unknown_fields.merge_field(number, wire_type, buf, ctx),\n}}\n}}\n\n"
        else:
            out += "self.unknown_fields.merge_field(number, wire_type, buf, ctx)\n}\n\n"
        out += "fn encoded_len(&self) -> usize {\n" + "\n+ ".join(lens) + "\n}\n\n"
        out += f"fn clear(&mut self) {{\n{clear}}}\n}}\n\n"

        if m.extension_range:
            out += f"impl crate::Extendable for {name} {{\n"
            out += f"const FULL_NAME: &'static str = \"{full}\";\n\n"
            out += "fn extension_fields(&self) -> &crate::UnknownFields {\n&self.unknown_fields\n}\n\n"
            out += "fn extension_fields_mut(&mut self) -> &mut crate::UnknownFields {\n&mut self.unknown_fields\n}\n}\n\n"

        if m.nested_type or m.enum_type:
            mod_name = snake(m.name)
            out += f"/// Nested types of [`{name}`].\npub mod {mod_name} {{\n"
            for i, n in enumerate(m.nested_type):
                out += self.message(n, f"{full}.{n.name}", comments, path + [3, i])
            for i, e in enumerate(m.enum_type):
                out += self.enum(e, comments, path + [4, i], "")
            out += "}\n\n"
        return out

    def file(self, fd, header):
        comments = Comments(fd)
        out = header
        for i, m in enumerate(fd.message_type):
            out += self.message(m, f"{fd.package}.{m.name}", comments, [4, i])
        for i, e in enumerate(fd.enum_type):
            out += self.enum(e, comments, [5, i], "")
        return out


HEADER = """//! {what}
//!
//! @generated by `xtask/bootstrap_runtime.py` from `proto/{src}`.
//! Do not edit by hand: `cargo xtask bootstrap` will regenerate it with protoforge's own
//! code generator.

"""


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "set.pb")
        subprocess.run(
            [sys.executable, "-m", "grpc_tools.protoc", f"-I{PROTO}", "--include_source_info",
             f"--descriptor_set_out={out}", "google/protobuf/descriptor.proto",
             "google/protobuf/compiler/plugin.proto"],
            check=True,
        )
        fds = descriptor_pb2.FileDescriptorSet()
        with open(out, "rb") as f:
            fds.ParseFromString(f.read())
    check = "--check" in sys.argv[1:]
    gen = Gen(list(fds.file))
    jobs = [
        ("google/protobuf/descriptor.proto", "descriptor.rs",
         "The types of `google/protobuf/descriptor.proto`: the descriptors protoc and protoforge\n"
         "//! produce, and the options they carry."),
        ("google/protobuf/compiler/plugin.proto", "plugin.rs",
         "The types of `google/protobuf/compiler/plugin.proto`: the request a code generator\n"
         "//! plugin receives and the response it sends back."),
    ]
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for src, dst, what in jobs:
            path = os.path.join(tmp, dst)
            with open(path, "w") as f:
                f.write(gen.file(gen.files[src], HEADER.format(what=what, src=src)))
            subprocess.run(["rustfmt", "--edition", "2024", path], check=True)
            with open(path) as f:
                text = f.read()
            target = os.path.join(OUT, dst)
            current = open(target).read() if os.path.exists(target) else None
            if current == text:
                continue
            if check:
                stale.append(target)
            else:
                with open(target, "w") as f:
                    f.write(text)
    if stale:
        print("stale generated files (run python3 xtask/bootstrap_runtime.py):", *stale,
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
