// Names of the codes the consoles show (banks, scenarios, material kinds from the API; agencies,
// which the API names nowhere, here), loaded once per page view and shared by the console pages.
import { useEffect, useState } from "react";
import { api } from "../api.js";
import { pick, t } from "../i18n.js";
import { STATUSES } from "../pages/enterprise/application.jsx";

const AGENCIES = { ipo: ["知识产权局", "IP office"], hr: ["人力社保局", "HR & social security bureau"],
                   realestate: ["不动产登记中心", "Real-estate registry"] };

export function agencyName(code) {
  if (AGENCIES[code]) return t(...AGENCIES[code]);
  if (code && code.startsWith("purchaser:")) return t(`采购单位 ${code.slice(10)}`, `Purchasing unit ${code.slice(10)}`);
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
