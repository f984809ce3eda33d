//! The ledgers of DESIGN §4.4: `power-items` (权责清单), `power-adjustments` (动态调整台账),
//! `power-delegations` (赋权事项). All-or-nothing unless asked to keep the good rows; every bad
//! row reported with its number, column and reason; adjustments and delegations applied in date
//! order; importing the same file twice changes nothing.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use db::Event;
use kernel::Permission;
use kernel::ids::OrgId;
use ledger::{Column, Layout, cell};
use platform::{Actor, OrgResolver};

use crate::apply::Timeline;
use crate::model::{ALL_TOWNS, AdjustmentState};
use crate::{Power, Result, store};

mod adjustments;
mod delegations;
mod items;

pub const ITEMS: Layout = Layout {
    kind: "power-items",
    title: "权责清单",
    columns: &[
        Column::required("事项编码", "本级唯一，如 320411-XK-001"),
        Column::required("事项名称", "权力事项（主项）名称"),
        Column::optional("子项名称", "可空"),
        Column::required(
            "事项类型",
            "行政许可、行政处罚、行政强制、行政征收、行政给付、行政检查、行政确认、行政奖励、行政裁决、其他行政权力、公共服务",
        )
        .choices(&["行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查", "行政确认", "行政奖励", "行政裁决", "其他行政权力", "公共服务"]),
        Column::required("实施主体", "机构名称；重名时写路径，如 新北区/司法局"),
        Column::required(
            "设定依据",
            "法律法规名称及条款，如《中华人民共和国行政许可法》第十二条",
        ),
        Column::required("实施层级", "区级 或 镇街").choices(&["区级", "镇街"]),
        Column::optional("责任事项", "受理、审查、决定、送达、事后监管等环节的责任"),
        Column::optional("追责情形", "可空"),
        Column::optional("备注", "可空"),
        Column::optional("承办机构", "可空：实施主体内部承办的科室"),
    ],
};

pub const ADJUSTMENTS: Layout = Layout {
    kind: "power-adjustments",
    title: "动态调整台账",
    columns: &[
        Column::required("事项编码", "已在权责清单中的事项编码"),
        Column::required("调整类型", "新增、取消、变更、下放")
            .choices(&["新增", "取消", "变更", "下放"]),
        Column::required("调整日期", "调整生效的日期，YYYY-MM-DD"),
        Column::required("实施主体", "提出调整的部门（机构名称或路径）"),
        Column::required("调整原因", "如 上位法修改"),
        Column::required("调整依据", "如 新修订的法律法规名称及条款、文件文号"),
    ],
};

pub const DELEGATIONS: Layout = Layout {
    kind: "power-delegations",
    title: "赋权事项",
    columns: &[
        Column::required("事项编码", "已在权责清单中的事项编码"),
        Column::required("承接主体", "一个镇或街道的名称，或 各镇（街道）"),
        Column::required("下放类别", "该事项的事项类型"),
        Column::required("状态", "拟下放待核准、已核准、已下放、已撤回").choices(&[
            "拟下放待核准",
            "已核准",
            "已下放",
            "已撤回",
        ]),
        Column::required("批次文号", "如 常新政发〔2020〕1号"),
        Column::required("日期", "该状态的日期，YYYY-MM-DD"),
    ],
};

/// The date a change with no stated date takes effect: today, in China.
fn today() -> NaiveDate {
    kernel::time::china_today()
}

impl Power {
    async fn timelines(&self) -> Result<HashMap<String, Timeline>> {
        let mut conn = self.platform.db().conn().await?;
        let mut out: HashMap<String, Timeline> = HashMap::new();
        for v in store::all_versions(&mut conn).await? {
            out.entry(v.code.clone())
                .or_insert_with(|| Timeline::new(v.id.clone(), &v.code))
                .versions
                .push(v);
        }
        Ok(out)
    }

    /// An organisation named in a row, within the actor's scope.
    fn org_in_row(
        actor: &Actor,
        orgs: &OrgResolver,
        name: &str,
    ) -> std::result::Result<(OrgId, String), String> {
        let org = orgs.resolve(cell::required(name)?)?;
        if !actor.scope.contains(&org.path) {
            return Err(format!("“{}”不在您的管辖范围内", org.name));
        }
        Ok((org.id.clone(), org.name.clone()))
    }

    /// The ledgers' rows for export: items in force at the end of `year` (today without a year),
    /// adjustments taking effect in the year, delegations as they stood at its end.
    pub async fn export(
        &self,
        actor: &Actor,
        kind: &str,
        year: Option<i32>,
    ) -> Result<Vec<Vec<String>>> {
        self.platform
            .require(actor, Permission::ReadRecords, "ledger", kind)
            .await?;
        let orgs = self.platform.org_resolver().await?;
        let scope = actor.scope.orgs();
        let ids = self.platform.scope_ids(actor).await?;
        let in_scope = |org: &OrgId| ids.as_ref().is_none_or(|s| s.contains(org.as_str()));
        let end = year
            .and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31))
            .unwrap_or_else(today);
        let mut conn = self.platform.db().conn().await?;
        let rows = match kind {
            "power-items" => {
                let (items, _) = store::items_on(
                    self.platform.db(),
                    &actor.versions,
                    &mut conn,
                    end,
                    &crate::ItemFilter {
                        orgs: scope.clone(),
                        ..Default::default()
                    },
                    i64::MAX / 4,
                    0,
                )
                .await?;
                items.into_iter().map(|i| item_row(&orgs, i)).collect()
            }
            "power-adjustments" => store::adjustments(
                &mut conn,
                scope.as_ref(),
                Some(AdjustmentState::Approved),
                None,
            )
            .await?
            .into_iter()
            .filter(|a| year.is_none_or(|y| chrono::Datelike::year(&a.effective_on) == y))
            .rev()
            .map(|a| {
                vec![
                    a.item_code,
                    a.kind.label().into(),
                    store::day(a.effective_on),
                    orgs.reference(&a.org_id),
                    a.reason,
                    a.basis,
                ]
            })
            .collect(),
            "power-delegations" => {
                let by_item: BTreeMap<String, OrgId> = store::all_versions(&mut conn)
                    .await?
                    .into_iter()
                    .map(|v| (v.id.to_string(), v.fields.org_id))
                    .collect();
                store::delegations(&mut conn, None)
                    .await?
                    .into_iter()
                    .filter(|d| {
                        d.state_on <= end && by_item.get(d.item_id.as_str()).is_some_and(&in_scope)
                    })
                    .map(|d| {
                        vec![
                            d.item_code,
                            d.town_name.unwrap_or_else(|| ALL_TOWNS.into()),
                            d.category.label().into(),
                            d.state.label().into(),
                            d.batch_doc,
                            store::day(d.state_on),
                        ]
                    })
                    .collect()
            }
            other => return Err(crate::Error::Invalid(format!("未知的台账类型“{other}”"))),
        };
        drop(conn);
        self.platform
            .db()
            .record(&actor.who(), Event::new("ledger", kind, "export"))
            .await?;
        Ok(rows)
    }

    /// The items a list's filters select on `on`, as rows of the items' ledger (the list's 导出:
    /// exactly the view, not the whole list as of today).
    pub async fn export_items(
        &self,
        actor: &Actor,
        on: NaiveDate,
        filter: crate::ItemFilter,
    ) -> Result<Vec<Vec<String>>> {
        self.platform
            .require(actor, Permission::ReadRecords, "ledger", "power-items")
            .await?;
        let filter = self.scoped(actor, filter).await?;
        let orgs = self.platform.org_resolver().await?;
        let mut conn = self.platform.db().conn().await?;
        let (items, _) = store::items_on(
            self.platform.db(),
            &actor.versions,
            &mut conn,
            on,
            &filter,
            i64::MAX / 4,
            0,
        )
        .await?;
        drop(conn);
        self.platform
            .db()
            .record(&actor.who(), Event::new("ledger", "power-items", "export"))
            .await?;
        Ok(items.into_iter().map(|i| item_row(&orgs, i)).collect())
    }
}

/// An item as a row of the items' ledger.
fn item_row(orgs: &platform::OrgResolver, i: crate::model::Item) -> Vec<String> {
    let f = i.fields;
    vec![
        i.code,
        f.name,
        f.sub_name,
        f.item_type.label().into(),
        orgs.reference(&f.org_id),
        f.legal_basis,
        f.level.label().into(),
        f.responsibilities,
        f.accountability,
        f.note,
        f.handling_unit,
    ]
}
