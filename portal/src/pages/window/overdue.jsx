// Window staff: every review past its due day, earliest due first (GET /reviews?status=overdue).
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { Due, ListTable, formatTime, useLoad } from "../../components/console.jsx";
import { agencyName } from "../../components/names.js";

export default function Overdue() {
  const { data, error } = useLoad(() => api("GET", "/reviews?status=overdue&limit=100"), []);
  const items = data?.items || [];
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("逾期审核", "Overdue reviews")}</h1>
      <ListTable
        data={data} error={error} items={items}
        empty={t("没有逾期的审核。", "No review is overdue.")}
        caption={t("逾期审核列表", "Overdue reviews")}
        columns={[t("申请", "Application"), t("审核部门", "Office"), t("收到时间", "Received"), t("办理期限", "Due")]}
        row={(r) => (
          <tr key={r.id}>
            <th scope="row"><a href={`#/window/applications/${encodeURIComponent(r.application_id)}`}>{r.application_id}</a></th>
            <td>{agencyName(r.agency)}</td>
            <td>{formatTime(r.created_at)}</td>
            <td><Due due={r.due} overdueAt={r.overdue_at} /></td>
          </tr>
        )}
      />
    </section>
  );
}
