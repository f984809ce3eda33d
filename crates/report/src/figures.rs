//! The figures a report states: each module's year statistics, asked of the module through its
//! public API (the same call `fazhi stats` makes), flattened into keys `module.key` and
//! `module.map.word`, each with its definition.

use std::collections::BTreeMap;

use platform::{Org, Platform};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

kernel::labelled_enum!(
    /// The modules whose figures the report states, in the report's order.
    Module {
        Power => ("power", "权责清单"),
        Reconsideration => ("reconsideration", "行政复议"),
        Mediation => ("mediation", "人民调解"),
        Enforcement => ("enforcement", "行政执法"),
    }
);

impl Module {
    /// The figure that says whether the module has any record for the year.
    pub fn headline(self) -> &'static str {
        match self {
            Module::Power => "power.total_items",
            Module::Reconsideration => "reconsideration.received",
            Module::Mediation => "mediation.disputes",
            Module::Enforcement => "enforcement.cases_decided",
        }
    }

    /// The words a `by_…` map is counted over, when they form a closed list: every word is a
    /// figure (0 in a year without such records); any other word is unknown.
    fn words(self, map: &str) -> Option<Vec<&'static str>> {
        use mediation::{DisputeType, OrganizationKind, Source};
        use power::model::{AdjustmentKind, ItemType};
        use reconsideration::model::{DecisionType, Method};
        fn labels<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> Option<Vec<&'static str>> {
            Some(all.iter().map(|t| label(*t)).collect())
        }
        match (self, map) {
            (Module::Power, "by_type" | "delegated_by_type" | "pending_delegations_by_type") => {
                labels(ItemType::ALL, ItemType::label)
            }
            (Module::Power, "adjustments_by_type") => {
                labels(AdjustmentKind::ALL, AdjustmentKind::label)
            }
            (Module::Reconsideration, "by_decision_type") => {
                labels(DecisionType::ALL, DecisionType::label)
            }
            (Module::Reconsideration, "by_method") => labels(Method::ALL, Method::label),
            (Module::Mediation, "by_type") => labels(DisputeType::ALL, DisputeType::label),
            (Module::Mediation, "by_source") => labels(Source::ALL, Source::label),
            (Module::Mediation, "organizations_by_type" | "standardized_by_type") => {
                labels(OrganizationKind::ALL, OrganizationKind::label)
            }
            (Module::Enforcement, "by_procedure") => {
                labels(enforcement::Procedure::ALL, enforcement::Procedure::label)
            }
            (Module::Enforcement, "by_decision") => {
                labels(enforcement::Decision::ALL, enforcement::Decision::label)
            }
            (Module::Enforcement, "by_penalty_type") => labels(
                enforcement::PenaltyType::ALL,
                enforcement::PenaltyType::label,
            ),
            (Module::Enforcement, "inspections_by_method") => labels(
                enforcement::InspectionMethod::ALL,
                enforcement::InspectionMethod::label,
            ),
            _ => None,
        }
    }
}

/// A module's figures as `fazhi stats MODULE --json` prints them, with the definitions.
#[derive(Clone, Debug)]
pub struct ModuleFigures {
    pub value: serde_json::Value,
    pub definitions: Vec<(String, String)>,
}

impl Module {
    /// The figures' Chinese names (收到申请数), declared by the module beside its statistics.
    pub fn names(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Module::Power => power::NAMES,
            Module::Reconsideration => reconsideration::NAMES,
            Module::Mediation => mediation::NAMES,
            Module::Enforcement => enforcement::NAMES,
        }
    }
}

/// The Chinese name of a module's figure `key` (`by_decision_type.撤销`: the map's name and the
/// word), or the key itself for a figure the module has not named.
pub fn name(module: Module, key: &str) -> String {
    let (map, word) = key.split_once('.').unwrap_or((key, ""));
    let base = module
        .names()
        .iter()
        .find(|(k, _)| *k == map)
        .map_or(map, |(_, n)| *n);
    if word.is_empty() {
        base.to_string()
    } else {
        format!("{base}·{word}")
    }
}

/// The Chinese name of a full key (`reconsideration.received` → 行政复议·收到申请数).
pub fn full_name(key: &str) -> String {
    match key
        .split_once('.')
        .and_then(|(m, rest)| Some((Module::parse(m)?, rest)))
    {
        Some((module, rest)) => format!("{}·{}", module.label(), name(module, rest)),
        None => key.to_string(),
    }
}

fn json(v: impl Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| Error::Invalid(e.to_string()))
}

/// The year's figures of one module, for the whole database or for `org` and everything below
/// it: the one call behind `fazhi stats` and the report.
pub async fn module_figures(
    platform: &Platform,
    module: Module,
    year: i32,
    org: Option<&Org>,
) -> Result<ModuleFigures> {
    let owned = |d: &[(&str, &str)]| -> Vec<(String, String)> {
        d.iter()
            .map(|(k, t)| (k.to_string(), t.to_string()))
            .collect()
    };
    Ok(match module {
        Module::Power => ModuleFigures {
            value: json(power::Power::new(platform.clone()).stats(year, org).await?)?,
            definitions: owned(power::DEFINITIONS),
        },
        Module::Reconsideration => {
            let m = reconsideration::Reconsideration::new(platform.clone());
            ModuleFigures {
                value: json(m.stats(year, org).await?)?,
                definitions: m
                    .definitions()
                    .await?
                    .into_iter()
                    .map(|d| (d.key.to_string(), d.text))
                    .collect(),
            }
        }
        Module::Mediation => ModuleFigures {
            value: json(
                mediation::Mediation::new(platform.clone())
                    .stats(year, org)
                    .await?,
            )?,
            definitions: owned(mediation::DEFINITIONS),
        },
        Module::Enforcement => ModuleFigures {
            value: json(
                enforcement::Enforcement::new(platform.clone())
                    .stats(year, org)
                    .await?,
            )?,
            definitions: owned(enforcement::DEFINITIONS),
        },
    })
}

/// The definition of a module's figure `key` (a map's word appended as in [`Figures::add`]), for
/// the modules whose definitions are fixed (power, mediation).
pub fn definition(module: Module, key: &str) -> String {
    let definitions: &[(&str, &str)] = match module {
        Module::Power => power::DEFINITIONS,
        Module::Mediation => mediation::DEFINITIONS,
        Module::Enforcement => enforcement::DEFINITIONS,
        Module::Reconsideration => &[],
    };
    let (map, word) = key.split_once('.').unwrap_or((key, ""));
    let text = definitions
        .iter()
        .find(|(k, _)| *k == map)
        .map(|(_, d)| d.to_string())
        .unwrap_or_default();
    if word.is_empty() {
        text
    } else {
        format!("{text}：{word}")
    }
}

/// Whether a figure is a rate in percent, by its key's last word (`direct_correction_rate`,
/// `legal_reviewer_ratio`, `legal_review_coverage`).
pub fn is_rate(key: &str) -> bool {
    key.ends_with("_rate") || key.ends_with("_ratio") || key.ends_with("_coverage")
}

/// A figure's value: a count, a rate in percent (two decimals, half-up), or an amount of money
/// in yuan (two decimals).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    Count(u64),
    Rate(f64),
    Amount(f64),
}

impl Value {
    /// As the report states it: `26`, `15.38%`, `100.00%` (a rate with two decimals, as
    /// every rate is defined).
    pub fn shown(self) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Rate(r) => format!("{r:.2}%"),
            Value::Amount(a) => format!("{a:.2}"),
        }
    }

    pub fn is_zero(self) -> bool {
        match self {
            Value::Count(n) => n == 0,
            Value::Rate(r) | Value::Amount(r) => r == 0.0,
        }
    }
}

/// One figure: its key (kept in texts and links), Chinese name, value and definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub key: String,
    /// 行政复议·直接纠错率 (empty in reports stored before names existed: see [`Figure::label`]).
    #[serde(default)]
    pub name: String,
    pub value: Value,
    pub definition: String,
}

impl Figure {
    /// The name to show.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            full_name(&self.key)
        } else {
            self.name.clone()
        }
    }
}

/// Every figure of a year, by key.
#[derive(Clone, Debug, Default)]
pub struct Figures {
    pub year: i32,
    by_key: BTreeMap<String, Figure>,
    /// `module.map` of the maps, for the error that names a map without its word.
    maps: BTreeMap<String, Vec<String>>,
}

impl Figures {
    /// The figures of every module for `year` (`org` None: the whole database).
    pub async fn of_year(platform: &Platform, year: i32, org: Option<&Org>) -> Result<Figures> {
        let mut figures = Figures {
            year,
            ..Figures::default()
        };
        for module in Module::ALL {
            let m = module_figures(platform, *module, year, org).await?;
            figures.add(*module, &m);
        }
        Ok(figures)
    }

    /// No figures yet (see [`Figures::add`]).
    pub fn empty(year: i32) -> Figures {
        Figures {
            year,
            ..Figures::default()
        }
    }

    /// Adds a module's figures, the maps over closed lists filled with every word.
    pub fn add(&mut self, module: Module, m: &ModuleFigures) {
        let definition = |key: &str| {
            m.definitions
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, d)| d.clone())
                .unwrap_or_default()
        };
        let Some(object) = m.value.as_object() else {
            return;
        };
        for (key, v) in object {
            if key == "year" {
                continue;
            }
            let full = format!("{}.{key}", module.code());
            match v {
                serde_json::Value::Number(n) => {
                    let value = if is_rate(key) {
                        Value::Rate(n.as_f64().unwrap_or(0.0))
                    } else if key.ends_with("_yuan") {
                        Value::Amount(n.as_f64().unwrap_or(0.0))
                    } else {
                        Value::Count(n.as_u64().unwrap_or(0))
                    };
                    self.insert(full, value, definition(key));
                }
                serde_json::Value::Object(map) => {
                    let mut words: Vec<String> = module
                        .words(key)
                        .unwrap_or_default()
                        .into_iter()
                        .map(String::from)
                        .collect();
                    for word in map.keys() {
                        if !words.contains(word) {
                            words.push(word.clone());
                        }
                    }
                    for word in &words {
                        let n = map.get(word).and_then(|n| n.as_u64()).unwrap_or(0);
                        self.insert(
                            format!("{full}.{word}"),
                            Value::Count(n),
                            format!("{}：{word}", definition(key)),
                        );
                    }
                    self.maps.insert(full, words);
                }
                _ => {}
            }
        }
    }

    fn insert(&mut self, key: String, value: Value, definition: String) {
        self.by_key.insert(
            key.clone(),
            Figure {
                name: full_name(&key),
                key,
                value,
                definition,
            },
        );
    }

    /// The figure a key (`reconsideration.received`) or a Chinese name (行政复议·收到申请数)
    /// names.
    pub fn get(&self, key: &str) -> Option<&Figure> {
        self.by_key
            .get(key)
            .or_else(|| self.by_key.values().find(|f| f.name == key))
    }

    /// The breakdowns with at least one record, as charts (bars in the words' order).
    pub fn charts(&self) -> Vec<crate::model::Chart> {
        self.maps
            .iter()
            .filter_map(|(key, words)| {
                let bars: Vec<(String, u64)> = words
                    .iter()
                    .map(|w| {
                        let n = match self.by_key.get(&format!("{key}.{w}")) {
                            Some(Figure {
                                value: Value::Count(n),
                                ..
                            }) => *n,
                            _ => 0,
                        };
                        (w.clone(), n)
                    })
                    .collect();
                bars.iter()
                    .any(|(_, n)| *n > 0)
                    .then(|| crate::model::Chart {
                        key: key.clone(),
                        title: full_name(key),
                        bars,
                    })
            })
            .collect()
    }

    /// Every figure, by key.
    pub fn all(&self) -> impl Iterator<Item = &Figure> {
        self.by_key.values()
    }

    /// Why a key names no figure, in words a legal officer can act on.
    pub fn why_unknown(&self, key: &str) -> String {
        if let Some(words) = self.maps.get(key) {
            return format!(
                "“{key}”是分类计数，请写明类别，例如{{{key}.{}}}",
                words.first().map(String::as_str).unwrap_or("…")
            );
        }
        if let Some((map, word)) = key.rsplit_once('.')
            && let Some(words) = self.maps.get(map)
        {
            return format!("“{map}”没有“{word}”这一类（可用：{}）", words.join("、"));
        }
        if let Some(near) = self.nearest(key) {
            return format!("“{key}”不是数据项，是否是“{near}”？");
        }
        match key.split_once('.') {
            Some((module, _)) if Module::parse(module).is_none() => format!(
                "“{key}”不是数据项：没有“{module}”这个模块（可用：{}）",
                Module::ALL
                    .iter()
                    .map(|m| m.code())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            _ => format!("“{key}”不是数据项"),
        }
    }
}

impl Figures {
    /// The key a typo most likely meant: at most two characters away.
    fn nearest(&self, key: &str) -> Option<&str> {
        self.by_key
            .keys()
            .map(|k| (distance(k, key), k))
            .filter(|(d, _)| *d <= 2)
            .min()
            .map(|(_, k)| k.as_str())
    }
}

/// Edit distance in characters (Levenshtein).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_stated_with_two_decimals_as_defined() {
        assert_eq!(Value::Rate(15.38).shown(), "15.38%");
        assert_eq!(Value::Rate(100.0).shown(), "100.00%");
        assert_eq!(Value::Rate(42.3).shown(), "42.30%");
        assert_eq!(Value::Rate(0.0).shown(), "0.00%");
        assert_eq!(Value::Count(4840).shown(), "4840");
    }

    #[test]
    fn figures_have_chinese_names_and_are_found_by_them() {
        assert_eq!(
            full_name("reconsideration.direct_correction_rate"),
            "行政复议·直接纠错率"
        );
        assert_eq!(full_name("reconsideration.received"), "行政复议·收到申请数");
        assert_eq!(
            full_name("power.by_type.行政许可"),
            "权责清单·事项数（按类型）·行政许可"
        );
        // Every figure a module's statistics state has a name (no key shown to a reader).
        for module in Module::ALL {
            let stats = match module {
                Module::Power => json(power::PowerStats::default()),
                Module::Mediation => json(mediation::MediationStats::default()),
                Module::Enforcement => json(enforcement::EnforcementStats::default()),
                Module::Reconsideration => json(reconsideration::ReconsiderationStats::default()),
            }
            .unwrap();
            for key in stats.as_object().unwrap().keys().filter(|k| *k != "year") {
                assert!(
                    module.names().iter().any(|(k, _)| k == key),
                    "{module:?}.{key} has no name"
                );
            }
        }
        let mut f = Figures::empty(2020);
        f.insert(
            "reconsideration.received".into(),
            Value::Count(4),
            String::new(),
        );
        assert_eq!(
            f.get("行政复议·收到申请数").unwrap().key,
            "reconsideration.received"
        );
        let text = crate::template::readable(
            "收到{reconsideration.received}件，{year}年{{注}}",
            |k| f.get(k).map(|x| x.label()),
        );
        assert_eq!(text, "收到{行政复议·收到申请数}件，{年度}年{{注}}");
    }

    #[test]
    fn maps_over_closed_lists_hold_every_word_and_no_other() {
        let mut f = Figures::default();
        f.add(
            Module::Mediation,
            &ModuleFigures {
                value: serde_json::json!({"year": 2020, "disputes": 3, "success_rate": 50.0,
                    "organizations_by_type": {"村居": 1}}),
                definitions: vec![("organizations_by_type".into(), "调解组织".into())],
            },
        );
        assert_eq!(f.get("mediation.disputes").unwrap().value, Value::Count(3));
        assert_eq!(
            f.get("mediation.success_rate").unwrap().value,
            Value::Rate(50.0)
        );
        assert_eq!(
            f.get("mediation.organizations_by_type.企业").unwrap().value,
            Value::Count(0)
        );
        assert_eq!(
            f.get("mediation.organizations_by_type.村居")
                .unwrap()
                .definition,
            "调解组织：村居"
        );
        assert!(f.get("mediation.organizations_by_type.公司").is_none());
        assert!(f.get("mediation.year").is_none());
        assert!(
            f.why_unknown("mediation.organizations_by_type.公司")
                .contains("村居、企业")
        );
        assert!(
            f.why_unknown("mediation.organizations_by_type")
                .contains("请写明类别")
        );
        assert!(
            f.why_unknown("supervision.cases")
                .contains("没有“supervision”这个模块")
        );
        assert!(
            f.why_unknown("mediation.dispute")
                .contains("是否是“mediation.disputes”")
        );
        assert_eq!(super::distance("kitten", "sitting"), 3);
    }
}
