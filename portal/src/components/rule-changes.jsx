// What a draft or a proposed version of the rules changes, shown alike to the person who edits it
// and the one who approves it: the warnings and each loan scenario's reviews and eligibility before
// and after (the API's `impact`), and the stored applications decided otherwise, before beside after.
import { useEffect, useState } from "react";
import { api } from "../api.js";
import { pick, t } from "../i18n.js";

// Agencies and enterprise sizes are codes in a decision; the API gives no list of their names.
const AGENCIES = { hr: ["人力资源和社会保障局", "HR & social-security bureau"], ipo: ["知识产权局", "IP office"],
                   realestate: ["不动产登记中心", "Real-estate registration center"],
                   purchaser: ["采购单位", "Purchasing unit"] };
const SIZES = { micro: ["微型", "micro"], small: ["小型", "small"], medium: ["中型", "medium"], large: ["大型", "large"] };

let names = null; // scenario and material names from the API, fetched once per page load

function useNames() {
  const [value, setValue] = useState({ scenarios: {}, materials: {} });
  useEffect(() => {
    names = names || Promise.all([api("GET", "/forms"), api("GET", "/materials/kinds")])
      .then(([forms, kinds]) => ({ scenarios: Object.fromEntries(forms.map((f) => [f.id, f])),
                                   materials: Object.fromEntries(kinds.map((k) => [k.kind, k])) }))
      .catch(() => ({ scenarios: {}, materials: {} }));
    let live = true;
    names.then((n) => live && setValue(n));
    return () => { live = false; };
  }, []);
  return value;
}

export function agencyName(code) {
  const found = AGENCIES[String(code).split(":")[0]];
  return found ? t(...found) : code;
}

const list = (items, name) => (items && items.length ? items.map(name).join(t("、", ", ")) : t("无", "none"));
const yesNo = (value) => (value ? t("符合", "eligible") : t("不符合", "not eligible"));
const percent = (value) => (value === null || value === undefined ? "—" : `${Math.round(value * 10000) / 100}%`);

function Outcome({ outcome, materials }) {
  const subsidy = outcome.first_loan_subsidy || {};
  return (
    <ul className="plain outcome">
      <li>{t("资格：", "Eligibility: ")}{yesNo(outcome.eligible)}</li>
      <li>{t("企业规模：", "Size: ")}{SIZES[outcome.enterprise_size] ? t(...SIZES[outcome.enterprise_size]) : "—"}</li>
      <li>{t("部门审核：", "Reviews: ")}{list(outcome.required_reviews, agencyName)}</li>
      <li>{t("材料：", "Materials: ")}{list(outcome.required_materials, (k) => pick(materials[k]) || k)}</li>
      <li>{t("首贷贴息：", "First-loan subsidy: ")}
        {subsidy.eligible ? `${percent(subsidy.interest_subsidy_rate)}` : t("不享受", "none")}</li>
    </ul>
  );
}

// The stored applications a draft decides otherwise: one row each, the decision before beside after.
export function ChangesTable({ changes, caption }) {
  const { materials } = useNames();
  if (!changes || changes.length === 0) {
    return <p>{t("没有已存申请的决定会改变。", "No stored application would be decided otherwise.")}</p>;
  }
  return (
    <div className="table-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table className="changes">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("申请", "Application")}</th>
            <th scope="col">{t("现行规则", "Rules in force")}</th>
            <th scope="col">{t("修改后", "With this version")}</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.application_id}>
              <th scope="row"><code>{c.application_id}</code>{c.as_of && <div className="hint">{c.as_of}</div>}</th>
              <td><Outcome outcome={c.before} materials={materials} /></td>
              <td><Outcome outcome={c.after} materials={materials} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// What the approver sees: warnings, then each scenario's example application before and after.
export function ImpactSummary({ impact, withChanges = true }) {
  const { scenarios } = useNames();
  if (!impact) return null;
  return (
    <div className="impact">
      <p>{t(`自 ${impact.as_of} 起：已检查 ${impact.checked} 件已存申请，其中 ${impact.changed} 件的决定会改变；` +
             `${impact.more_eligible} 件变为符合条件。`,
             `From ${impact.as_of}: ${impact.checked} stored applications checked, ${impact.changed} decided ` +
             `otherwise, ${impact.more_eligible} becoming eligible.`)}</p>
      {impact.warnings.length > 0 && (
        <ul className="warnings">
          {impact.warnings.map((w) => <li key={w.code} className="notice missing">{pick(w)}</li>)}
        </ul>
      )}
      <div className="table-scroll" role="region" aria-label={t("各贷款场景", "Each loan scenario")} tabIndex={0}>
        <table>
          <caption>{t("各贷款场景的示例申请：修改前后", "Each loan scenario's example application, before and after")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("贷款场景", "Loan scenario")}</th>
              <th scope="col">{t("部门审核（现行 → 修改后）", "Reviews (now → with this version)")}</th>
              <th scope="col">{t("资格（现行 → 修改后）", "Eligibility (now → with this version)")}</th>
            </tr>
          </thead>
          <tbody>
            {impact.scenarios.map((s) => {
              const reviewsMoved = String(s.required_reviews.before) !== String(s.required_reviews.after);
              const eligibleMoved = s.eligible.before !== s.eligible.after;
              return (
                <tr key={s.scenario}>
                  <th scope="row">{pick(scenarios[s.scenario], "name") || s.scenario}</th>
                  <td className={reviewsMoved ? "changed" : undefined}>
                    {list(s.required_reviews.before, agencyName)} → {list(s.required_reviews.after, agencyName)}
                    {reviewsMoved && <strong>{t("（有变化）", " (changed)")}</strong>}
                  </td>
                  <td className={eligibleMoved ? "changed" : undefined}>
                    {yesNo(s.eligible.before)} → {yesNo(s.eligible.after)}
                    {eligibleMoved && <strong>{t("（有变化）", " (changed)")}</strong>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {withChanges && <ChangesTable changes={impact.changes}
                                    caption={t("决定会改变的已存申请", "Stored applications decided otherwise")} />}
    </div>
  );
}

export function errorText(error) {
  return error.errors ? error.errors.map((e) => pick(e, "message")).join(t("；", "; ")) : String(error);
}
