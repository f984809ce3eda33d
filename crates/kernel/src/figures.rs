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

#[cfg(test)]
mod tests {
    use super::percent;

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
