//! Article-level difference between two versions of a law, matched by text similarity, not by
//! number alone: an article that moved from 第九条 to 第二十条 with light edits is "renumbered and
//! changed", not "removed" plus "added".

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::model::{Article, ArticleNo};

/// Below this similarity two articles are different articles.
pub const SAME_ARTICLE: f64 = 0.5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Unchanged,
    /// Same number, different text.
    Changed,
    /// Different number (the text may also differ: see `similarity`).
    Renumbered,
    Added,
    Removed,
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Unchanged => "未变",
            ChangeKind::Changed => "修改",
            ChangeKind::Renumbered => "条号变动",
            ChangeKind::Added => "新增",
            ChangeKind::Removed => "删除",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    pub old: Option<ArticleNo>,
    pub new: Option<ArticleNo>,
    /// 1.0 for identical text.
    pub similarity: f64,
}

impl Change {
    /// 第九条 → 第二十条 条号变动（相似度0.83）
    pub fn describe(&self) -> String {
        let old = self.old.map(ArticleNo::label).unwrap_or_else(|| "—".into());
        let new = self.new.map(ArticleNo::label).unwrap_or_else(|| "—".into());
        match self.kind {
            ChangeKind::Unchanged => format!("{old} → {new} 未变"),
            ChangeKind::Added => format!("— → {new} 新增"),
            ChangeKind::Removed => format!("{old} → — 删除"),
            kind => format!(
                "{old} → {new} {}（相似度{:.2}）",
                kind.label(),
                self.similarity
            ),
        }
    }
}

fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Dice coefficient of the character bigram sets.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    2.0 * x.intersection(&y).count() as f64 / (x.len() + y.len()) as f64
}

/// How far apart in position two matching articles may be searched for (renumbering shifts).
const WINDOW: usize = 60;

pub fn diff(old: &[Article], new: &[Article]) -> Vec<Change> {
    let old: Vec<&Article> = old.iter().filter(|a| a.no.number > 0).collect();
    let new: Vec<&Article> = new.iter().filter(|a| a.no.number > 0).collect();
    let old_text: Vec<String> = old.iter().map(|a| a.text()).collect();
    let new_text: Vec<String> = new.iter().map(|a| a.text()).collect();
    let mut matched_old: Vec<Option<(usize, f64)>> = vec![None; old.len()];
    let mut taken_new = vec![false; new.len()];

    // 1. Identical text: the article survived, perhaps under another number.
    let mut by_text: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, t) in new_text.iter().enumerate() {
        by_text.entry(t.as_str()).or_default().push(j);
    }
    for (i, t) in old_text.iter().enumerate() {
        if let Some(js) = by_text.get_mut(t.as_str())
            && let Some(pos) = js.iter().position(|j| !taken_new[*j])
        {
            let j = js.remove(pos);
            taken_new[j] = true;
            matched_old[i] = Some((j, 1.0));
        }
    }
    // 2. The most similar remaining pairs, best first, within a window of positions.
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for i in (0..old.len()).filter(|i| matched_old[*i].is_none()) {
        let center = i * new.len().max(1) / old.len().max(1);
        let lo = center.saturating_sub(WINDOW);
        let hi = (center + WINDOW).min(new.len());
        let a = bigrams(&old_text[i]);
        for j in (lo..hi).filter(|j| !taken_new[*j]) {
            let b = bigrams(&new_text[j]);
            if a.is_empty() || b.is_empty() {
                continue;
            }
            let s = 2.0 * a.intersection(&b).count() as f64 / (a.len() + b.len()) as f64;
            if s >= SAME_ARTICLE {
                // Prefer the same number among equally similar candidates.
                let bonus = if old[i].no == new[j].no { 1e-6 } else { 0.0 };
                candidates.push((s + bonus, i, j));
            }
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0));
    for (s, i, j) in candidates {
        if matched_old[i].is_none() && !taken_new[j] {
            matched_old[i] = Some((j, s.min(1.0)));
            taken_new[j] = true;
        }
    }

    let mut out = Vec::new();
    for (i, m) in matched_old.iter().enumerate() {
        match m {
            Some((j, s)) => {
                let kind = if old[i].no != new[*j].no {
                    ChangeKind::Renumbered
                } else if old_text[i] == new_text[*j] {
                    ChangeKind::Unchanged
                } else {
                    ChangeKind::Changed
                };
                let similarity = (s * 100.0).round() / 100.0;
                out.push(Change {
                    kind,
                    old: Some(old[i].no),
                    new: Some(new[*j].no),
                    similarity,
                });
            }
            None => out.push(Change {
                kind: ChangeKind::Removed,
                old: Some(old[i].no),
                new: None,
                similarity: 0.0,
            }),
        }
    }
    for (j, taken) in taken_new.iter().enumerate() {
        if !taken {
            out.push(Change {
                kind: ChangeKind::Added,
                old: None,
                new: Some(new[j].no),
                similarity: 0.0,
            });
        }
    }
    out.sort_by_key(|c| (c.old.or(c.new), c.new));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(n: u32, text: &str) -> Article {
        Article {
            no: ArticleNo::new(n),
            label: ArticleNo::new(n).label(),
            chapter: String::new(),
            paragraphs: vec![text.into()],
        }
    }

    #[test]
    fn matches_by_text_not_number() {
        let old = [
            a(1, "为了规范行政复议，制定本法。"),
            a(
                2,
                "公民认为具体行政行为侵犯其合法权益的，可以申请行政复议。",
            ),
            a(3, "本条将被删除的内容，与其他条文都不一样。"),
        ];
        let new = [
            a(1, "为了规范行政复议，制定本法。"),
            a(2, "行政复议机关应当加强信息化建设，这是全新的一条。"),
            a(3, "公民认为行政行为侵犯其合法权益的，可以申请行政复议。"),
        ];
        let changes = diff(&old, &new);
        let kinds: Vec<(Option<u32>, Option<u32>, ChangeKind)> = changes
            .iter()
            .map(|c| (c.old.map(|n| n.number), c.new.map(|n| n.number), c.kind))
            .collect();
        assert!(kinds.contains(&(Some(1), Some(1), ChangeKind::Unchanged)));
        assert!(
            kinds.contains(&(Some(2), Some(3), ChangeKind::Renumbered)),
            "{kinds:?}"
        );
        assert!(kinds.contains(&(Some(3), None, ChangeKind::Removed)));
        assert!(kinds.contains(&(None, Some(2), ChangeKind::Added)));
        let moved = changes
            .iter()
            .find(|c| c.kind == ChangeKind::Renumbered)
            .unwrap();
        assert!(moved.similarity > 0.7 && moved.similarity < 1.0);
        assert!(moved.describe().contains("第二条 → 第三条"));
    }

    #[test]
    fn similarity_bounds() {
        assert_eq!(similarity("行政复议", "行政复议"), 1.0);
        assert_eq!(similarity("甲乙", "丙丁"), 0.0);
    }
}
