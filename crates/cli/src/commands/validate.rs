//! `fazhi validate`: exit 0 and print the normalised value when valid; exit 1 and print the
//! reason when not (DESIGN §4.3).

use std::process::ExitCode;

use clap::Subcommand;
use kernel::{DivisionCode, DocNumber, IdNumber, IdentifierError, Uscc};

#[derive(Subcommand)]
pub enum ValidateCommand {
    /// 统一社会信用代码（GB 32100）
    Uscc { code: String },
    /// 公民身份号码（GB 11643）
    Id { number: String },
    /// 行政区划代码（GB/T 2260）
    Division { code: String },
    /// 文号，如 常新政规〔2020〕1号
    Docnumber { text: String },
}

pub fn run(command: ValidateCommand) -> ExitCode {
    let (what, result): (&str, Result<String, IdentifierError>) = match command {
        ValidateCommand::Uscc { code } => (
            "统一社会信用代码",
            Uscc::parse(&code).map(|v| v.to_string()),
        ),
        ValidateCommand::Id { number } => (
            "公民身份号码",
            IdNumber::parse(&number).map(|v| v.to_string()),
        ),
        ValidateCommand::Division { code } => (
            "行政区划代码",
            DivisionCode::parse(&code).map(|v| v.to_string()),
        ),
        ValidateCommand::Docnumber { text } => {
            ("文号", DocNumber::parse(&text).map(|v| v.to_string()))
        }
    };
    match result {
        Ok(normalized) => {
            println!("{normalized}");
            ExitCode::SUCCESS
        }
        Err(reason) => {
            println!("无效的{what}：{reason}");
            ExitCode::from(1)
        }
    }
}
