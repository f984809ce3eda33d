//! The demonstration district: 常州市新北区 (320411), its departments and its ten towns and
//! streets, and one account per role. Everything goes in through the product's own paths (the
//! organizations ledger importer, the account service), so the demo is records, not figures.
//! Module crates add their demonstration records here as they arrive.

pub mod enforcement;
pub mod mediation;
pub mod power;
pub mod reconsideration;
pub mod report;
mod vocabulary;

use kernel::crypto::random_token;
use kernel::{Role, Uscc};
use ledger::ImportMode;
use platform::{Actor, NewUser, ORGANIZATIONS, Platform};

pub const DISTRICT: &str = "新北区";
const DISTRICT_CODE: &str = "320411";

/// The district government's working departments.
const DEPARTMENTS: &[&str] = &[
    "区政府办公室",
    "发改局",
    "教育局",
    "科技局",
    "工信局",
    "公安分局",
    "民政局",
    "司法局",
    "财政局",
    "人社局",
    "自然资源和规划分局",
    "生态环境局",
    "住建局",
    "交通局",
    "水利局",
    "农业农村局",
    "商务局",
    "文体旅局",
    "卫健局",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监管局",
    "统计局",
    "医保局",
    "城管局",
    "行政审批局",
    "信访局",
    "机关事务管理局",
    "综合行政执法局",
    "数据局",
    "国资办",
    "投资促进局",
    "税务局",
    "消防救援大队",
    "档案馆",
    "人防办",
    "民族宗教事务局",
    "外事办",
    "地方金融监管局",
];

const STREETS: &[&str] = &["三井街道", "龙虎塘街道", "春江街道", "魏村街道", "新桥街道"];
const TOWNS: &[&str] = &["孟河镇", "薛家镇", "罗溪镇", "西夏墅镇", "奔牛镇"];
const JUSTICE_SECTIONS: &[&str] = &["法治调研科", "行政复议与应诉科", "人民参与和促进法治科"];

/// One account per role.
const ACCOUNTS: &[(&str, &str, &str, Role)] = &[
    ("admin", "系统管理员", DISTRICT, Role::SystemAdmin),
    ("security", "安全管理员", DISTRICT, Role::SecurityAdmin),
    ("auditor", "审计管理员", DISTRICT, Role::AuditAdmin),
    ("sfj", "司法局法制工作人员", "司法局", Role::LegalAffairs),
    ("sfjld", "司法局分管负责人", "司法局", Role::LegalAffairs),
    ("fgj", "发改局法制员", "发改局", Role::DepartmentOfficer),
    (
        "scjg",
        "市场监管局法制员",
        "市场监管局",
        Role::DepartmentOfficer,
    ),
    ("menghe", "孟河镇法制员", "孟河镇", Role::TownOfficer),
    ("viewer", "只读用户", DISTRICT, Role::Viewer),
];

pub struct DemoLogin {
    pub username: &'static str,
    pub role: &'static str,
    pub org: &'static str,
}

/// The organizations ledger of the demo district.
fn organizations_csv() -> String {
    let mut csv = String::from("名称,类型,上级,行政区划代码,统一社会信用代码\n");
    csv.push_str(&format!("{DISTRICT},区,,{DISTRICT_CODE},\n"));
    for (i, name) in DEPARTMENTS.iter().enumerate() {
        // 机关 codes (机构编制 1, category 1) registered in the district, with valid check characters.
        let uscc = Uscc::from_parts(
            '1',
            '1',
            DISTRICT_CODE,
            &format!("{:08}", 14_110_000 + i * 7),
        )
        .map(|u| u.to_string())
        .unwrap_or_default();
        csv.push_str(&format!("{name},部门,{DISTRICT},,{uscc}\n"));
    }
    for name in STREETS {
        csv.push_str(&format!("{name},街道,{DISTRICT},,\n"));
    }
    for name in TOWNS {
        csv.push_str(&format!("{name},镇,{DISTRICT},,\n"));
    }
    for name in JUSTICE_SECTIONS {
        csv.push_str(&format!("{name},科室,司法局,,\n"));
    }
    csv
}

/// A password that meets the default policy, different for every demo database.
fn demo_password() -> String {
    format!("Fz{}!", &random_token()[..8])
}

/// Loads the demo district into an empty database. Returns the accounts and their password.
pub async fn load(platform: &Platform, actor: &Actor) -> Result<(Vec<DemoLogin>, String), String> {
    let csv = organizations_csv();
    let records = ledger::read_bytes("demo.csv", csv.as_bytes())
        .and_then(|sheet| sheet.records(&ORGANIZATIONS))
        .map_err(|e| e.to_string())?;
    platform
        .import_orgs(actor, &records, ImportMode::default())
        .await
        .map_err(|e| e.to_string())?;
    let password = demo_password();
    let mut logins = Vec::new();
    for (username, name, org, role) in ACCOUNTS {
        let org_id = platform
            .resolve_org(org)
            .await
            .map_err(|e| e.to_string())?
            .id;
        let new = NewUser {
            username: (*username).into(),
            display_name: (*name).into(),
            org_id,
            role: *role,
            password: password.clone(),
            phone: None,
            must_change_password: false,
        };
        platform
            .create_user(actor, new)
            .await
            .map_err(|e| e.to_string())?;
        logins.push(DemoLogin {
            username,
            role: role.label(),
            org,
        });
    }
    Ok((logins, password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_district_has_forty_departments_and_ten_towns() {
        assert_eq!(DEPARTMENTS.len(), 40);
        assert_eq!(STREETS.len() + TOWNS.len(), 10);
        let csv = organizations_csv();
        assert_eq!(csv.lines().count(), 1 + 1 + 40 + 10 + 3);
        assert!(
            csv.lines().nth(2).unwrap().ends_with(
                &Uscc::from_parts('1', '1', "320411", "14110000")
                    .unwrap()
                    .to_string()
            )
        );
        assert!(demo_password().len() >= 8);
        assert!(
            kernel::password::PasswordPolicy::default()
                .check(&demo_password(), "admin")
                .is_ok()
        );
    }
}
