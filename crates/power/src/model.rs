//! The power list's records: items and their dated versions, adjustments, delegations.

use chrono::NaiveDate;
use kernel::ids::OrgId;
use kernel::typed_id;
use serde::{Deserialize, Serialize};

typed_id!(
    /// A power item (权力事项), across its versions.
    ItemId
);
typed_id!(
    /// One version of an item.
    ItemVersionId
);
typed_id!(
    /// An adjustment (动态调整).
    AdjustmentId
);
typed_id!(
    /// A delegation to towns (赋权).
    DelegationId
);

/// The first day of "from the start of time": items imported without `--effective`.
pub fn beginning() -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 1).expect("a valid date")
}

kernel::labelled_enum!(
    /// 事项类型: the ten kinds of administrative power and public services.
    ItemType {
        Licensing => ("licensing", "行政许可"),
        Penalty => ("penalty", "行政处罚"),
        Coercion => ("coercion", "行政强制"),
        Levy => ("levy", "行政征收"),
        Benefit => ("benefit", "行政给付"),
        Inspection => ("inspection", "行政检查"),
        Confirmation => ("confirmation", "行政确认"),
        Award => ("award", "行政奖励"),
        Adjudication => ("adjudication", "行政裁决"),
        Other => ("other", "其他行政权力"),
        PublicService => ("public_service", "公共服务"),
    }
);

kernel::labelled_enum!(
    /// 实施层级.
    Level {
        District => ("district", "区级"),
        Town => ("town", "镇街"),
    }
);

kernel::labelled_enum!(
    /// 调整类型.
    AdjustmentKind {
        Add => ("add", "新增"),
        Cancel => ("cancel", "取消"),
        Change => ("change", "变更"),
        Delegate => ("delegate", "下放"),
    }
);

kernel::labelled_enum!(
    /// Where an adjustment stands.
    AdjustmentState {
        Proposed => ("proposed", "待审核"),
        Reviewed => ("reviewed", "已审核待批准"),
        Approved => ("approved", "已批准"),
        Rejected => ("rejected", "已退回"),
    }
);

kernel::labelled_enum!(
    /// 赋权 states.
    DelegationState {
        Proposed => ("proposed", "拟下放待核准"),
        Approved => ("approved", "已核准"),
        Delegated => ("delegated", "已下放"),
        Withdrawn => ("withdrawn", "已撤回"),
    }
);

/// The fields of an item that a version holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFields {
    pub name: String,
    pub sub_name: String,
    pub item_type: ItemType,
    /// 实施主体.
    pub org_id: OrgId,
    /// 承办机构.
    pub handling_unit: String,
    /// 设定依据, as written.
    pub legal_basis: String,
    pub level: Level,
    pub responsibilities: String,
    pub accountability: String,
    pub note: String,
}

/// An item as it stands on a date (its version then).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: ItemId,
    pub code: String,
    pub version_id: ItemVersionId,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub active: bool,
    pub fields: ItemFields,
    /// The name of the 实施主体.
    pub org_name: String,
    /// Why this version exists (导入, 变更, 取消 …).
    pub change: String,
}

/// An adjustment and its review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Adjustment {
    pub id: AdjustmentId,
    pub item_id: Option<ItemId>,
    pub item_code: String,
    pub kind: AdjustmentKind,
    pub effective_on: NaiveDate,
    pub org_id: OrgId,
    pub org_name: String,
    pub reason: String,
    pub basis: String,
    /// The proposed fields of a 新增 or 变更.
    pub proposal: Option<ItemFields>,
    pub state: AdjustmentState,
    pub source: String,
    pub proposed_by: String,
    pub proposed_at: String,
    pub reviewed_by: Option<String>,
    pub review_note: Option<String>,
    pub decided_by: Option<String>,
    pub decision_note: Option<String>,
}

/// A delegation of an item to one town or street, or to all of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delegation {
    pub id: DelegationId,
    pub item_id: ItemId,
    pub item_code: String,
    /// None: 各镇（街道）.
    pub town_id: Option<OrgId>,
    pub town_name: Option<String>,
    pub category: ItemType,
    pub batch_doc: String,
    pub state: DelegationState,
    pub state_on: NaiveDate,
}

/// 各镇（街道）: a delegation to every town and street.
pub const ALL_TOWNS: &str = "各镇（街道）";
