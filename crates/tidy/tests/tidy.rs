//! The conventions of ARCHITECTURE.md, checked on every `cargo test`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The dependency rule: which workspace crates each crate may use (normal dependencies).
/// A module crate (laws, power, …) may use the foundation crates and the modules it declares
/// here, and nothing else; web and cli sit on top.
fn allowed() -> BTreeMap<&'static str, &'static [&'static str]> {
    // web sees the services and their types, never the storage layer (`db`): pages, the API and
    // the command line check the same permission in the same service call.
    const ALL_MODULES: &[&str] = &[
        "kernel",
        "ledger",
        "platform",
        "laws",
        "power",
        "search",
        "paper",
        "reconsideration",
        "mediation",
        "enforcement",
        "report",
    ];
    BTreeMap::from([
        ("kernel", &[][..]),
        ("db", &["kernel"][..]),
        ("ledger", &["kernel"][..]),
        ("platform", &["kernel", "db", "ledger"][..]),
        ("laws", &["kernel", "db", "ledger", "platform"][..]),
        ("power", &["kernel", "db", "ledger", "platform", "laws"][..]),
        ("search", &["kernel", "db", "platform", "laws", "power"][..]),
        ("paper", &[][..]),
        (
            "reconsideration",
            &["kernel", "db", "ledger", "platform", "paper"][..],
        ),
        (
            "mediation",
            &["kernel", "db", "ledger", "platform", "paper"][..],
        ),
        (
            "enforcement",
            &[
                "kernel",
                "db",
                "ledger",
                "platform",
                "paper",
                "power",
                "reconsideration",
            ][..],
        ),
        (
            "report",
            &[
                "kernel",
                "db",
                "platform",
                "paper",
                "power",
                "reconsideration",
                "mediation",
                "enforcement",
            ][..],
        ),
        ("web", ALL_MODULES),
        (
            "cli",
            &[
                "kernel",
                "db",
                "ledger",
                "platform",
                "laws",
                "power",
                "search",
                "paper",
                "reconsideration",
                "mediation",
                "enforcement",
                "report",
                "web",
            ][..],
        ),
        ("testkit", &["db"][..]),
        (
            "fazhi-bench",
            &[
                "kernel",
                "db",
                "ledger",
                "platform",
                "laws",
                "power",
                "search",
                "paper",
                "reconsideration",
                "mediation",
                "enforcement",
                "report",
                "web",
            ][..],
        ),
        ("tidy", &[][..]),
    ])
}

/// Third-party crates that mark a layer: HTTP stays out of the pure kernel, the ledger reader
/// and the modules; the async runtime out of the kernel.
const FORBIDDEN_EXTERNAL: &[(&str, &[&str])] = &[
    ("kernel", &["axum", "tokio", "askama"]),
    ("ledger", &["axum", "tokio"]),
    ("search", &["axum"]),
    ("paper", &["axum", "tokio"]),
    ("report", &["axum"]),
];

/// The database drivers: only `db` talks to a database (testkit tampers with one behind fazhi's
/// back in tests; the benchmarks measure the first storage layer beside fazhi's).
const DRIVERS: &[&str] = &[
    "rusqlite",
    "tokio-postgres",
    "deadpool-postgres",
    "sqlx",
    "libsqlite3-sys",
];
const MAY_DRIVE: &[&str] = &["db", "testkit", "fazhi-bench"];

struct Package {
    name: String,
    /// The crate's directory under crates/.
    dir: String,
    deps: Vec<(String, Option<String>)>,
}

fn metadata() -> Vec<Package> {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Package {
            name: p["name"].as_str().unwrap().to_string(),
            dir: Path::new(p["manifest_path"].as_str().unwrap())
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string(),
            deps: p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    (
                        d["name"].as_str().unwrap().to_string(),
                        d["kind"].as_str().map(str::to_string),
                    )
                })
                .collect(),
        })
        .collect()
}

#[test]
fn crates_depend_only_on_what_the_rule_allows() {
    let packages = metadata();
    let workspace: Vec<String> = packages.iter().map(|p| p.name.clone()).collect();
    let rule = allowed();
    let mut problems = Vec::new();
    for p in &packages {
        let Some(allowed) = rule.get(p.name.as_str()) else {
            problems.push(format!(
                "crate {} is not in the dependency rule (tidy.rs and ARCHITECTURE.md)",
                p.name
            ));
            continue;
        };
        for (dep, kind) in &p.deps {
            let normal = kind.is_none();
            if workspace.contains(dep) && normal && !allowed.contains(&dep.as_str()) {
                problems.push(format!(
                    "{} depends on {dep}, which the rule does not allow",
                    p.name
                ));
            }
            if dep == "testkit" && normal {
                problems.push(format!("{} uses testkit outside its tests", p.name));
            }
            if DRIVERS.contains(&dep.as_str()) && !MAY_DRIVE.contains(&p.name.as_str()) {
                problems.push(format!(
                    "{} depends on the database driver {dep}: only db talks to the database",
                    p.name
                ));
            }
            if let Some((_, banned)) = FORBIDDEN_EXTERNAL.iter().find(|(c, _)| *c == p.name)
                && normal
                && banned.contains(&dep.as_str())
            {
                problems.push(format!(
                    "{} depends on {dep}, which belongs to another layer",
                    p.name
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_codemap_names_every_crate() {
    let architecture =
        std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    for p in metadata() {
        assert!(
            architecture.contains(&format!("crates/{}", p.dir)),
            "ARCHITECTURE.md does not name crates/{}",
            p.dir
        );
    }
    let glossary =
        std::fs::read_to_string(root().join("docs/glossary.md")).expect("docs/glossary.md");
    assert!(
        glossary.lines().filter(|l| l.starts_with('|')).count() > 30,
        "the glossary has its table"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for krate in std::fs::read_dir(root().join("crates")).unwrap().flatten() {
        let src = krate.path().join("src");
        if src.exists() {
            rust_files(&src, &mut files);
        }
    }
    files
        .into_iter()
        .map(|f| (f.clone(), std::fs::read_to_string(&f).unwrap()))
        .collect()
}

#[test]
fn source_files_stay_small() {
    for (path, text) in sources() {
        let lines = text.lines().count();
        assert!(
            lines <= 700,
            "{} has {lines} lines: split it (STYLE.md habit 10)",
            path.display()
        );
    }
}

#[test]
fn database_errors_are_never_swallowed() {
    for (path, text) in sources() {
        for (i, line) in text.lines().enumerate() {
            assert!(
                !line.contains(".await.ok()"),
                "{}:{}: `.await.ok()` swallows an error",
                path.display(),
                i + 1
            );
        }
    }
}

#[test]
fn web_and_cli_hold_no_sql() {
    for (path, text) in sources() {
        let p = path.to_string_lossy();
        if p.contains("/crates/web/") || p.contains("/crates/cli/") {
            for keyword in ["SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM"] {
                assert!(
                    !text.contains(keyword),
                    "{p} contains SQL ({keyword}): it belongs in a service crate"
                );
            }
        }
    }
}

#[test]
fn migrations_are_numbered_in_order() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("crates/db/migrations"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    for (i, name) in names.iter().enumerate() {
        assert!(
            name.starts_with(&format!("{:04}_", i + 1)) && name.ends_with(".sql"),
            "migration {name} out of sequence"
        );
    }
}

#[test]
fn no_law_text_is_copied_into_the_project() {
    // The corpus files' header marker, spelt in two halves so that this file does not hold it.
    let marker = ["<!-- INFO", " END -->"].concat();
    let output = Command::new("git")
        .args(["ls-files"])
        .current_dir(root())
        .output()
        .expect("git ls-files");
    for file in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(text) = std::fs::read_to_string(root().join(file)) else {
            continue;
        };
        assert!(
            !text.contains(&marker),
            "{file} holds text copied from ../shared/laws"
        );
    }
}
