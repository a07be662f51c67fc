//! Test support shared by itsa's crates: the reference files in `shared/` beside the
//! workspace, and HMRC's JSON schemas compiled for validation, read from disk only (a
//! `$ref` to anything but a file is refused, so no test reaches the network). Tests that
//! need `shared/` call [`shared_dir`] and skip, saying so, when it is absent; tests that
//! need PostgreSQL call [`database_url`]. Every skip is recorded ([`skipped`]) so that the
//! test command can say at its end which groups of tests did not run.

use std::io::Write;
use std::path::{Path, PathBuf};

use itsa_hmrc::{ListVariant, SchemaVariant};
use jsonschema::{Retrieve, Uri, Validator};
use serde_json::Value;

/// HMRC's Individual Calculations API versions whose schemas the views must match.
pub const API_VERSIONS: [&str; 2] = ["8.0", "9.0"];

/// A group of tests that needs something this machine may not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Tests of the PostgreSQL backend: they need `DATABASE_URL`.
    Postgres,
    /// Tests against the shared reference files: they need `../shared` beside the project.
    Shared,
}

impl Group {
    pub fn name(self) -> &'static str {
        match self {
            Group::Postgres => "PostgreSQL (DATABASE_URL not set)",
            Group::Shared => "shared reference files (../shared not beside the project)",
        }
    }
}

/// The environment variable naming the file where skipped tests are recorded.
pub const SKIP_LOG: &str = "ITSA_SKIP_LOG";

/// Record that the calling test did not run (or ran only in part) for want of `group`'s
/// needs: a line on standard error, and, when [`SKIP_LOG`] names a file (the test command
/// sets it), a line `group<TAB>test<TAB>reason` appended to that file.
pub fn skipped(group: Group, reason: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    eprintln!("SKIPPED {test}: {reason}");
    if let Some(path) = std::env::var_os(SKIP_LOG).filter(|p| !p.is_empty()) {
        let line = format!("{}\t{test}\t{reason}\n", group.name());
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut file| file.write_all(line.as_bytes()));
        if let Err(e) = appended {
            panic!("cannot record the skip in {}: {e}", Path::new(&path).display());
        }
    }
}

/// `DATABASE_URL`, if it names a PostgreSQL server; otherwise the skip is recorded.
pub fn database_url() -> Option<String> {
    match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => Some(url),
        Ok(url) if !url.is_empty() => {
            skipped(Group::Postgres, "DATABASE_URL is not a postgres:// URL");
            None
        }
        _ => {
            skipped(Group::Postgres, "DATABASE_URL not set");
            None
        }
    }
}

/// `shared/` beside the workspace, if it is there (nothing is recorded: see
/// [`shared_file`] and [`calculations_api_dir`]).
pub fn shared_dir() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared").canonicalize().ok()
}

/// A file or folder under `shared/` (`cases/worked-examples.jsonl`, …), if it is there;
/// otherwise the skip is recorded.
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    let path = shared_dir().map(|d| d.join(relative)).filter(|p| p.exists());
    if path.is_none() {
        skipped(Group::Shared, &format!("shared/{relative} not found"));
    }
    path
}

/// `shared/hmrc-api/individual-calculations`, if it is there; otherwise the skip is
/// recorded.
pub fn calculations_api_dir() -> Option<PathBuf> {
    shared_file("hmrc-api/individual-calculations")
}

/// HMRC's def4 schema files carry Handlebars feature toggles from the API platform
/// (`{{#if (enabled 'x')}} … {{else}} … {{/if}}`, `{{#unless (releasedInProduction 'x')}}
/// … {{/unless}}`). Render them with every toggle on or every toggle off.
pub fn render_toggles(text: &str, toggles_on: bool, file: &str) -> String {
    // Each open block: whether its content is shown (before any `else`).
    let mut stack: Vec<bool> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        if stack.iter().all(|&shown| shown) {
            out.push_str(&rest[..start]);
        }
        let end = rest[start..].find("}}").unwrap_or_else(|| panic!("{file}: unclosed {{{{")) + start;
        let tag = rest[start + 2..end].trim();
        match tag.split_whitespace().next() {
            Some("#if") => stack.push(toggles_on),
            Some("#unless") => stack.push(!toggles_on),
            Some("else") => {
                let top = stack.last_mut().unwrap_or_else(|| panic!("{file}: else outside a block"));
                *top = !*top;
            }
            Some("/if" | "/unless") => {
                stack.pop().unwrap_or_else(|| panic!("{file}: unbalanced {tag}"));
            }
            _ => panic!("{file}: unexpected template tag {{{{{tag}}}}}"),
        }
        rest = &rest[end + 2..];
    }
    assert!(stack.is_empty(), "{file}: unclosed template block");
    out.push_str(rest);
    out
}

/// Reads `file://` schemas from disk, rendering any feature toggles.
pub struct SchemaFiles {
    pub toggles_on: bool,
}

impl SchemaFiles {
    pub fn load(&self, path: &Path) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let text = std::fs::read_to_string(path)?;
        let text = render_toggles(&text, self.toggles_on, &path.display().to_string());
        Ok(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?)
    }
}

impl Retrieve for SchemaFiles {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        match uri.scheme().as_str() {
            "file" => self.load(Path::new(uri.path().as_str())),
            other => Err(format!("refusing to fetch {other} schema {}: only files are read", uri.as_str()).into()),
        }
    }
}

/// A draft-4 validator for the schema file at `path`, its `$ref`s read from disk.
pub fn validator(path: &Path, toggles_on: bool) -> Validator {
    let files = SchemaFiles { toggles_on };
    let root = files.load(path).unwrap_or_else(|e| panic!("{e}"));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .with_base_uri(format!("file://{}", path.display()))
        .with_retriever(files)
        .build(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A compiled schema and what it is, for messages.
pub struct Schema {
    pub label: String,
    pub validator: Validator,
}

impl Schema {
    /// Every way `value` breaks the schema, one line each, prefixed with `what`.
    pub fn violations(&self, what: &str, value: &Value) -> Vec<String> {
        self.validator
            .iter_errors(value)
            .map(|e| format!("{what} [{}]: {e} at {} (schema {})", self.label, e.instance_path(), e.schema_path()))
            .collect()
    }
}

fn retrieve_schema(dir: &Path, version: &str, variant: SchemaVariant, toggles_on: bool) -> Schema {
    let path = dir.join(version).join("schemas/retrieve").join(variant.name()).join("retrieve_response.json");
    let toggles =
        if variant == SchemaVariant::Def4 { if toggles_on { " (toggles on)" } else { " (toggles off)" } } else { "" };
    Schema { label: format!("{version} {}{toggles}", variant.name()), validator: validator(&path, toggles_on) }
}

/// The retrieve schemas a year's response must match: 8.0 and 9.0, and for def4 with
/// HMRC's feature toggles both on and off.
pub fn retrieve_schemas(dir: &Path, variant: SchemaVariant) -> Vec<Schema> {
    let toggle_states: &[bool] = if variant == SchemaVariant::Def4 { &[true, false] } else { &[true] };
    API_VERSIONS
        .iter()
        .flat_map(|version| toggle_states.iter().map(move |&on| retrieve_schema(dir, version, variant, on)))
        .collect()
}

/// The list schemas of 8.0 and 9.0 for a list variant.
pub fn list_schemas(dir: &Path, variant: ListVariant) -> Vec<Schema> {
    API_VERSIONS
        .iter()
        .map(|version| {
            let path = dir.join(version).join("schemas/list").join(variant.name()).join("list_response.json");
            Schema { label: format!("{version} list {}", variant.name()), validator: validator(&path, true) }
        })
        .collect()
}

/// A 1.0 response: which of HMRC's 1.0 JSON schemas it must match. 1.0 ships RAML whose
/// bodies are these JSON schema files (`1.0/schemas/selfAssessment/…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V1Response {
    List,
    Trigger,
    Metadata,
    IncomeTaxNicsCalculated,
    TaxableIncome,
    AllowancesDeductionsReliefs,
    EndOfYearEstimate,
    Messages,
}

impl V1Response {
    pub const ALL: [V1Response; 8] = [
        V1Response::List,
        V1Response::Trigger,
        V1Response::Metadata,
        V1Response::IncomeTaxNicsCalculated,
        V1Response::TaxableIncome,
        V1Response::AllowancesDeductionsReliefs,
        V1Response::EndOfYearEstimate,
        V1Response::Messages,
    ];

    /// The schema file, under `1.0/schemas/selfAssessment`.
    pub const fn file(self) -> &'static str {
        match self {
            V1Response::List => "list/list_response.json",
            V1Response::Trigger => "trigger/trigger_response.json",
            V1Response::Metadata => "retrieveTaxCalc/retrieve_metadata_response.json",
            V1Response::IncomeTaxNicsCalculated => "retrieveTaxCalc/retrieve_incomeTaxAndNics_response.json",
            V1Response::TaxableIncome => "retrieveTaxCalc/retrieve_taxableIncome_response.json",
            V1Response::AllowancesDeductionsReliefs => {
                "retrieveTaxCalc/retrieve_allowancesDeductionsReliefs_response.json"
            }
            V1Response::EndOfYearEstimate => "retrieveTaxCalc/retrieve_eoyEstimate_response.json",
            V1Response::Messages => "retrieveTaxCalc/retrieve_messages_response.json",
        }
    }
}

/// HMRC's 1.0 schema for a response.
pub fn v1_schema(dir: &Path, response: V1Response) -> Schema {
    let path = dir.join("1.0/schemas/selfAssessment").join(response.file());
    Schema { label: format!("1.0 {response:?}"), validator: validator(&path, true) }
}

/// A 3.0 response: the list, the trigger answer or the retrieve response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V3Response {
    List,
    Trigger,
    Retrieve,
}

/// HMRC's 3.0 schema for a response (`3.0/schemas/…`).
pub fn v3_schema(dir: &Path, response: V3Response) -> Schema {
    let file = match response {
        V3Response::List => "list/list_response.json",
        V3Response::Trigger => "trigger/trigger_response.json",
        V3Response::Retrieve => "retrieve_response.json",
    };
    let path = dir.join("3.0/schemas").join(file);
    Schema { label: format!("3.0 {response:?}"), validator: validator(&path, true) }
}
