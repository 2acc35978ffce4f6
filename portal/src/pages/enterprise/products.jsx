// Banks and their loan products (GET /banks, GET /products), filtered by kind of loan, bank,
// amount and term (each product's ranges); a product starts an application with its bank ticked.
import { useEffect, useState } from "react";
import { api, errorText, useLatest } from "../../api.js";
import { formatYuan, pick, t } from "../../i18n.js";
import { percent } from "./precheck.jsx";

export default function Products() {
  const [banks, setBanks] = useState([]);
  const [forms, setForms] = useState([]);
  const [products, setProducts] = useState(null);
  const [filter, setFilter] = useState({ scenario: "", bank: "", amount: "", term: "" });
  const [error, setError] = useState(null);
  useEffect(() => {
    Promise.all([api("GET", "/banks"), api("GET", "/forms")]).then(([b, f]) => { setBanks(b); setForms(f); })
      .catch((e) => setError(errorText(e)));
  }, []);
  const latest = useLatest();
  useEffect(() => {
    setProducts(null);
    const query = new URLSearchParams(Object.entries({ scenario: filter.scenario, bank: filter.bank }).filter(([, v]) => v));
    latest(api("GET", `/products${query.size ? `?${query}` : ""}`)).then(setProducts).catch((e) => setError(errorText(e)));
  }, [filter.scenario, filter.bank]);
  const amount = Number(filter.amount) || null;
  const term = Number(filter.term) || null;
  const shown = (products || []).filter((p) => (!amount || (p.min_amount <= amount && amount <= p.max_amount))
    && (!term || (p.min_term_months <= term && term <= p.max_term_months)));
  const bankName = (code) => pick(banks.find((b) => b.code === code), "name") || code;
  const scenarioName = (id) => pick(forms.find((f) => f.id === id), "name") || id;
  const set = (key) => (e) => setFilter({ ...filter, [key]: e.target.value });
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("银行与贷款产品", "Banks and loan products")}</h1>
      {error && <p role="alert" className="error">{error}</p>}
      <form className="card filters" onSubmit={(e) => e.preventDefault()} aria-label={t("筛选", "Filters")}>
        <div className="filter"><label className="field" htmlFor="f-scenario">{t("贷款类型", "Kind of loan")}</label>
          <select id="f-scenario" value={filter.scenario} onChange={set("scenario")}>
            <option value="">{t("全部", "All")}</option>
            {forms.map((f) => <option key={f.id} value={f.id}>{pick(f, "name")}</option>)}
          </select>
        </div>
        <div className="filter"><label className="field" htmlFor="f-bank">{t("银行", "Bank")}</label>
          <select id="f-bank" value={filter.bank} onChange={set("bank")}>
            <option value="">{t("全部", "All")}</option>
            {banks.map((b) => <option key={b.code} value={b.code}>{pick(b, "name")}</option>)}
          </select>
        </div>
        <div className="filter"><label className="field" htmlFor="f-amount">{t("需要金额（元）", "Amount needed (yuan)")}</label>
          <input id="f-amount" type="number" inputMode="numeric" min="0" value={filter.amount} onChange={set("amount")} />
        </div>
        <div className="filter"><label className="field" htmlFor="f-term">{t("期限（月）", "Term (months)")}</label>
          <input id="f-term" type="number" inputMode="numeric" min="1" value={filter.term} onChange={set("term")} />
        </div>
      </form>
      <p role="status">{products ? t(`共 ${shown.length} 个产品`, `${shown.length} product${shown.length === 1 ? "" : "s"}`) : t("正在加载…", "Loading…")}</p>
      <ul className="cards">
        {shown.map((p) => (
          <li key={p.id} className="card">
            <h2>{pick(p, "name")}</h2>
            <p>{bankName(p.bank)}</p>
            <dl className="summary">
              <dt>{t("贷款类型", "Kind of loan")}</dt><dd>{p.scenarios.map(scenarioName).join(t("、", ", "))}</dd>
              <dt>{t("金额", "Amount")}</dt><dd>{formatYuan(p.min_amount)} – {formatYuan(p.max_amount)}</dd>
              <dt>{t("期限", "Term")}</dt><dd>{t(`${p.min_term_months}–${p.max_term_months} 个月`, `${p.min_term_months}–${p.max_term_months} months`)}</dd>
              <dt>{t("年利率", "Annual rate")}</dt><dd>{percent(p.annual_rate_min)} – {percent(p.annual_rate_max)}</dd>
            </dl>
            <a className="button" href={`#/enterprise/apply/${p.scenarios[0]}?bank=${encodeURIComponent(p.bank)}`}>
              {t(`向${bankName(p.bank)}申请`, `Apply to ${bankName(p.bank)}`)}<span className="visually-hidden">（{pick(p, "name")}）</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
