//! Password policy (口令复杂度), a setting with 等保 defaults: at least 8 characters from at
//! least 3 of the 4 classes (upper case, lower case, digits, symbols).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub min_classes: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 8,
            min_classes: 3,
        }
    }
}

/// Long enough for any passphrase, short enough that hashing it cannot be used to exhaust the
/// server.
pub const MAX_LENGTH: usize = 128;

impl PasswordPolicy {
    /// Checks a new password; `username` may not appear in it.
    pub fn check(&self, password: &str, username: &str) -> Result<(), String> {
        let length = password.chars().count();
        if length < self.min_length {
            return Err(format!("密码至少{}位", self.min_length));
        }
        if length > MAX_LENGTH {
            return Err(format!("密码最多{MAX_LENGTH}位"));
        }
        let classes = [
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if classes < self.min_classes {
            return Err(format!(
                "密码须包含大写字母、小写字母、数字、符号中的至少{}类",
                self.min_classes
            ));
        }
        let lower = password.to_lowercase();
        if !username.is_empty() && lower.contains(&username.to_lowercase()) {
            return Err("密码不能包含用户名".into());
        }
        Ok(())
    }

    /// The rule in words, shown beside the password field.
    pub fn describe(&self) -> String {
        format!(
            "至少{}位，包含大写字母、小写字母、数字、符号中的至少{}类，且不含用户名",
            self.min_length, self.min_classes
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy() {
        let p = PasswordPolicy::default();
        assert!(p.check("Fazhi2020!", "zhang").is_ok());
        assert!(p.check("fazhi2020", "zhang").is_err(), "two classes");
        assert!(p.check("Fa2020!", "zhang").is_err(), "seven characters");
        assert!(
            p.check("Zhang2020!", "zhang").is_err(),
            "contains the username"
        );
        assert!(p.check(&"Aa1!".repeat(40), "x").is_err(), "too long");
    }
}
