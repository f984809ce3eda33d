//! Settings: every rule the statutes or 等保 leave to the deployment, with its default.
//!
//! A setting is declared once as a [`SettingDef`] (key, Chinese label, default, range); stored
//! values override defaults. Modules declare their own settings the same way.

use std::collections::HashMap;

use crate::calendar::CalendarPolicy;
use crate::org::Permission;
use crate::password::PasswordPolicy;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingKind {
    Integer {
        min: i64,
        max: i64,
    },
    Boolean,
    /// Free text, at most 200 characters (a name, a path).
    Text,
    /// A numbering series such as 新复〔{年}〕{号}号 (see [`crate::numbering`]); empty: follow
    /// the series the latest numbers already use.
    NumberPattern,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingDef {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub default: &'static str,
    pub kind: SettingKind,
    /// Who may change it.
    pub permission: Permission,
}

impl SettingDef {
    /// Checks and normalises a value typed by an administrator.
    pub fn parse(&self, value: &str) -> Result<String, String> {
        let v = value.trim();
        match self.kind {
            SettingKind::Integer { min, max } => match v.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n.to_string()),
                _ => Err(format!("“{}”应为{min}至{max}之间的整数", self.label)),
            },
            SettingKind::Boolean => match v {
                "true" | "是" | "1" | "on" => Ok("true".into()),
                "false" | "否" | "0" | "off" => Ok("false".into()),
                _ => Err(format!("“{}”应为“是”或“否”", self.label)),
            },
            SettingKind::Text if v.chars().count() <= 200 => Ok(v.to_string()),
            SettingKind::Text => Err(format!("“{}”最多200个字", self.label)),
            SettingKind::NumberPattern if v.is_empty() => Ok(String::new()),
            SettingKind::NumberPattern if v.chars().count() > 50 => {
                Err(format!("“{}”最多50个字", self.label))
            }
            SettingKind::NumberPattern => crate::numbering::check_pattern(v)
                .map(|()| v.to_string())
                .map_err(|e| format!("“{}”：{e}", self.label)),
        }
    }
}

pub const LOCKOUT_THRESHOLD: SettingDef = SettingDef {
    key: "security.lockout_threshold",
    label: "连续登录失败锁定次数",
    help: "连续输错密码达到此次数后锁定账户",
    default: "5",
    kind: SettingKind::Integer { min: 3, max: 20 },
    permission: Permission::ManageSecuritySettings,
};
pub const LOCKOUT_MINUTES: SettingDef = SettingDef {
    key: "security.lockout_minutes",
    label: "账户锁定时长（分钟）",
    help: "锁定期满后可再次登录；安全管理员也可提前解锁",
    default: "30",
    kind: SettingKind::Integer { min: 5, max: 1440 },
    permission: Permission::ManageSecuritySettings,
};
pub const IDLE_TIMEOUT_MINUTES: SettingDef = SettingDef {
    key: "security.idle_timeout_minutes",
    label: "会话空闲超时（分钟）",
    help: "无操作超过此时长后须重新登录",
    default: "30",
    kind: SettingKind::Integer { min: 5, max: 480 },
    permission: Permission::ManageSecuritySettings,
};
pub const PASSWORD_MIN_LENGTH: SettingDef = SettingDef {
    key: "security.password_min_length",
    label: "密码最短长度",
    help: "等保三级要求不少于8位",
    default: "8",
    kind: SettingKind::Integer { min: 8, max: 64 },
    permission: Permission::ManageSecuritySettings,
};
pub const PASSWORD_MIN_CLASSES: SettingDef = SettingDef {
    key: "security.password_min_classes",
    label: "密码字符种类下限",
    help: "大写字母、小写字母、数字、符号四类中至少包含的种类数",
    default: "3",
    kind: SettingKind::Integer { min: 2, max: 4 },
    permission: Permission::ManageSecuritySettings,
};
pub const ROLL_OVER_WEEKENDS: SettingDef = SettingDef {
    key: "calendar.roll_over_weekends",
    label: "期间届满日为周末时顺延",
    help: "民事诉讼法第八十五条“法定休假日”是否包括周末；通行做法为包括",
    default: "true",
    kind: SettingKind::Boolean,
    permission: Permission::ManageCalendar,
};
pub const MAKE_UP_DAYS_ARE_WORKDAYS: SettingDef = SettingDef {
    key: "calendar.make_up_days_are_workdays",
    label: "调休上班日计为工作日",
    help: "计算工作日期间时，国务院通知中的调休上班日（周六、周日）是否计入",
    default: "true",
    kind: SettingKind::Boolean,
    permission: Permission::ManageCalendar,
};

pub const ATTACHMENT_MAX_MB: SettingDef = SettingDef {
    key: "attachments.max_mb",
    label: "附件大小上限（MB）",
    help: "上传的每个附件（扫描件、照片、录音录像等）最大的大小",
    default: "20",
    kind: SettingKind::Integer { min: 1, max: 20 },
    permission: Permission::ManageSecuritySettings,
};

/// The foundation's settings, in the order the settings page shows them.
pub const FOUNDATION: &[SettingDef] = &[
    LOCKOUT_THRESHOLD,
    LOCKOUT_MINUTES,
    IDLE_TIMEOUT_MINUTES,
    PASSWORD_MIN_LENGTH,
    PASSWORD_MIN_CLASSES,
    ROLL_OVER_WEEKENDS,
    MAKE_UP_DAYS_ARE_WORKDAYS,
    ATTACHMENT_MAX_MB,
];

/// The security settings, read together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecuritySettings {
    pub lockout_threshold: i64,
    pub lockout_minutes: i64,
    pub idle_timeout_minutes: i64,
    pub password: PasswordPolicy,
}

/// Stored setting values over their defaults.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    values: HashMap<String, String>,
}

impl Settings {
    pub fn from_stored(values: impl IntoIterator<Item = (String, String)>) -> Settings {
        Settings {
            values: values.into_iter().collect(),
        }
    }

    /// The value in force: the stored one if it is valid, else the default.
    pub fn value(&self, def: &SettingDef) -> String {
        self.values
            .get(def.key)
            .and_then(|v| def.parse(v).ok())
            .unwrap_or_else(|| def.default.to_string())
    }

    pub fn int(&self, def: &SettingDef) -> i64 {
        self.value(def).parse().unwrap_or_default()
    }

    pub fn bool(&self, def: &SettingDef) -> bool {
        self.value(def) == "true"
    }

    pub fn security(&self) -> SecuritySettings {
        SecuritySettings {
            lockout_threshold: self.int(&LOCKOUT_THRESHOLD),
            lockout_minutes: self.int(&LOCKOUT_MINUTES),
            idle_timeout_minutes: self.int(&IDLE_TIMEOUT_MINUTES),
            password: PasswordPolicy {
                min_length: self.int(&PASSWORD_MIN_LENGTH) as usize,
                min_classes: self.int(&PASSWORD_MIN_CLASSES) as usize,
            },
        }
    }

    pub fn calendar_policy(&self) -> CalendarPolicy {
        CalendarPolicy {
            roll_over_weekends: self.bool(&ROLL_OVER_WEEKENDS),
            make_up_days_are_workdays: self.bool(&MAKE_UP_DAYS_ARE_WORKDAYS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_dengbao() {
        let s = Settings::default().security();
        assert_eq!(
            (
                s.lockout_threshold,
                s.lockout_minutes,
                s.idle_timeout_minutes
            ),
            (5, 30, 30)
        );
        assert_eq!(s.password, PasswordPolicy::default());
        assert_eq!(
            Settings::default().calendar_policy(),
            CalendarPolicy::default()
        );
    }

    #[test]
    fn stored_values_override_and_bad_ones_fall_back() {
        let s = Settings::from_stored([
            ("security.lockout_threshold".to_string(), "10".to_string()),
            ("security.idle_timeout_minutes".to_string(), "1".to_string()),
        ]);
        assert_eq!(s.security().lockout_threshold, 10);
        assert_eq!(
            s.security().idle_timeout_minutes,
            30,
            "out of range falls back to the default"
        );
        assert!(LOCKOUT_THRESHOLD.parse("0").is_err());
        assert_eq!(ROLL_OVER_WEEKENDS.parse("否"), Ok("false".into()));
    }
}
