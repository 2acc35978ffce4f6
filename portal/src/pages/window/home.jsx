// Window staff: every application, newest first, filtered by status (the API's filter) and by
// loan type (on the rows loaded), with "more" following the API's cursor; each opens the case.
import { useEffect, useState } from "react";
import { api, useLatest } from "../../api.js";
import { formatYuan, t } from "../../i18n.js";
import { Loading, Problem, Table, formatTime } from "../../components/console.jsx";
import { statusName, useNames } from "../../components/names.js";
import { STATUSES } from "../enterprise/application.jsx";

export default function Home() {
  const names = useNames();
  const [status, setStatus] = useState("");
  const [scenario, setScenario] = useState("");
  const [rows, setRows] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [error, setError] = useState(null);

  const latest = useLatest();
  async function load(from) {
    setError(null);
    const query = new URLSearchParams({ limit: "50", ...(status && { status }), ...(from && { cursor: from }) });
    try {
      const page = await latest(api("GET", `/applications?${query}`));
      setRows((old) => (from ? [...(old || []), ...page.items] : page.items));
      setCursor(page.cursor);
    } catch (e) {
      setError(e);
    }
  }
  useEffect(() => { setRows(null); load(null); }, [status]); // eslint-disable-line react-hooks/exhaustive-deps

  const shown = (rows || []).filter((a) => !scenario || a.scenario === scenario);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("全部申请", "All applications")}</h1>
      <div className="filters">
        <label className="field">{t("状态", "Status")}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t("全部", "All")}</option>
            {Object.keys(STATUSES).map((s) => <option key={s} value={s}>{statusName(s)}</option>)}
          </select>
        </label>
        <label className="field">{t("贷款类型", "Loan type")}
          <select value={scenario} onChange={(e) => setScenario(e.target.value)}>
            <option value="">{t("全部", "All")}</option>
            {names.scenarios.map((s) => <option key={s.id} value={s.id}>{names.scenario(s.id)}</option>)}
          </select>
        </label>
      </div>
      <Problem error={error} />
      {!rows && !error && <Loading />}
      <p role="status" aria-live="polite">{rows && t(`显示 ${shown.length} 件`, `${shown.length} shown`)}</p>
      {shown.length > 0 && (
        <Table
          items={shown}
          caption={t("申请列表", "Applications")}
          columns={[t("企业", "Enterprise"), t("贷款类型", "Loan type"), t("状态", "Status"), t("申请金额", "Amount asked"), t("银行", "Banks"), t("提交时间", "Submitted")]}
          row={(a) => (
            <tr key={a.id} data-application={a.id}>
              <th scope="row"><a href={`#/window/applications/${encodeURIComponent(a.id)}`}>{a.enterprise?.name || a.id}</a></th>
              <td>{names.scenario(a.scenario)}</td>
              <td>{statusName(a.status)}</td>
              <td>{formatYuan(a.amount)}</td>
              <td>{(a.banks || []).map(names.bank).join(t("、", ", "))}</td>
              <td>{formatTime(a.created_at)}</td>
            </tr>
          )}
        />
      )}
      {cursor && <button type="button" className="button secondary" onClick={() => load(cursor)}>{t("加载更多", "Load more")}</button>}
    </section>
  );
}
