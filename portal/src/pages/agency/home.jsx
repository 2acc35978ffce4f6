// The agency's pending reviews, oldest first, each with its due day and an overdue mark
// (GET /reviews?status=pending); each opens the case.
import { api } from "../../api.js";
import { formatYuan, t } from "../../i18n.js";
import { Due, ListTable, formatTime, useApplications, useLoad } from "../../components/console.jsx";
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
      <ListTable
        data={data} error={error} items={items}
        empty={t("没有待办审核。", "No reviews are waiting.")}
        caption={t("待办审核列表", "Reviews waiting")}
        columns={[t("企业", "Enterprise"), t("贷款类型", "Loan type"), t("金额", "Amount"), t("收到时间", "Received"), t("办理期限", "Due")]}
        row={(r) => {
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
        }}
      />
    </section>
  );
}
