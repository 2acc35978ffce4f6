// Window staff: every review past its due day, earliest due first (GET /reviews?status=overdue).
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { Due, Loading, Problem, formatTime, useLoad } from "../../components/console.jsx";
import { agencyName } from "../../components/names.js";

export default function Overdue() {
  const { data, error } = useLoad(() => api("GET", "/reviews?status=overdue&limit=100"), []);
  const items = data?.items || [];
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("逾期审核", "Overdue reviews")}</h1>
      <Problem error={error} />
      {!data && !error && <Loading />}
      {data && items.length === 0 && <p role="status">{t("没有逾期的审核。", "No review is overdue.")}</p>}
      {items.length > 0 && (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <caption className="visually-hidden">{t("逾期审核列表", "Overdue reviews")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("申请", "Application")}</th>
                <th scope="col">{t("审核部门", "Office")}</th>
                <th scope="col">{t("收到时间", "Received")}</th>
                <th scope="col">{t("办理期限", "Due")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <th scope="row"><a href={`#/window/applications/${encodeURIComponent(r.application_id)}`}>{r.application_id}</a></th>
                  <td>{agencyName(r.agency)}</td>
                  <td>{formatTime(r.created_at)}</td>
                  <td><Due due={r.due} overdueAt={r.overdue_at} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
