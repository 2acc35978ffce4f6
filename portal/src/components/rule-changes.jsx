// What a draft or a proposed version of the rules changes, shown alike to the person who edits it
// and the one who approves it: the warnings and each loan scenario's reviews and eligibility before
// and after (the API's `impact`), and the stored applications decided otherwise, before beside after.
import { pick, t } from "../i18n.js";
import { agencyName, sizeName, useNames } from "./names.js";

const list = (items, name) => (items && items.length ? items.map(name).join(t("、", ", ")) : t("无", "none"));
const yesNo = (value) => (value ? t("符合", "eligible") : t("不符合", "not eligible"));
const percent = (value) => (value === null || value === undefined ? "—" : `${Math.round(value * 10000) / 100}%`);

function Outcome({ outcome, names }) {
  const subsidy = outcome.first_loan_subsidy || {};
  return (
    <ul className="plain outcome">
      <li>{t("资格：", "Eligibility: ")}{yesNo(outcome.eligible)}</li>
      <li>{t("企业规模：", "Size: ")}{outcome.enterprise_size ? sizeName(outcome.enterprise_size) : "—"}</li>
      <li>{t("部门审核：", "Reviews: ")}{list(outcome.required_reviews, agencyName)}</li>
      <li>{t("材料：", "Materials: ")}{list(outcome.required_materials, names.kind)}</li>
      <li>{t("首贷贴息：", "First-loan subsidy: ")}
        {subsidy.eligible ? `${percent(subsidy.interest_subsidy_rate)}` : t("不享受", "none")}</li>
    </ul>
  );
}

// The stored applications a draft decides otherwise: one row each, the decision before beside after.
export function ChangesTable({ changes, caption }) {
  const names = useNames();
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
              <td><Outcome outcome={c.before} names={names} /></td>
              <td><Outcome outcome={c.after} names={names} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// What the approver sees: warnings, then each scenario's example application before and after.
export function ImpactSummary({ impact, withChanges = true }) {
  const names = useNames();
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
                  <th scope="row">{names.scenario(s.scenario)}</th>
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
