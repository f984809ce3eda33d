//! `fazhi-bench fuzz`: a stable-Rust mutation fuzzer for the parsers that read what outsiders
//! send (issue 16, build 7): the ledger reader (.xlsx, its XML parts mutated and the package
//! rebuilt; .csv), the citation parser, the identifier parsers and the holiday-notice loader.
//! Each execution runs under `catch_unwind`; a panic is a crash, saved with the input under
//! `--out`. The mutations are drawn from a seeded xorshift generator, so a run is repeated by its
//! seed. An abort (an allocation the system refuses) ends the process: the seed and execution
//! number printed before each thousand say where to look.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use crate::rng::Rng;

/// What a target reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    Xlsx,
    Csv,
    Citations,
    Identifiers,
    Calendar,
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    const INTERESTING: &[&[u8]] = &[
        b"\0",
        b"\xff",
        b"9999999999999999999999",
        b"-1",
        b"<",
        b"]]>",
        b"&#0;",
        b"\"",
        b",",
        b"\n",
        b"\xe3\x80\x94",
        b"\xe7\xac\xac",
        b"\xe6\x9d\xa1",
        b"\xe3\x80\x8a",
        b"XFD1048576",
    ];
    for _ in 0..=rng.below(4) {
        let len = input.len();
        match rng.below(7) {
            0 if len > 0 => {
                let at = rng.below(len as u64) as usize;
                input[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len as u64) as usize;
                input[at] = rng.below(256) as u8;
            }
            2 => {
                let at = rng.below(len as u64 + 1) as usize;
                let what = INTERESTING[rng.below(INTERESTING.len() as u64) as usize];
                input.splice(at..at, what.iter().copied());
            }
            3 if len > 1 => {
                let at = rng.below(len as u64) as usize;
                let end = (at + 1 + rng.below(16) as usize).min(len);
                input.drain(at..end);
            }
            4 if len > 1 => {
                let at = rng.below(len as u64) as usize;
                let end = (at + 1 + rng.below(64) as usize).min(len);
                let chunk: Vec<u8> = input[at..end].to_vec();
                let to = rng.below(input.len() as u64 + 1) as usize;
                input.splice(to..to, chunk);
            }
            5 if !seeds.is_empty() => {
                let other = &seeds[rng.below(seeds.len() as u64) as usize];
                if !other.is_empty() {
                    let at = rng.below(other.len() as u64) as usize;
                    let end = (at + 1 + rng.below(64) as usize).min(other.len());
                    let to = rng.below(input.len() as u64 + 1) as usize;
                    input.splice(to..to, other[at..end].iter().copied());
                }
            }
            _ => {
                let at = rng.below(len as u64 + 1) as usize;
                input.insert(at, rng.below(256) as u8);
            }
        }
    }
    input.truncate(1 << 16);
}

/// The parts of a small workbook written by the ledger writer (the template of the power list).
fn workbook_parts() -> Result<Vec<(String, Vec<u8>)>, String> {
    let rows = vec![vec![
        "E0001".to_string(),
        "食品经营许可".into(),
        String::new(),
        "行政许可".into(),
        "示例区市场监督管理局".into(),
        "《中华人民共和国食品安全法》第三十五条".into(),
        "区级".into(),
    ]];
    let bytes = ledger::to_xlsx(&power::ledger::ITEMS, &rows).map_err(|e| e.to_string())?;
    let mut package =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut parts = Vec::new();
    for i in 0..package.len() {
        let mut part = package.by_index(i).map_err(|e| e.to_string())?;
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut part, &mut content).map_err(|e| e.to_string())?;
        parts.push((name, content));
    }
    Ok(parts)
}

fn package(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, content) in parts {
        if out.start_file(name.as_str(), stored).is_ok() {
            let _ = out.write_all(content);
        }
    }
    out.finish().map(|c| c.into_inner()).unwrap_or_default()
}

fn seeds(target: Target) -> Vec<Vec<u8>> {
    let text = |list: &[&str]| list.iter().map(|s| s.as_bytes().to_vec()).collect();
    match target {
        Target::Xlsx => Vec::new(),
        Target::Csv => text(&[
            "事项编码,事项名称,事项类型,实施主体,设定依据,实施层级\nE0001,食品经营许可,行政许可,示例区市场监督管理局,《中华人民共和国食品安全法》第三十五条,区级\n",
            "\u{feff}名称,类型,上级\n示例区,区,\n\"示例,镇\",镇,示例区\n",
        ]),
        Target::Citations => text(&[
            "《中华人民共和国行政处罚法》第五十一条第一款第（二）项",
            "依据《中华人民共和国食品安全法》第三十五条、第一百二十二条和《食品经营许可管理办法》第二条",
            "行政复议法第三十一条至第三十三条；民法典第一千一百六十五条",
        ]),
        Target::Identifiers => text(&[
            "91110000600037341N",
            "11010519491231002X",
            "320411",
            "苏政发〔2020〕1号",
            "新复〔2026〕9号",
        ]),
        Target::Calendar => {
            let mut out: Vec<Vec<u8>> = ["2020.json", "2024.json", "2026.json"]
                .iter()
                .filter_map(|f| std::fs::read(format!("../shared/reference/holidays/{f}")).ok())
                .collect();
            out.push(
                "[[year]]\nyear = 2030\nholidays = [{ name = \"元旦\", start = 2030-01-01, end = 2030-01-01 }]\nworkdays = []\n"
                    .as_bytes()
                    .to_vec(),
            );
            out
        }
    }
}

/// Runs one input through the target; what the parser returns is dropped, only panics count.
fn run_one(target: Target, input: &[u8]) {
    let text = || String::from_utf8_lossy(input).into_owned();
    match target {
        Target::Xlsx => {
            let _ = ledger::read_bytes_within("x.xlsx", input, &ledger::Limits::UPLOAD)
                .map(|s| s.records(&power::ledger::ITEMS));
        }
        Target::Csv => {
            let _ = ledger::read_bytes_within("x.csv", input, &ledger::Limits::UPLOAD)
                .map(|s| s.records(&power::ledger::ITEMS));
        }
        Target::Citations => {
            let _ = laws::cite::parse(&text(), &["中华人民共和国行政处罚法", "民法典"]);
        }
        Target::Identifiers => {
            let t = text();
            let _ = kernel::Uscc::parse(&t);
            let _ = kernel::IdNumber::parse(&t);
            let _ = kernel::DivisionCode::parse(&t);
            let _ = kernel::DocNumber::parse(&t);
        }
        Target::Calendar => {
            let _ = kernel::calendar::YearNotice::parse_any(&text());
        }
    }
}

pub fn run(target: Target, runs: u64, seed: u64, out: &Path) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed | 1);
    let parts = if target == Target::Xlsx {
        workbook_parts()?
    } else {
        Vec::new()
    };
    let corpus = seeds(target);
    let part_seeds: Vec<Vec<u8>> = parts.iter().map(|(_, c)| c.clone()).collect();
    let started = Instant::now();
    let mut crashes = 0u64;
    for run in 0..runs {
        if run % 100_000 == 0 {
            eprintln!("{target:?}: seed {seed}, execution {run}, {crashes} crashes");
        }
        let input = if target == Target::Xlsx {
            let mut mutated = parts.clone();
            let which = rng.below(mutated.len() as u64) as usize;
            mutate(&mut rng, &mut mutated[which].1, &part_seeds);
            package(&mutated)
        } else {
            let mut input = corpus[rng.below(corpus.len() as u64) as usize].clone();
            mutate(&mut rng, &mut input, &corpus);
            input
        };
        if std::panic::catch_unwind(|| run_one(target, &input)).is_err() {
            crashes += 1;
            let file = out.join(format!("{target:?}-{seed}-{run}.bin").to_lowercase());
            std::fs::write(&file, &input).map_err(|e| e.to_string())?;
            eprintln!("crash at execution {run}: {}", file.display());
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{target:?}: {runs} executions in {seconds:.1} s ({:.0}/s), {crashes} crashes (seed {seed})",
        runs as f64 / seconds
    );
    if crashes > 0 {
        return Err(format!("{crashes} crashes, inputs in {}", out.display()));
    }
    Ok(())
}
