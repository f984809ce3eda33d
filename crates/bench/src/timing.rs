//! Summaries of measured times (milliseconds).

/// The middle value.
pub fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// The 99th percentile (nearest rank).
pub fn p99(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(((v.len().max(1) - 1) as f64 * 0.99).round() as usize)
        .copied()
        .unwrap_or(0.0)
}

/// Writes `body` as the section `## {title}` of the benchmarks file `out`, replacing the section
/// whose heading starts with `## {key}` and keeping every other section where it stands (a new
/// section goes at the end).
pub fn write_section(
    out: &std::path::Path,
    key: &str,
    title: &str,
    body: &str,
) -> Result<(), String> {
    let md = std::fs::read_to_string(out).unwrap_or_else(|_| "# Benchmarks\n".into());
    let section = format!("\n## {title}\n\n{}", body.trim_start_matches('\n'));
    let text = match md.find(&format!("\n## {key}")) {
        Some(at) => {
            let rest = &md[at + 1..];
            let end = rest.find("\n## ").map(|n| at + 1 + n).unwrap_or(md.len());
            format!("{}{section}{}", &md[..at], &md[end..])
        }
        None => format!("{}\n{section}", md.trim_end_matches('\n')),
    };
    std::fs::write(out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

/// Writes `body` as the head of the benchmarks file `out` (the title, the machine and versions:
/// everything before the first section), keeping every section.
pub fn write_head(out: &std::path::Path, body: &str) -> Result<(), String> {
    let md = std::fs::read_to_string(out).unwrap_or_default();
    let sections = md.find("\n## ").map(|at| &md[at..]).unwrap_or("");
    let text = format!("# Benchmarks\n\n{}\n{sections}", body.trim());
    std::fs::write(out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_section_is_replaced_in_place_and_the_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("B.md");
        std::fs::write(
            &file,
            "# Benchmarks\n\n## A (issue 1)\n\nold a\n\n## B (issue 2)\n\nb\n",
        )
        .unwrap();
        super::write_section(&file, "A", "A (issue 1)", "new a\n").unwrap();
        super::write_section(&file, "C", "C (issue 3)", "c\n").unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            text,
            "# Benchmarks\n\n## A (issue 1)\n\nnew a\n\n## B (issue 2)\n\nb\n\n## C (issue 3)\n\nc\n"
        );
        super::write_head(&file, "Measured on a day.\n- Machine: x\n").unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            text,
            "# Benchmarks\n\nMeasured on a day.\n- Machine: x\n\n## A (issue 1)\n\nnew a\n\n## B (issue 2)\n\nb\n\n## C (issue 3)\n\nc\n"
        );
    }
}
