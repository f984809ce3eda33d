//! The table of stable error codes. Every error a user or API client can see maps to exactly one
//! code here; codes never change meaning once released.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Something failed inside fazhi; details are in the server log.
    Internal,
    /// The database could not be reached.
    DatabaseUnavailable,
    /// A value in the request is malformed (a date, an identifier, a number).
    InvalidInput,
    /// The request body is larger than allowed.
    PayloadTooLarge,
    /// The request body is not what the endpoint reads (JSON, form).
    MalformedBody,
    NotFound,
    /// Not logged in, or the session ended.
    Unauthenticated,
    /// Wrong user name or password. Never says which.
    LoginFailed,
    /// Too many failed logins; try again later.
    AccountLocked,
    /// The account is disabled.
    AccountDisabled,
    /// The role does not allow this.
    Forbidden,
    /// The record belongs to an organisation outside the user's scope.
    OutOfScope,
    /// The form's CSRF token is missing or wrong.
    CsrfRejected,
    /// The record already exists (a unique name or code).
    Conflict,
    /// A named business or statutory rule refused the change.
    RuleViolation,
    /// The new password does not meet the policy.
    PasswordPolicy,
    /// A ledger file was refused; the rows and reasons are listed.
    ImportRejected,
    /// A date outside the years whose holiday notices are known.
    CalendarUnknownYear,
    /// A stored file no longer matches the SM3 recorded when it was uploaded.
    Tampered,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 19] = [
        ErrorCode::Internal,
        ErrorCode::DatabaseUnavailable,
        ErrorCode::InvalidInput,
        ErrorCode::PayloadTooLarge,
        ErrorCode::MalformedBody,
        ErrorCode::NotFound,
        ErrorCode::Unauthenticated,
        ErrorCode::LoginFailed,
        ErrorCode::AccountLocked,
        ErrorCode::AccountDisabled,
        ErrorCode::Forbidden,
        ErrorCode::OutOfScope,
        ErrorCode::CsrfRejected,
        ErrorCode::Conflict,
        ErrorCode::RuleViolation,
        ErrorCode::PasswordPolicy,
        ErrorCode::ImportRejected,
        ErrorCode::CalendarUnknownYear,
        ErrorCode::Tampered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Internal => "internal",
            ErrorCode::DatabaseUnavailable => "database_unavailable",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::MalformedBody => "malformed_body",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::LoginFailed => "login_failed",
            ErrorCode::AccountLocked => "account_locked",
            ErrorCode::AccountDisabled => "account_disabled",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::OutOfScope => "out_of_scope",
            ErrorCode::CsrfRejected => "csrf_rejected",
            ErrorCode::Conflict => "conflict",
            ErrorCode::RuleViolation => "rule_violation",
            ErrorCode::PasswordPolicy => "password_policy",
            ErrorCode::ImportRejected => "import_rejected",
            ErrorCode::CalendarUnknownYear => "calendar_unknown_year",
            ErrorCode::Tampered => "tampered",
        }
    }

    /// The HTTP status the web layer answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Internal | ErrorCode::Tampered => 500,
            ErrorCode::DatabaseUnavailable => 503,
            ErrorCode::InvalidInput | ErrorCode::MalformedBody => 400,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::NotFound => 404,
            ErrorCode::Unauthenticated | ErrorCode::LoginFailed => 401,
            ErrorCode::AccountLocked => 423,
            ErrorCode::AccountDisabled
            | ErrorCode::Forbidden
            | ErrorCode::OutOfScope
            | ErrorCode::CsrfRejected => 403,
            ErrorCode::Conflict => 409,
            ErrorCode::RuleViolation
            | ErrorCode::PasswordPolicy
            | ErrorCode::ImportRejected
            | ErrorCode::CalendarUnknownYear => 422,
        }
    }

    /// A short Chinese title for error pages.
    pub fn title(self) -> &'static str {
        match self {
            ErrorCode::Internal => "系统内部错误",
            ErrorCode::DatabaseUnavailable => "数据库暂不可用",
            ErrorCode::InvalidInput => "输入有误",
            ErrorCode::PayloadTooLarge => "提交的内容过大",
            ErrorCode::MalformedBody => "提交的内容格式有误",
            ErrorCode::NotFound => "未找到",
            ErrorCode::Unauthenticated => "请先登录",
            ErrorCode::LoginFailed => "登录失败",
            ErrorCode::AccountLocked => "账户已锁定",
            ErrorCode::AccountDisabled => "账户已停用",
            ErrorCode::Forbidden => "无权操作",
            ErrorCode::OutOfScope => "超出管辖范围",
            ErrorCode::CsrfRejected => "表单已失效",
            ErrorCode::Conflict => "记录已存在",
            ErrorCode::RuleViolation => "不符合规定",
            ErrorCode::PasswordPolicy => "密码不符合要求",
            ErrorCode::ImportRejected => "台账未导入",
            ErrorCode::CalendarUnknownYear => "缺少节假日安排",
            ErrorCode::Tampered => "文件校验未通过",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_listed() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code:?}");
            assert!((400..600).contains(&code.http_status()));
        }
    }
}
