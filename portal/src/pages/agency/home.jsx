// The agency's pending reviews, oldest first, each with its due day and an overdue mark
// (GET /reviews?status=pending); each opens the case.
import { api } from "../../api.js";
import { formatYuan, t } from "../../i18n.js";
import { Due, Loading, Problem, formatTime, useApplications, useLoad } from "../../components/console.jsx";
import { useNames } from "../../components/names.js";

export default function Home() {
  const { data, error } = useLoad(() => api("GET", "/reviews?status=pending&limit=100"), []);
  const items = data?.items || [];
  const apps = useApplications(items.map((r) => r.application_id));
  const names = useNames();
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("待办审核", "Pending reviews")}</h1>
      <p className="hint">{t("最早收到的排在最前。", "Oldest first.")}</p>
      <Problem error={error} />
      {!data && !error && <Loading />}
      {data && items.length === 0 && <p role="status">{t("没有待办审核。", "No reviews are waiting.")}</p>}
      {items.length > 0 && (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <caption className="visually-hidden">{t("待办审核列表", "Reviews waiting")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("企业", "Enterprise")}</th>
                <th scope="col">{t("贷款类型", "Loan type")}</th>
                <th scope="col">{t("金额", "Amount")}</th>
                <th scope="col">{t("收到时间", "Received")}</th>
                <th scope="col">{t("办理期限", "Due")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => {
                const app = apps[r.application_id];
                return (
                  <tr key={r.id} data-application={r.application_id}>
                    <th scope="row">
                      <a href={`#/agency/applications/${encodeURIComponent(r.application_id)}`}>
                        {app?.enterprise?.name || r.application_id}
                      </a>
                      {r.round > 1 && <span className="hint"> {t(`（第 ${r.round} 轮）`, `(round ${r.round})`)}</span>}
                    </th>
                    <td>{app ? names.scenario(app.scenario) : ""}</td>
                    <td>{app ? formatYuan(app.amount) : ""}</td>
                    <td>{formatTime(r.created_at)}</td>
                    <td><Due due={r.due} overdueAt={r.overdue_at} /></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
