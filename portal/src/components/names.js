// Names of the codes the consoles show (banks, scenarios, material kinds from the API; agencies,
// which the API names nowhere, here), loaded once per page view and shared by the console pages.
import { useEffect, useState } from "react";
import { api } from "../api.js";
import { pick, t } from "../i18n.js";
import { STATUSES } from "../pages/enterprise/application.jsx";

// The reviewing agencies a decision names (rules/outcomes.yaml), for every page that shows one and
// the sign-in page's picker; a purchasing unit is `purchaser:<its id>` (in a rule: `purchaser:{…}`).
export const AGENCIES = { ipo: ["知识产权局", "IP office"], hr: ["人力资源和社会保障局", "HR & social-security bureau"],
                          realestate: ["不动产登记中心", "Real-estate registration center"] };

export function agencyName(code) {
  if (AGENCIES[code]) return t(...AGENCIES[code]);
  if (code && code.startsWith("purchaser:")) {
    const unit = code.slice(10);
    return unit.startsWith("{") ? t("采购单位", "Purchasing unit") : t(`采购单位 ${unit}`, `Purchasing unit ${unit}`);
  }
  return code;
}

export function statusName(status) {
  return STATUSES[status] ? t(...STATUSES[status]) : status;
}

let loading = null;

function loadNames() {
  loading = loading || Promise.all([api("GET", "/banks"), api("GET", "/forms"), api("GET", "/materials/kinds")])
    .then(([banks, forms, kinds]) => ({ banks, forms, kinds }))
    .catch((e) => { loading = null; throw e; });
  return loading;
}

// {bank(code), scenario(id), kind(code), kinds: [{kind, zh, en}], banks: [...]}: names in the current language.
export function useNames() {
  const [lists, setLists] = useState({ banks: [], forms: [], kinds: [] });
  useEffect(() => {
    loadNames().then(setLists).catch(() => {});
  }, []);
  const find = (list, key, value) => list.find((item) => item[key] === value);
  return {
    banks: lists.banks,
    kinds: lists.kinds,
    scenarios: lists.forms,
    bank: (code) => pick(find(lists.banks, "code", code), "name") || code,
    scenario: (id) => pick(find(lists.forms, "id", id), "name") || id,
    kind: (code) => pick(find(lists.kinds, "kind", code)) || code,
  };
}

const REVIEW_STATUSES = { pending: ["待审核", "Pending"], approved: ["通过", "Approved"], rejected: ["不通过", "Rejected"],
                          returned: ["退回补正", "Returned for material"] };
const BANK_STATUSES = { waiting: ["等待审核完成", "Waiting for the reviews"], sent: ["待银行审批", "With the bank"],
                        approved: ["已批准", "Approved"], declined: ["不予批准", "Declined"], cancelled: ["已取消", "Cancelled"] };

export function reviewStatusName(status) {
  return REVIEW_STATUSES[status] ? t(...REVIEW_STATUSES[status]) : status;
}

export function bankStatusName(status) {
  return BANK_STATUSES[status] ? t(...BANK_STATUSES[status]) : statusName(status);
}

const ACTIONS = { submitted: ["提交申请", "Submitted"], review_approved: ["审核通过", "Review approved"],
                  review_rejected: ["审核不通过", "Review rejected"], review_returned: ["退回补正", "Returned for material"],
                  review_overdue: ["审核逾期", "Review overdue"], returned: ["需补正材料", "Awaiting material"],
                  amended: ["企业补正", "Amended"], rejected: ["未通过审核", "Rejected"], sent_to_banks: ["推送银行", "Sent to the banks"],
                  bank_approved: ["银行批准", "A bank approved"], bank_declined: ["银行不予批准", "A bank declined"],
                  declined: ["银行均未批准", "Declined by every bank"], accepted: ["企业接受方案", "Offer accepted"],
                  withdrawn: ["企业撤回", "Withdrawn"], closed: ["已关闭", "Closed"] };
const SIZES = { micro: ["微型企业", "Micro"], small: ["小型企业", "Small"], medium: ["中型企业", "Medium"], large: ["大型企业", "Large"] };

export function actionName(action) {
  return ACTIONS[action] ? t(...ACTIONS[action]) : action;
}

export function sizeName(size) {
  return SIZES[size] ? t(...SIZES[size]) : size;
}

// The districts' zh/en names, from the forms' own labels (x-enum-labels of the district field).
let districts = null;

function findDistricts(node) {
  if (!node || typeof node !== "object") return null;
  if (node["x-enum-labels"] && node.enum?.includes("haidian")) return node["x-enum-labels"];
  for (const value of Object.values(node)) {
    const found = findDistricts(value);
    if (found) return found;
  }
  return null;
}

// districtName(code) in the current language, once the credit form's labels are in.
export function useDistricts() {
  const [labels, setLabels] = useState(districts || {});
  useEffect(() => {
    if (districts) return;
    api("GET", "/forms/credit").then((form) => { districts = findDistricts(form) || {}; setLabels(districts); })
      .catch(() => {});
  }, []);
  return (code) => (labels[code] ? pick(labels[code]) : code);
}
