//! The UI's TypeScript contract, generated from the Rust types (issue 14).
//!
//! Every type that crosses the IPC boundary derives [`ts_rs::TS`] (named as the UI names it,
//! serde attributes honoured). [`roots`] lists the types the commands take and return;
//! [`Contract::collect`] gathers each one's declaration and those of every type it uses, and
//! [`render`] writes them as one file, `ui/src/lib/generated/types.ts`, which
//! `ui/src/lib/types.ts` re-exports. The test `contract_is_current` fails when the checked-in
//! file is not what the Rust types say; `ANSINH_BLESS=1 cargo test -p ansinh-api contract`
//! rewrites it.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use ts_rs::{Config, TS, TypeVisitor};

/// The generated file, from the workspace root.
pub const GENERATED_FILE: &str = "ui/src/lib/generated/types.ts";

/// The first line of the generated file.
pub const HEADER: &str = "// Generated from the Rust types by `crates/api/src/contract.rs`; do not edit. \
     Regenerate with `ANSINH_BLESS=1 cargo test -p ansinh-api contract`";

/// Types the generated declarations name that are still written by hand in `ui/src/lib/types.ts`
/// (defined in files other people are changing now: `crates/core/src/error.rs`); the generated
/// file imports those it uses from there.
const HAND_WRITTEN: &[&str] = &["FieldError"];

/// How the contract is rendered: 64-bit integers as `number` (every one the app sends fits in
/// 2^53; a u64 that may not, the verification seed, crosses as text).
pub fn config() -> Config {
    Config::new().with_large_int("number")
}

/// The declarations gathered so far: TypeScript name → `export type …;` (with its doc comment).
pub struct Contract {
    cfg: Config,
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, String>,
}

impl Default for Contract {
    fn default() -> Self {
        Contract { cfg: config(), seen: HashSet::new(), decls: BTreeMap::new() }
    }
}

impl Contract {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `T`'s declaration (if it has one: not for `String`, `Vec<_>`, …) and, recursively,
    /// those of the types it uses.
    ///
    /// # Panics
    /// When two different declarations would have the same TypeScript name.
    pub fn collect<T: TS + 'static + ?Sized>(&mut self) -> &mut Self {
        self.visit::<T>();
        self
    }

    /// The declarations by name (sorted: the rendering is deterministic).
    pub fn decls(&self) -> &BTreeMap<String, String> {
        &self.decls
    }

    pub fn into_decls(self) -> BTreeMap<String, String> {
        self.decls
    }
}

impl TypeVisitor for Contract {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        // Only named types have an output path (and a declaration); generic instances of one
        // type (`Page<A>`, `Page<B>`) share the generic declaration.
        if T::output_path().is_some() {
            let name = T::ident(&self.cfg);
            let decl = T::decl(&self.cfg);
            assert!(decl.starts_with("type "), "{name}: not a type alias: {decl}");
            let decl = format!("{}export {decl}", T::docs().unwrap_or_default());
            if let Some(other) = self.decls.get(&name) {
                assert_eq!(other, &decl, "two Rust types are called {name} in TypeScript");
            }
            self.decls.insert(name, decl);
        }
        T::visit_dependencies(self);
        // `Vec<T>`, `Option<T>`, `Page<T>`: their type arguments are declared too.
        T::visit_generics(self);
    }
}

/// The types the commands take and return, and every type they use: read from the command
/// registry (each command's `collect`), so a new command's types come along by themselves.
pub fn roots() -> Contract {
    let mut c = Contract::new();
    for spec in crate::commands::specs() {
        (spec.collect)(&mut c);
    }
    // Named in the UI beside the commands' own types (lists of choices the forms offer).
    c.collect::<ansinh_core::model::WithdrawalPlace>()
        .collect::<ansinh_core::model::Problem>()
        .collect::<ansinh_core::model::AccountStatus>()
        .collect::<ansinh_core::model::PaymentStatus>()
        .collect::<ansinh_core::model::Disability>()
        .collect::<ansinh_core::indicators::Metrics>();
    c
}

/// The generated commands file, from the workspace root.
pub const COMMANDS_FILE: &str = "ui/src/lib/generated/commands.ts";

/// `ui/src/lib/generated/commands.ts`: every command's arguments, result and permission (the
/// `Commands` map `ui/src/lib/backend.ts` types its calls with), and their names.
pub fn render_commands() -> String {
    let cfg = config();
    let decls = roots().into_decls();
    let mut body = String::new();
    body.push_str("\n/** Every command: its argument object, its result, the permission it needs (null: open before sign-in). */\nexport interface Commands {\n");
    let mut list = vec![];
    // The TypeScript types the map names (not its comments), for the import line.
    let mut named = String::new();
    for spec in crate::commands::specs() {
        for line in spec.doc.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            body.push_str(&format!("  // {line}\n"));
        }
        let (arg_types, result) = ((spec.ts_args)(&cfg), (spec.ts_result)(&cfg));
        named.push_str(&format!("{} {result} ", arg_types.join(" ")));
        let args: Vec<String> = spec.args.iter().zip(arg_types).map(|(name, ty)| format!("{name}: {ty}")).collect();
        let args =
            if args.is_empty() { "Record<string, never>".to_string() } else { format!("{{ {} }}", args.join("; ")) };
        let permission = spec.permission.map_or("null".to_string(), |p| format!("'{p:?}'"));
        body.push_str(&format!("  {}: {{ args: {args}; result: {result}; permission: {permission} }};\n", spec.name));
        list.push(format!("'{}'", spec.name));
    }
    body.push_str("}\n\n/** The commands' names (the keys of `Commands`), in declaration order. */\n");
    body.push_str(&format!("export const COMMANDS = [\n  {},\n] as const;\n", list.join(",\n  ")));
    let used: Vec<&str> = decls.keys().map(String::as_str).filter(|n| names(&named, n)).collect();
    format!("{HEADER}\nimport type {{ {} }} from './types';\n{body}", used.join(", "))
}

/// The generated file: the header, an import of the hand-written types it names, then each
/// declaration, exported, in name order.
pub fn render(decls: &BTreeMap<String, String>) -> String {
    let mut out = format!("{HEADER}\n");
    let used: Vec<&str> = HAND_WRITTEN.iter().copied().filter(|n| decls.values().any(|d| names(d, n))).collect();
    if !used.is_empty() {
        out.push_str(&format!("import type {{ {} }} from '../types';\n", used.join(", ")));
    }
    for decl in decls.values() {
        out.push('\n');
        // ts-rs ends a field before a field's doc comment with a space.
        for line in decl.trim_end().lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// Whether the TypeScript text `decl` names the type `name` (as a whole word).
fn names(decl: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    decl.match_indices(name).any(|(i, _)| {
        !decl[..i].chars().next_back().is_some_and(word) && !decl[i + name.len()..].chars().next().is_some_and(word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn generated_file() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(GENERATED_FILE)
    }

    /// The checked-in `ui/src/lib/generated/types.ts` is what the Rust types say.
    #[test]
    fn contract_is_current() {
        let text = render(roots().decls());
        let path = generated_file();
        if std::env::var("ANSINH_BLESS").is_ok_and(|v| v == "1") {
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
            std::fs::write(&path, &text).expect("write the contract");
            return;
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == text,
            "{GENERATED_FILE} is not what the Rust types say: regenerate it with \
             `ANSINH_BLESS=1 cargo test -p ansinh-api contract` and check the UI still compiles"
        );
    }

    /// The checked-in `ui/src/lib/generated/commands.ts` lists every registered command.
    #[test]
    fn contract_commands_are_current() {
        let text = render_commands();
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(COMMANDS_FILE);
        if std::env::var("ANSINH_BLESS").is_ok_and(|v| v == "1") {
            std::fs::write(&path, &text).expect("write the commands");
            return;
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == text,
            "{COMMANDS_FILE} is not what the command registry says: regenerate it with \
             `ANSINH_BLESS=1 cargo test -p ansinh-api contract` and check the UI still compiles"
        );
        for spec in crate::commands::specs() {
            assert!(text.contains(&format!("\n  {}: {{ args: ", spec.name)), "{}", spec.name);
        }
        assert!(text.contains(
            "  get_beneficiary: { args: { id: string }; result: BeneficiaryDetail; permission: 'ReadPeople' };"
        ));
        assert!(text.contains("  auth_status: { args: Record<string, never>; result: AuthStatus; permission: null };"));
    }

    #[test]
    fn contract_rendering_is_deterministic_and_exports_everything() {
        let a = render(roots().decls());
        assert_eq!(a, render(roots().decls()));
        assert!(a.starts_with(HEADER));
        for decl in roots().decls().values() {
            let last = decl.lines().rfind(|l| l.starts_with("export ")).expect("a declaration");
            assert!(last.starts_with("export type "), "{last}");
        }
        assert!(!a.contains("bigint"), "64-bit integers are numbers");
    }

    #[test]
    fn contract_names_ui_types() {
        let c = roots();
        for name in
            ["Beneficiary", "Place", "TimeToCash", "BundleManifest", "SeriesGap", "Segment", "Page", "Indicators"]
        {
            assert!(c.decls().contains_key(name), "{name}");
        }
        for rust_name in ["BeneficiaryView", "WithdrawalPlace", "Quantiles", "Manifest", "SegmentShape"] {
            assert!(!c.decls().contains_key(rust_name), "{rust_name}");
        }
    }

    #[test]
    fn same_name_twice_is_refused() {
        #[derive(ts_rs::TS)]
        #[ts(rename = "Twin")]
        #[allow(dead_code)]
        struct A {
            a: i32,
        }
        #[derive(ts_rs::TS)]
        #[ts(rename = "Twin")]
        #[allow(dead_code)]
        struct B {
            b: i32,
        }
        let mut c = Contract::new();
        c.collect::<A>();
        let twice = std::panic::catch_unwind(move || {
            c.collect::<B>();
        });
        assert!(twice.is_err());
    }

    #[test]
    fn hand_written_types_are_imported_when_named() {
        assert!(names("type A = { errors: Array<FieldError>, };", "FieldError"));
        assert!(!names("type A = { e: FieldErrors, };", "FieldError"));
        let decls = BTreeMap::from([("A".to_string(), "export type A = Array<FieldError>;".to_string())]);
        assert!(render(&decls).contains("import type { FieldError } from '../types';\n"));
        let decls = BTreeMap::from([("A".to_string(), "export type A = string;".to_string())]);
        assert!(!render(&decls).contains("import"));
    }
}
