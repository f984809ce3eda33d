//! `fazhi report` on the demo district: the 2020 report in its three formats (snapshots), the
//! figures of the 新北区 2020 report in them, every figure of the HTML a link to its records, the
//! check, and the refusals (this file writes unknown keys on purpose).

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_fazhi");

fn fazhi(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("FAZHI_DATABASE_URL")
        .env_remove("FAZHI_SM4_KEY")
        .env_remove("FAZHI_LAWS_CORPUS")
        .args(args)
        .output()
        .expect("run fazhi")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The paragraphs of a .docx's main part, one line each.
fn docx_text(path: &Path) -> (String, String) {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).expect("a .docx is a zip package");
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    let mut lines = Vec::new();
    for paragraph in xml.split("</w:p>") {
        let mut line = String::new();
        let mut rest = paragraph;
        while let Some(start) = rest.find("<w:t") {
            let after = &rest[start..];
            let Some(open_end) = after.find('>') else {
                break;
            };
            let body = &after[open_end + 1..];
            let Some(close) = body.find("</w:t>") else {
                break;
            };
            if !after[..open_end].ends_with('/') {
                line.push_str(&body[..close]);
            }
            rest = &body[close..];
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    (xml, lines.join("\n"))
}

#[test]
fn the_demo_report_of_2020_states_the_district_figures_in_three_formats() {
    let dir = tempfile::tempdir().unwrap();
    ok(&fazhi(dir.path(), &["demo"]));
    let out = |ext: &str| dir.path().join(format!("report.{ext}"));
    for ext in ["md", "html", "docx"] {
        let printed = ok(&fazhi(
            dir.path(),
            &[
                "report",
                "annual",
                "--year",
                "2020",
                "--date",
                "2021-03-26",
                "--base-url",
                "https://fazhi.example.gov.cn",
                "--out",
                out(ext).to_str().unwrap(),
            ],
        ));
        assert!(
            printed.contains("新北区2020年法治政府建设年度报告"),
            "{printed}"
        );
    }
    let md = std::fs::read_to_string(out("md")).unwrap();
    // The figures of the 新北区 2020 report, from the demo's records.
    for stated in [
        "权力事项4840项",
        "在10个部门调整事项288项",
        "赋权行政许可事项42项、公共服务事项95项",
        "行政处罚事项376项拟下放",
        "全年共收到行政复议申请26件，受理26件，办结26件，直接纠错4件，直接纠错率15.38%",
        "制发行政复议意见书7份，经调解、和解后申请人撤回申请7件，综合纠错11件，综合纠错率42.31%",
        "受理矛盾纠纷14184件",
        "调解成功率100.00%",
        "企业调解室25个、商会调解室4个、家事调解室3个",
    ] {
        assert!(md.contains(stated), "{stated} in\n{md}");
    }
    insta::assert_snapshot!("report_2020_md", md);

    let html = std::fs::read_to_string(out("html")).unwrap();
    insta::assert_snapshot!("report_2020_html", html);
    // Every figure in the text is a link to the records behind it.
    let figures = html.matches("<a class=\"figure\"").count();
    assert!(figures > 30, "{figures}");
    assert_eq!(
        figures,
        html.matches(
            "<a class=\"figure\" href=\"https://fazhi.example.gov.cn/report/2020/figures/"
        )
        .count()
    );
    assert!(html.contains("data-key=\"reconsideration.direct_correction_rate\">15.38%</a>"));

    let (xml, text) = docx_text(&out("docx"));
    insta::assert_snapshot!("report_2020_docx", text);
    // GB/T 9704: A4, 小标宋 title, 仿宋_GB2312 body, 黑体 and 楷体 headings, page numbers.
    assert!(
        xml.contains("w:w=\"11906\"") && xml.contains("w:h=\"16838\""),
        "A4"
    );
    for font in ["方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"] {
        assert!(xml.contains(font), "{font}");
    }
    assert!(
        xml.contains("footerReference"),
        "page numbers in the footer"
    );

    // The demo's staff wrote every section: the check finds nothing blocking.
    let check = fazhi(dir.path(), &["report", "check", "--year", "2020"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    // 2021 has no staff text yet: the check lists the three sections and fails.
    let check = fazhi(dir.path(), &["report", "check", "--year", "2021"]);
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(
        !check.status.success() && said.matches("【须完善】").count() == 3,
        "{said}"
    );
    assert!(said.contains("没有2021年的记录"), "{said}");

    // Bad input: an unknown format, an unknown key in a section file, an unknown module.
    let bad = fazhi(
        dir.path(),
        &["report", "annual", "--year", "2020", "--out", "report.pdf"],
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains(".docx、.html 或 .md"));
    let section = dir.path().join("plan.txt");
    std::fs::write(
        &section,
        "{next_year}年办结{reconsideration.concluded_cases}件",
    )
    .unwrap();
    let bad = fazhi(
        dir.path(),
        &[
            "report",
            "write",
            "--year",
            "2021",
            "--section",
            "plan",
            section.to_str().unwrap(),
        ],
    );
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(
        !bad.status.success() && said.contains("reconsideration.concluded_cases"),
        "{said}"
    );
    let bad = fazhi(dir.path(), &["stats", "supervision", "--year", "2020"]);
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("power、reconsideration、mediation、enforcement")
    );
}
