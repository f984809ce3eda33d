//! `fazhi admin create`: the first administrator (or any account) made from the command line.

use std::io::BufRead;
use std::process::ExitCode;

use clap::Subcommand;
use kernel::{OrgKind, Role};
use platform::{NewOrg, NewUser};

use crate::context::Context;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// 创建账户（默认为系统管理员）。密码取自 --password、环境变量 FAZHI_ADMIN_PASSWORD 或标准输入的一行
    Create {
        #[arg(long)]
        username: String,
        /// 姓名
        #[arg(long)]
        name: String,
        /// 所属机构（名称或路径）；数据库中还没有任何机构时，以此名称新建顶层机构
        #[arg(long)]
        org: String,
        /// 新建顶层机构时的类型：省、市、区或县
        #[arg(long, default_value = "区")]
        org_kind: String,
        /// 角色代码：system_admin、security_admin、audit_admin、legal_affairs、department_officer、town_officer、viewer
        #[arg(long, default_value = "system_admin")]
        role: String,
        #[arg(long)]
        password: Option<String>,
    },
}

pub async fn run(context: &Context, command: AdminCommand) -> Result<ExitCode, String> {
    let AdminCommand::Create {
        username,
        name,
        org,
        org_kind,
        role,
        password,
    } = command;
    let role = Role::from_code(&role).ok_or_else(|| format!("未知的角色“{role}”"))?;
    let password = match password.or_else(|| std::env::var("FAZHI_ADMIN_PASSWORD").ok()) {
        Some(p) => p,
        None => {
            eprintln!("请输入密码（一行）：");
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| format!("无法读取密码：{e}"))?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let platform = context.platform().await?;
    let actor = context.actor();
    let org_id = match platform.resolve_org(&org).await {
        Ok(found) => found.id,
        Err(_)
            if platform
                .directory()
                .await
                .map_err(|e| e.to_string())?
                .is_empty() =>
        {
            let kind = OrgKind::from_label(&org_kind)
                .ok_or_else(|| format!("未知的机构类型“{org_kind}”"))?;
            let created = platform
                .create_org(
                    &actor,
                    NewOrg {
                        name: org.clone(),
                        kind,
                        parent_id: None,
                        division_code: None,
                        uscc: None,
                    },
                )
                .await
                .map_err(|e| e.to_string())?;
            println!("已新建顶层机构：{}（{}）", created.name, kind.label());
            created.id
        }
        Err(e) => return Err(e.to_string()),
    };
    let user = platform
        .create_user(
            &actor,
            NewUser {
                username,
                display_name: name,
                org_id,
                role,
                password,
                phone: None,
                must_change_password: false,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "已创建账户：{}（{}，{}）",
        user.username,
        user.role.label(),
        user.org_name
    );
    Ok(ExitCode::SUCCESS)
}
