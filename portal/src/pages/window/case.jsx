// Window staff read one application: details, reviews, banks' outcomes, materials, history.
import { api } from "../../api.js";
import { formatYuan, t } from "../../i18n.js";
import { CaseDetails, Due, History, Loading, Materials, Problem, useLoad } from "../../components/console.jsx";
import { agencyName, bankStatusName, reviewStatusName, useNames } from "../../components/names.js";

export default function Case({ params }) {
  const id = encodeURIComponent(params.id);
  const { data: app, error } = useLoad(() => api("GET", `/applications/${id}`), [id]);
  const names = useNames();
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("申请详情", "Application")}</h1>
      <p><a href="#/window">{t("← 返回全部申请", "← Back to all applications")}</a></p>
      <Problem error={error} />
      {!app && !error && <Loading />}
      {app && (
        <>
          <CaseDetails app={app} />
          <section aria-labelledby="case-steps" className="card">
            <h2 id="case-steps">{t("审核与银行", "Reviews and banks")}</h2>
            <ul>
              {(app.reviews || []).map((r) => (
                <li key={r.id || r.agency}>{agencyName(r.agency)}：{reviewStatusName(r.status)}
                  {r.status === "pending" && r.due && <> · <Due due={r.due} overdueAt={r.overdue_at} /></>}</li>
              ))}
              {(app.banks || []).map((b) => (
                <li key={b.code}>{names.bank(b.code)}：{bankStatusName(b.status)}{b.amount ? ` · ${formatYuan(b.amount)}` : ""}</li>
              ))}
            </ul>
          </section>
          <Materials ids={app.materials} />
          <History entries={app.history} />
        </>
      )}
    </section>
  );
}
