//! `scripts/bench peers`: fazhi beside the tools a user would pick instead, on the same input in
//! the same run — the working-day calendar beside chinesecalendar, and 统一社会信用代码 / 居民身份证
//! 号码 validation beside python-stdnum. Agreement first (it must be 1.000, or every difference is
//! listed with its reason), then throughput and the ratio. The peers run from target/peers-venv,
//! which scripts/bench creates; the product's build and tests never install them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;
use kernel::calendar::Calendar;
use kernel::{IdNumber, Uscc};

use crate::rng::Rng;

fn e(x: &dyn std::fmt::Display) -> String {
    x.to_string()
}

/// What a peer script printed.
#[derive(serde::Deserialize)]
struct PeerAnswer {
    version: String,
    answers: String,
    seconds: f64,
    #[serde(default = "one")]
    rounds: usize,
}

fn one() -> usize {
    1
}

fn run_peer(python: &Path, script: &str, args: &[&str]) -> Result<PeerAnswer, String> {
    peer_json(python, script, args)
}

/// Runs `scripts/peers/{script}` with `args` under `python` (the venv scripts/bench makes) and
/// reads the one JSON object it prints.
pub(crate) fn peer_json<T: serde::de::DeserializeOwned>(
    python: &Path,
    script: &str,
    args: &[&str],
) -> Result<T, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts/peers")
        .join(script);
    let out = std::process::Command::new(python)
        .arg(&script)
        .args(args)
        .output()
        .map_err(|x| {
            format!(
                "{}: {x} (scripts/bench installs the peers into target/peers-venv)",
                python.display()
            )
        })?;
    if !out.status.success() {
        return Err(format!(
            "{}: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|x| format!("{}: {x}", script.display()))
}

struct Comparison {
    title: String,
    peer: String,
    compared: usize,
    agreed: usize,
    /// Set aside: days the peer does not know, or known differences (listed).
    unknown: usize,
    set_aside: &'static str,
    fazhi_per_second: f64,
    peer_per_second: f64,
    /// Reason → (count, examples).
    differences: BTreeMap<String, (usize, Vec<String>)>,
}

fn calendar(python: &Path, dir: &Path, rounds: usize) -> Result<Comparison, String> {
    let calendar = Calendar::official();
    let first = NaiveDate::from_ymd_opt(2020, 1, 1).ok_or("date")?;
    let last = NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
    let file = dir.join("days.txt");
    std::fs::write(
        &file,
        days.iter().map(|d| format!("{d}\n")).collect::<String>(),
    )
    .map_err(|x| e(&x))?;
    let start = Instant::now();
    let mut ours = Vec::new();
    for _ in 0..rounds {
        ours = days
            .iter()
            .map(|d| calendar.is_workday(*d).map_err(|x| e(&x)))
            .collect::<Result<Vec<bool>, String>>()?;
    }
    let fazhi_seconds = start.elapsed().as_secs_f64();
    let peer_rounds = (rounds / 50).max(1);
    let peer = run_peer(
        python,
        "calendar_peer.py",
        &[file.to_str().unwrap_or_default(), &peer_rounds.to_string()],
    )?;
    let mut c = Comparison {
        title: format!(
            "working day or rest day, every day {first} – {last} ({} days)",
            days.len()
        ),
        peer: format!("chinesecalendar {}", peer.version),
        compared: 0,
        agreed: 0,
        unknown: 0,
        set_aside: "days the peer does not know",
        fazhi_per_second: (days.len() * rounds) as f64 / fazhi_seconds,
        peer_per_second: (days.len() * peer.rounds) as f64 / peer.seconds,
        differences: BTreeMap::new(),
    };
    for ((day, workday), answer) in days.iter().zip(&ours).zip(peer.answers.chars()) {
        c.compared += 1;
        if answer == '?' {
            c.unknown += 1;
            continue;
        }
        if (answer == '1') == *workday {
            c.agreed += 1;
        } else {
            let entry = c
                .differences
                .entry(format!(
                    "fazhi: {}, peer: {}",
                    if *workday { "工作日" } else { "休息日" },
                    if answer == '1' {
                        "工作日"
                    } else {
                        "休息日"
                    }
                ))
                .or_default();
            entry.0 += 1;
            if entry.1.len() < 5 {
                entry.1.push(day.to_string());
            }
        }
    }
    Ok(c)
}

/// Real county-level division codes, for identifiers both sides should accept.
const DIVISIONS: &[&str] = &[
    "110105", "310115", "320411", "320412", "330106", "440305", "510107", "420111", "610113",
    "370202",
];
/// (登记管理部门码, 机构类别码) pairs of GB 32100.
const KINDS: &[(char, char)] = &[
    ('1', '1'),
    ('1', '2'),
    ('1', '3'),
    ('3', '1'),
    ('5', '1'),
    ('5', '2'),
    ('9', '1'),
    ('9', '2'),
    ('9', '3'),
    ('A', '1'),
    ('N', '1'),
    ('N', '2'),
    ('Y', '1'),
];
const ORG_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// `n` identifiers, half 统一社会信用代码 and half 身份证号码, most valid, a quarter with one
/// character changed, deterministic.
fn identifiers(n: usize) -> Vec<(&'static str, String)> {
    let mut rng = Rng(0x5eed_2020);
    let mut out = Vec::with_capacity(n);
    let first_birth = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap_or_default();
    while out.len() < n {
        let (kind, mut value) = if out.len() % 2 == 0 {
            let (department, category) = KINDS[rng.next(KINDS.len())];
            let body: String = (0..8)
                .map(|_| ORG_CHARS[rng.next(ORG_CHARS.len())] as char)
                .collect();
            let Ok(code) = Uscc::from_parts(
                department,
                category,
                DIVISIONS[rng.next(DIVISIONS.len())],
                &body,
            ) else {
                continue;
            };
            ("uscc", code.as_str().to_string())
        } else {
            let birth = first_birth + chrono::Days::new(rng.next(30_000) as u64);
            let body = format!(
                "{}{}{:03}",
                DIVISIONS[rng.next(DIVISIONS.len())],
                birth.format("%Y%m%d"),
                rng.next(1000)
            );
            let Some(id) = "0123456789X"
                .chars()
                .map(|c| format!("{body}{c}"))
                .find(|id| IdNumber::parse(id).is_ok())
            else {
                continue;
            };
            ("id", id)
        };
        if rng.next(4) == 0 {
            // One character changed: a typo in a ledger.
            let at = rng.next(18);
            let mut chars: Vec<char> = value.chars().collect();
            let replacement = ORG_CHARS[rng.next(10)] as char;
            if chars[at] != replacement {
                chars[at] = replacement;
                value = chars.into_iter().collect();
            }
        }
        out.push((kind, value));
    }
    out
}

fn identifier_check(python: &Path, dir: &Path, n: usize) -> Result<Comparison, String> {
    let rows = identifiers(n);
    let file = dir.join("identifiers.tsv");
    std::fs::write(
        &file,
        rows.iter()
            .map(|(k, v)| format!("{k}\t{v}\n"))
            .collect::<String>(),
    )
    .map_err(|x| e(&x))?;
    let start = Instant::now();
    let ours: Vec<Result<(), String>> = rows
        .iter()
        .map(|(kind, value)| match *kind {
            "uscc" => Uscc::parse(value).map(|_| ()).map_err(|x| e(&x)),
            _ => IdNumber::parse(value).map(|_| ()).map_err(|x| e(&x)),
        })
        .collect();
    let fazhi_seconds = start.elapsed().as_secs_f64();
    let peer = run_peer(
        python,
        "identifiers_peer.py",
        &[file.to_str().unwrap_or_default()],
    )?;
    let mut c = Comparison {
        title: format!(
            "{n} identifiers: 统一社会信用代码 (GB 32100) and 居民身份证号码 (GB 11643), a quarter with one character changed"
        ),
        peer: format!(
            "python-stdnum {} (stdnum.cn.uscc, stdnum.cn.ric)",
            peer.version
        ),
        compared: 0,
        agreed: 0,
        unknown: 0,
        set_aside: "known differences, listed below",
        fazhi_per_second: n as f64 / fazhi_seconds,
        peer_per_second: n as f64 / peer.seconds,
        differences: BTreeMap::new(),
    };
    for (((kind, value), mine), answer) in rows.iter().zip(&ours).zip(peer.answers.chars()) {
        c.compared += 1;
        let peer_valid = answer == 'V';
        if mine.is_ok() == peer_valid {
            c.agreed += 1;
            continue;
        }
        let (known, reason) = match (mine, *kind, answer) {
            (Ok(()), "uscc", 'F') if !value[..1].chars().all(|ch| ch.is_ascii_digit()) => (
                true,
                "uscc: 登记管理部门码 A/N/Y, which GB 32100 (and its amendment) allows: python-stdnum wants digits in the first 8 characters".to_string(),
            ),
            (Ok(()), "id", 'P') => (
                true,
                "id: python-stdnum checks the county code against its dated GB/T 2260 table for the birth year; fazhi checks the province only".to_string(),
            ),
            (Ok(()), _, letter) => (false, format!("{kind}: fazhi accepts, python-stdnum rejects ({letter})")),
            (Err(why), _, _) => {
                // The kind of reason, without the particular characters.
                let what = why.split(['“', '：', '（']).next().unwrap_or(why);
                (false, format!("{kind}: python-stdnum accepts, fazhi rejects ({what})"))
            }
        };
        if known {
            c.unknown += 1;
        }
        let entry = c.differences.entry(reason).or_default();
        entry.0 += 1;
        if entry.1.len() < 3 {
            entry.1.push(value.clone());
        }
    }
    Ok(c)
}

pub async fn run(python: &Path, quick: bool, out: &Path) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|x| e(&x))?;
    let comparisons = [
        calendar(python, dir.path(), if quick { 500 } else { 2_000 })?,
        identifier_check(python, dir.path(), if quick { 100_000 } else { 1_000_000 })?,
    ];
    let today = kernel::time::china_today();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured by `scripts/bench peers{}` on {today}: the same input to fazhi (in process) and to the peer (CPython 3, in process; reading and printing not timed).\n",
        if quick { " --quick" } else { "" }
    );
    let _ = writeln!(
        md,
        "| comparison | peer | agreement | fazhi | peer | ratio |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|");
    for c in &comparisons {
        // Outside the known differences (listed below) agreement must be 1.000.
        let _ = writeln!(
            md,
            "| {} | {} | {:.3} ({} of {}{}) | {:.0}/s | {:.0}/s | {:.1}× |",
            c.title,
            c.peer,
            c.agreed as f64 / (c.compared - c.unknown).max(1) as f64,
            c.agreed,
            c.compared - c.unknown,
            if c.unknown > 0 {
                format!("; {} set aside: {}", c.unknown, c.set_aside)
            } else {
                String::new()
            },
            c.fazhi_per_second,
            c.peer_per_second,
            c.fazhi_per_second / c.peer_per_second
        );
    }
    for c in &comparisons {
        if c.differences.is_empty() {
            continue;
        }
        let _ = writeln!(md, "\nDifferences — {}:\n", c.peer);
        for (reason, (count, examples)) in &c.differences {
            let _ = writeln!(md, "- {reason}: {count} (e.g. {})", examples.join(", "));
        }
    }
    println!("{md}");
    crate::timing::write_section(out, "Beside the peers", "Beside the peers (issue 8)", &md)?;
    Ok(())
}
