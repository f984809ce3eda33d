//! How figures are stated: rates are percentages rounded half-up to two decimals (DESIGN §4.5),
//! computed in integers so that 4 of 26 is 15.38 on every machine.

/// `part ÷ whole` as a percentage rounded half-up to two decimals; 0 when `whole` is 0.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    // Hundredths of a percent, rounded half-up: (part × 10000 + whole/2) ÷ whole.
    let hundredths = (u128::from(part) * 20_000 + u128::from(whole)) / (2 * u128::from(whole));
    hundredths as f64 / 100.0
}

/// One record behind a figure: which kind of record, its id, how it is called, and the day that
/// put it into the figure's year.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct RecordRef {
    pub date: Option<chrono::NaiveDate>,
    pub title: String,
    /// `power_item`, `power_adjustment`, `org`, `reconsideration_case`, `mediation_dispute`,
    /// `mediation_organization`, `mediator`: the web layer knows each kind's page.
    pub kind: &'static str,
    pub id: String,
}

/// Where a module's statistics put each record. Counting, it only counts (the statistics);
/// collecting one key, it also keeps the records counted under that key, so the list behind a
/// figure comes from the figure's own classification and cannot drift from it.
#[derive(Debug, Default)]
pub struct Tally {
    want: Option<String>,
    records: Vec<RecordRef>,
}

impl Tally {
    /// Counts only.
    pub fn counting() -> Tally {
        Tally::default()
    }

    /// Keeps the records counted under `key` (`direct_corrections`, `by_type.行政许可`).
    pub fn collecting(key: &str) -> Tally {
        Tally {
            want: Some(key.to_string()),
            records: Vec::new(),
        }
    }

    pub fn is_collecting(&self) -> bool {
        self.want.is_some()
    }

    /// Whether a query whose rows count under these keys (or maps) must run: always when
    /// counting; when collecting, only if the wanted key is one of them or a word of one.
    pub fn wants_any(&self, keys: &[&str]) -> bool {
        match &self.want {
            None => true,
            Some(want) => keys.iter().any(|k| {
                want == k
                    || want
                        .strip_prefix(k)
                        .is_some_and(|rest| rest.starts_with('.'))
            }),
        }
    }

    /// A record counted under `key`.
    pub fn note(&mut self, key: &str, record: Option<&RecordRef>) {
        if let (Some(want), Some(r)) = (&self.want, record)
            && want == key
        {
            self.records.push(r.clone());
        }
    }

    /// A record counted under the word `label` of the map `map`.
    pub fn note_in(&mut self, map: &str, label: &str, record: Option<&RecordRef>) {
        if let (Some(want), Some(r)) = (&self.want, record)
            && want.strip_prefix(map).and_then(|w| w.strip_prefix('.')) == Some(label)
        {
            self.records.push(r.clone());
        }
    }

    /// The records kept, by date and title.
    pub fn into_records(mut self) -> Vec<RecordRef> {
        self.records.sort();
        self.records
    }
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn a_tally_keeps_only_the_records_of_its_key() {
        use super::{RecordRef, Tally};
        let r = |id: &str| RecordRef {
            date: None,
            title: id.into(),
            kind: "t",
            id: id.into(),
        };
        let mut t = Tally::collecting("by_type.企业");
        t.note("by_type", Some(&r("a")));
        t.note_in("by_type", "企业", Some(&r("b")));
        t.note_in("by_type", "企业家", Some(&r("c")));
        t.note_in("by_typ", "e.企业", Some(&r("d")));
        t.note_in("by_type", "企业", None);
        assert!(t.wants_any(&["disputes", "by_type"]) && !t.wants_any(&["by_source", "by_typ"]));
        assert_eq!(t.into_records(), vec![r("b")]);
        let mut counting = Tally::counting();
        counting.note("x", Some(&r("a")));
        assert!(counting.wants_any(&["x"]));
        assert!(!counting.is_collecting() && counting.into_records().is_empty());
    }

    #[test]
    fn rates_round_half_up_to_two_decimals() {
        assert_eq!(percent(4, 26), 15.38);
        assert_eq!(percent(11, 26), 42.31);
        assert_eq!(percent(1, 3), 33.33);
        assert_eq!(percent(2, 3), 66.67);
        // 1/8 = 12.5 %, 1/16 = 6.25 %, 1/32 = 3.125 % → 3.13 (half-up, not half-even).
        assert_eq!(percent(1, 32), 3.13);
        assert_eq!(percent(0, 0), 0.0);
        assert_eq!(percent(26, 26), 100.0);
    }
}
