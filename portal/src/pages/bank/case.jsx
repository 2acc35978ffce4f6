// One case for a bank: the application, its materials, the enterprise's records read from the
// data zone (and the IP background for an IP-pledge loan; each read is logged), and the decision:
// an offer (amount, annual rate, term, guarantee fee rate, repayment) or a decline
// (POST /applications/{id}/bank-decision with an Idempotency-Key; errors beside the fields).
import { useState } from "react";
import { api } from "../../api.js";
import { pick, t } from "../../i18n.js";
import { CaseDetails, FieldError, History, Loading, Materials, Problem, fieldErrors, formatTime, useLoad }
  from "../../components/console.jsx";
import { bankStatusName, useDistricts } from "../../components/names.js";

export default function Case({ params }) {
  const id = encodeURIComponent(params.id);
  const { data: app, error, reload } = useLoad(() => api("GET", `/applications/${id}`), [id]);
  const [done, setDone] = useState(null);
  const mine = app?.banks?.[0];
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("审批申请", "Decide an application")}</h1>
      <p><a href="#/bank">{t("← 返回待办申请", "← Back to pending applications")}</a></p>
      <Problem error={error} />
      <p role="status" aria-live="polite" className="ok">
        {done && t(`已记录：${bankStatusName(done.status)}`, `Recorded: ${bankStatusName(done.status)}`)}
      </p>
      {!app && !error && <Loading />}
      {app && (
        <>
          <CaseDetails app={app} />
          <Materials ids={app.materials} />
          <Records uscc={app.enterprise?.uscc} />
          {app.scenario === "ip_pledge" && <IpBackground id={id} />}
          {mine?.status === "sent"
            ? <OfferForm id={id} app={app} onDone={(result) => { setDone(result); reload(); }} />
            : <p className="notice">{t("本行已作出决定或无需决定：", "Decided, or no decision is wanted: ")}{bankStatusName(mine?.status || app.status)}</p>}
          <History entries={app.history} />
        </>
      )}
    </section>
  );
}

const SOURCES = ["registration", "tax", "social_insurance", "real_estate", "patents", "trademarks", "ip_pledges",
                 "procurement_contracts"];

const FIELDS = { name: ["名称", "Name"], established: ["成立日期", "Established"], district: ["所在区", "District"],
                 industry_code: ["行业代码", "Industry code"], registered_capital: ["注册资本（元）", "Registered capital (yuan)"],
                 year: ["年度", "Year"], annual_revenue: ["营业收入（元）", "Annual revenue (yuan)"],
                 total_assets: ["资产总额（元）", "Total assets (yuan)"], credit_grade: ["纳税信用等级", "Tax credit grade"],
                 insured_staff: ["参保人数", "Insured staff"], new_hires_last_year: ["上年新增人数", "New hires last year"] };

// One source of records: its fields (a list source as a count and its items' main values).
function Source({ name, record }) {
  const district = useDistricts();
  const fields = Object.entries(record).filter(([k]) => !["source", "source_name", "as_of", "items"].includes(k));
  return (
    <div className="record">
      <h3>{pick(record.source_name) || name} <span className="hint">{t("截至", "as of")} {record.as_of}</span></h3>
      {record.items ? (
        record.items.length === 0 ? <p>{t("无记录", "None on record")}</p>
          : <ul>{record.items.map((item, n) => <li key={n}>{Object.values(item).filter((v) => typeof v !== "object").join(" · ")}</li>)}</ul>
      ) : (
        <dl className="pairs">
          {fields.map(([k, v]) => <div key={k}><dt>{FIELDS[k] ? t(...FIELDS[k]) : k}</dt><dd>{k === "district" ? district(v) : String(v)}</dd></div>)}
        </dl>
      )}
    </div>
  );
}

function Records({ uscc }) {
  const { data, error } = useLoad(() => api("GET", `/enterprises/${encodeURIComponent(uscc)}/records`), [uscc]);
  return (
    <section aria-labelledby="case-records" className="card">
      <h2 id="case-records">{t("数据专区记录", "Records from the data zone")}</h2>
      <p className="hint">{t("本次查阅将被记录。", "This read is logged.")}</p>
      <Problem error={error} />
      {data && SOURCES.filter((s) => data[s]).map((s) => <Source key={s} name={s} record={data[s]} />)}
    </section>
  );
}

function IpBackground({ id }) {
  const { data, error } = useLoad(() => api("GET", `/applications/${id}/ip-background`), [id]);
  return (
    <section aria-labelledby="case-ip" className="card">
      <h2 id="case-ip">{t("知识产权背景", "IP background")}</h2>
      <Problem error={error} />
      {data && ["patents", "trademarks", "ip_pledges"].filter((s) => data[s]).map((s) => <Source key={s} name={s} record={data[s]} />)}
    </section>
  );
}

const REPAYMENTS = [["interest_only", "按月付息、到期还本", "Monthly interest, principal at the end"],
                    ["equal_instalment", "等额本息", "Equal instalments"]];

function Field({ name, label, hint, error, value, onChange, type = "number", step }) {
  const errorId = `${name}-error`;
  const invalid = fieldErrors(error, `/${name}`).length > 0;
  return (
    <div className="form-group">
      <label className="field" htmlFor={`offer-${name}`}>{label}</label>
      {hint && <p className="field-description" id={`${name}-hint`}>{hint}</p>}
      <input id={`offer-${name}`} type={type} step={step} inputMode={type === "number" ? "decimal" : undefined}
             value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid}
             aria-describedby={[hint && `${name}-hint`, invalid && errorId].filter(Boolean).join(" ") || undefined} />
      <FieldError id={errorId} error={error} path={`/${name}`} />
    </div>
  );
}

function OfferForm({ id, app, onDone }) {
  const [approved, setApproved] = useState(true);
  const [v, setV] = useState({ amount: String(app.amount ?? ""), annual_rate: "", term_months: String(app.term_months ?? ""),
                               guarantee_fee_rate: "", repayment: "interest_only", reason: "" });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (key) => (value) => setV((old) => ({ ...old, [key]: value }));
  const num = (s) => (s === "" ? undefined : Number(s));

  async function submit(event) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    const body = approved
      ? { approved, reason: v.reason, amount: num(v.amount), annual_rate: num(v.annual_rate), term_months: num(v.term_months),
          repayment: v.repayment, ...(v.guarantee_fee_rate !== "" && { guarantee_fee_rate: num(v.guarantee_fee_rate) }) }
      : { approved, reason: v.reason };
    try {
      onDone(await api("POST", `/applications/${id}/bank-decision`, { body, idempotent: true }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const fieldPaths = new Set(["/approved", "/reason", "/amount", "/annual_rate", "/term_months", "/guarantee_fee_rate", "/repayment"]);
  const other = (error?.errors || []).filter((e) => !fieldPaths.has(e.path));
  return (
    <form onSubmit={submit} className="card" aria-labelledby="offer-title" noValidate>
      <h2 id="offer-title">{t("审批决定", "Decision")}</h2>
      {error && <p role="alert" className="error">{t("请修改标出的问题。", "Please correct the marked problems.")}</p>}
      <fieldset>
        <legend>{t("结果", "Outcome")}</legend>
        <label className="choice"><input type="radio" name="approved" checked={approved} onChange={() => setApproved(true)} />
          {t("批准并给出贷款方案", "Approve with an offer")}</label>
        <label className="choice"><input type="radio" name="approved" checked={!approved} onChange={() => setApproved(false)} />
          {t("不予批准", "Decline")}</label>
      </fieldset>
      {approved && (
        <>
          <Field name="amount" label={t("批准金额（元）", "Amount (yuan)")} error={error} value={v.amount} onChange={set("amount")} />
          <Field name="annual_rate" label={t("年利率（小数）", "Annual rate (fraction)")} step="0.0001"
                 hint={t("例如 0.0385 表示 3.85%", "e.g. 0.0385 for 3.85%")} error={error} value={v.annual_rate} onChange={set("annual_rate")} />
          <Field name="term_months" label={t("期限（月）", "Term (months)")} error={error} value={v.term_months} onChange={set("term_months")} />
          <Field name="guarantee_fee_rate" label={t("担保费率（小数，可选）", "Guarantee fee rate (fraction, optional)")} step="0.0001"
                 error={error} value={v.guarantee_fee_rate} onChange={set("guarantee_fee_rate")} />
          <div className="form-group">
            <label className="field" htmlFor="offer-repayment">{t("还款方式", "Repayment")}</label>
            <select id="offer-repayment" value={v.repayment} onChange={(e) => set("repayment")(e.target.value)}>
              {REPAYMENTS.map(([value, zh, en]) => <option key={value} value={value}>{t(zh, en)}</option>)}
            </select>
            <FieldError error={error} path="/repayment" />
          </div>
        </>
      )}
      <Field name="reason" type="text" label={t("理由", "Reason")} error={error} value={v.reason} onChange={set("reason")} />
      {other.length > 0 && <Problem error={{ errors: other }} />}
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>{approved ? t("提交贷款方案", "Make the offer") : t("提交不予批准", "Decline")}</button>
      </div>
      <p className="hint">{t("推送时间：", "Received: ")}{formatTime(app.banks?.[0]?.sent_at)}</p>
    </form>
  );
}
