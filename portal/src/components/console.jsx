// Shared parts of the agency, bank and window consoles: loading a resource, the API's errors,
// dates with deadlines and overdue marks, an application's details, materials, history.
import { useCallback, useEffect, useState } from "react";
import { api, message, useLatest } from "../api.js";
import { formatYuan, lang, pick, t } from "../i18n.js";
import { actionName, agencyName, sizeName, statusName, useDistricts, useNames } from "./names.js";

// useLoad(() => api(...), [deps]) -> {data, error, reload}; only the latest request's answer is shown.
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null });
  const latest = useLatest();
  const run = useCallback(() => {
    setState((s) => ({ data: s.data, error: null }));
    latest(load()).then((data) => setState({ data, error: null }))
      .catch((e) => setState({ data: null, error: e }));
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(run, [run]);
  return { ...state, reload: run };
}

export function errorText(error) {
  return error?.errors ? error.errors.map(message).join(t("；", "; ")) : error ? String(error.message || error) : "";
}

// The errors whose path is `path` (for beside a field); `rest` those that name no field shown.
export function fieldErrors(error, path) {
  return (error?.errors || []).filter((e) => e.path === path).map(message);
}

export function FieldError({ id, error, path }) {
  const texts = fieldErrors(error, path);
  return texts.length ? <p id={id} className="error">{texts.join("；")}</p> : null;
}

export function Problem({ error }) {
  if (!error) return null;
  return <p role="alert" className="error">{errorText(error)}</p>;
}

export function Loading() {
  return <p role="status">{t("正在加载…", "Loading…")}</p>;
}

export function formatTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang() === "zh" ? "zh-CN" : "en-GB", { timeZone: "Asia/Shanghai", dateStyle: "medium",
                                                              timeStyle: "short" });
}

// Beijing's calendar day today, as YYYY-MM-DD (due days are Beijing days).
export function todayInBeijing() {
  return new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" });
}

// A due day with its mark: overdue (past, or flagged by the schedule), due today, or days left.
export function Due({ due, overdueAt }) {
  const today = todayInBeijing();
  const overdue = Boolean(overdueAt) || due < today;
  const days = Math.round((Date.parse(due) - Date.parse(today)) / 86400000);
  return (
    <span className={overdue ? "overdue" : undefined}>
      {due}{" "}
      {overdue ? <strong>{t("（已逾期）", "(overdue)")}</strong>
        : days === 0 ? t("（今天到期）", "(due today)") : t(`（剩 ${days} 天）`, days === 1 ? "(1 day left)" : `(${days} days left)`)}
    </span>
  );
}

const YES_NO = (v) => (v ? t("是", "Yes") : t("否", "No"));

// What the enterprise asked for, as the reader's role sees it (GET /applications/{id}).
export function CaseDetails({ app }) {
  const names = useNames();
  const district = useDistricts();
  const e = app.enterprise || {};
  const patents = app.details?.patents || [];
  return (
    <section aria-labelledby="case-details" className="card">
      <h2 id="case-details">{t("申请内容", "The application")}</h2>
      <dl className="pairs">
        <dt>{t("申请编号", "Application number")}</dt><dd>{app.id}</dd>
        <dt>{t("企业", "Enterprise")}</dt><dd>{e.name} <span className="hint">{e.uscc}</span></dd>
        {e.district && <><dt>{t("所在区", "District")}</dt><dd>{district(e.district)}</dd></>}
        <dt>{t("贷款类型", "Loan type")}</dt><dd>{names.scenario(app.scenario)}</dd>
        <dt>{t("状态", "Status")}</dt><dd>{statusName(app.status)}{app.status_text && <> · {pick(app.status_text)}</>}</dd>
        <dt>{t("申请金额", "Amount")}</dt><dd>{formatYuan(app.amount)}</dd>
        <dt>{t("期限", "Term")}</dt><dd>{app.term_months} {t("个月", "months")}</dd>
        {app.purpose && <><dt>{t("用途", "Purpose")}</dt><dd>{app.purpose}</dd></>}
        {app.first_loan !== undefined && <><dt>{t("首次贷款", "First loan")}</dt><dd>{YES_NO(app.first_loan)}</dd></>}
        <dt>{t("续贷", "Renewal")}</dt><dd>{YES_NO(app.renewal)}</dd>
        {e.employees !== undefined && <><dt>{t("从业人数", "Employees")}</dt><dd>{e.employees}</dd></>}
        {e.annual_revenue !== undefined && <><dt>{t("营业收入", "Annual revenue")}</dt><dd>{formatYuan(e.annual_revenue)}</dd></>}
        {app.details?.appraised_value !== undefined && (
          <><dt>{t("评估价值", "Appraised value")}</dt><dd>{formatYuan(app.details.appraised_value)}</dd></>)}
        <dt>{t("提交时间", "Submitted")}</dt><dd>{formatTime(app.created_at)}</dd>
      </dl>
      {patents.length > 0 && (
        <>
          <h3>{t("质押专利", "Patents pledged")}</h3>
          <ul>{patents.map((p) => <li key={p.number}>{p.number} {p.title} ({t("有效至", "valid until")} {p.valid_until})</li>)}</ul>
        </>
      )}
      {app.decision && <Decision decision={app.decision} />}
    </section>
  );
}

function Decision({ decision }) {
  return (
    <>
      <h3>{t("系统判定", "The platform's decision")}</h3>
      <ul>
        <li>{decision.eligible ? t("符合申请条件", "Eligible") : t("不符合申请条件", "Not eligible")}</li>
        {decision.enterprise_size && <li>{t("企业规模：", "Enterprise size: ")}{sizeName(decision.enterprise_size)}</li>}
        {(decision.required_reviews || []).length > 0 && (
          <li>{t("需审核部门：", "Reviews needed: ")}{decision.required_reviews.map(agencyName).join(t("、", ", "))}</li>)}
      </ul>
    </>
  );
}

// Each material opened through its presigned download link: asked for on demand (GET
// /materials/{id}; the link lasts 5 minutes), then offered to open.
export function Materials({ ids }) {
  const names = useNames();
  const [shown, setShown] = useState({});
  const [error, setError] = useState(null);
  async function open(id) {
    setError(null);
    try {
      const material = await api("GET", `/materials/${encodeURIComponent(id)}`);
      setShown((s) => ({ ...s, [id]: material }));
    } catch (e) {
      setError(e);
    }
  }
  return (
    <section aria-labelledby="case-materials" className="card">
      <h2 id="case-materials">{t("申请材料", "Materials")}</h2>
      {!ids?.length && <p>{t("没有上传材料。", "No materials were uploaded.")}</p>}
      <ul className="plain">
        {(ids || []).map((id, n) => {
          const m = shown[id];
          return (
            <li key={id}>
              <button type="button" className="link-button" onClick={() => open(id)}>
                {t("打开材料 ", "Open material ")}{m ? `${names.kind(m.kind)}（${m.filename}）` : n + 1}
              </button>
              {m?.download_url && (
                <> · <a href={m.download_url} target="_blank" rel="noopener noreferrer">
                  {t(`下载 ${names.kind(m.kind)}`, `Download ${names.kind(m.kind)}`)}</a></>)}
              {m && !m.download_url && <span className="error"> {t("（暂无法下载：", "(cannot be downloaded: ")}{m.status}）</span>}
            </li>
          );
        })}
      </ul>
      <Problem error={error} />
    </section>
  );
}

export function History({ entries }) {
  if (!entries?.length) return null;
  return (
    <section aria-labelledby="case-history" className="card">
      <h2 id="case-history">{t("办理记录", "History")}</h2>
      <ol>
        {entries.map((h) => <li key={h.seq}>{formatTime(h.at)} · {actionName(h.action)} · {statusName(h.to_status)}</li>)}
      </ol>
    </section>
  );
}

// The pending work's table cells that need the application itself (enterprise, scenario, amount).
export function useApplications(ids) {
  const key = ids.join(",");
  const [apps, setApps] = useState({});
  useEffect(() => {
    let live = true;
    Promise.all(ids.map((id) => api("GET", `/applications/${encodeURIComponent(id)}`).catch(() => null)))
      .then((list) => live && setApps(Object.fromEntries(list.filter(Boolean).map((a) => [a.id, a]))));
    return () => { live = false; };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  return apps;
}

/** A captioned table that scrolls sideways on a phone (keyboard too); `row(item)` draws one row. */
export function Table({ caption, columns, items, row }) {
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>{columns.map((label) => <th scope="col" key={label}>{label}</th>)}</tr>
        </thead>
        <tbody>{items.map(row)}</tbody>
      </table>
    </div>
  );
}

/** A console's list from the API: loading, its error, `empty` when there is nothing, else the table. */
export function ListTable({ data, error, empty, ...table }) {
  return (
    <>
      <Problem error={error} />
      {!data && !error && <Loading />}
      {data && table.items.length === 0 && <p role="status">{empty}</p>}
      {table.items.length > 0 && <Table {...table} />}
    </>
  );
}
