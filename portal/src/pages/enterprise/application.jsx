// An application's status (GET /applications/{id}). Minimal for now: the timeline of reviews and
// bank outcomes, materials, offers and messages are to be added here.
import { useEffect, useState } from "react";
import { api, message } from "../../api.js";
import { formatYuan, t } from "../../i18n.js";

// An application's statuses (chalicelib/domain/application.py Status), in both languages.
export const STATUSES = {
  in_review: ["审核中", "Under review"], at_banks: ["银行审批中", "With the banks"], approved: ["已获批", "Approved"],
  declined: ["银行未批准", "Declined by the banks"], rejected: ["未通过审核", "Rejected"], withdrawn: ["已撤回", "Withdrawn"],
  returned: ["需补正材料", "Returned for more material"], accepted: ["已接受贷款方案", "Offer accepted"],
};

export default function Application({ params }) {
  const [app, setApp] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api("GET", `/applications/${encodeURIComponent(params.id)}`).then(setApp)
      .catch((e) => setError(e.errors ? e.errors.map(message).join("；") : String(e)));
  }, [params.id]);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("申请进度", "Application status")}</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {!app && !error && <p>{t("正在加载…", "Loading…")}</p>}
      {app && (
        <dl className="card">
          <dt>{t("申请编号", "Application number")}</dt><dd>{app.id}</dd>
          <dt>{t("状态", "Status")}</dt><dd className="status">{STATUSES[app.status] ? t(...STATUSES[app.status]) : app.status}</dd>
          {app.amount !== undefined && (<><dt>{t("申请金额", "Amount")}</dt><dd>{formatYuan(app.amount)}</dd></>)}
        </dl>
      )}
    </section>
  );
}
