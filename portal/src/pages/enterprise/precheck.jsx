// What POST /eligibility answered: eligible or not (and why), the enterprise's size, the
// subsidies, the reviews ahead, and one notice naming every material still missing.
import { pick, t, formatYuan } from "../../i18n.js";

export const SIZES = { large: ["大型企业", "Large"], medium: ["中型企业", "Medium-sized"], small: ["小型企业", "Small"],
                micro: ["微型企业", "Micro"] };
export const AGENCIES = { ipo: ["知识产权局", "IP office"], hr: ["人力社保局", "HR & social security bureau"],
                   realestate: ["不动产登记中心", "Real-estate registry"], purchaser: ["采购单位", "Purchaser"] };

export function percent(rate) {
  return `${Math.round(rate * 10000) / 100}%`;
}

export function Precheck({ result }) {
  const size = SIZES[result.enterprise_size];
  const subsidy = result.first_loan_subsidy;
  return (
    <section className="card precheck" aria-labelledby="precheck-title" aria-live="polite">
      <h2 id="precheck-title">{t("预检结果", "Pre-check result")}</h2>
      <p className={result.eligible ? "ok" : "error"}>
        {result.eligible ? t("符合申请条件", "Eligible") : t("不符合申请条件", "Not eligible")}
      </p>
      {result.ineligible_reasons?.length > 0 && (
        <ul>{result.ineligible_reasons.map((r, i) => <li key={i}>{pick(r)}</li>)}</ul>
      )}
      <dl>
        {size && (<><dt>{t("企业规模", "Enterprise size")}</dt><dd>{t(...size)}</dd></>)}
        {subsidy && (
          <>
            <dt>{t("首贷贴息", "First-loan subsidy")}</dt>
            <dd>{subsidy.eligible
              ? t(`可享 ${percent(subsidy.interest_subsidy_rate)} 贴息，或不超过 ${percent(subsidy.guarantee_fee_subsidy_rate_cap)} 的担保费补助（上限 ${formatYuan(subsidy.subsidy_amount_cap)}）`,
                  `${percent(subsidy.interest_subsidy_rate)} of the interest, or a guarantee-fee subsidy of up to ${percent(subsidy.guarantee_fee_subsidy_rate_cap)} (loans up to ${formatYuan(subsidy.subsidy_amount_cap)})`)
              : t("不适用", "Not applicable")}</dd>
          </>
        )}
        {(result.ip_pledge_subsidy || []).map((s) => (
          <div key={s.scheme}>
            <dt>{t("知识产权质押贴息", "IP-pledge interest subsidy")}</dt>
            <dd>{t(`${percent(s.interest_share)} 贴息，每年最高 ${formatYuan(s.annual_cap)}`,
                   `${percent(s.interest_share)} of the interest, at most ${formatYuan(s.annual_cap)} a year`)}
              {s.assumed ? t("（假定参数）", " (assumed)") : ""}</dd>
          </div>
        ))}
        {result.required_reviews?.length > 0 && (
          <>
            <dt>{t("需经审核", "Reviews")}</dt>
            <dd>{result.required_reviews.map((r) => {
              const days = result.review_deadlines?.[r];
              const name = AGENCIES[r] ? t(...AGENCIES[r]) : r;
              return days ? t(`${name}（${days} 个工作日）`, `${name} (${days} working days)`) : name;
            }).join(t("、", ", "))}</dd>
          </>
        )}
      </dl>
      {result.missing_materials?.length > 0 && (
        <p className="notice missing">
          {t("还需上传：", "Still to upload: ")}{result.missing_materials.map((m) => pick(m)).join(t("、", ", "))}
        </p>
      )}
    </section>
  );
}
