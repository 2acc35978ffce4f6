// The bank's pending applications, oldest sent first (GET /banks/{code}/applications), with how
// long each has waited; each opens the case.
import { api } from "../../api.js";
import { formatYuan, t } from "../../i18n.js";
import { ListTable, formatTime, todayInBeijing, useApplications, useLoad } from "../../components/console.jsx";
import { useNames } from "../../components/names.js";
import { session } from "../../session.js";

function waited(sentAt) {
  const day = new Date(sentAt).toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" });
  return Math.max(0, Math.round((Date.parse(todayInBeijing()) - Date.parse(day)) / 86400000));
}

export default function Home() {
  const code = session()?.subject || "";
  const { data, error } = useLoad(() => api("GET", `/banks/${encodeURIComponent(code)}/applications?limit=100`), [code]);
  const items = data?.items || [];
  const apps = useApplications(items.map((b) => b.application_id));
  const names = useNames();
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("待办申请", "Pending applications")}</h1>
      <p className="hint">{names.bank(code)} · {t("最早推送的排在最前。", "Oldest first.")}</p>
      <ListTable
        data={data} error={error} items={items}
        empty={t("没有待审批的申请。", "No applications are waiting.")}
        caption={t("待审批申请列表", "Applications waiting")}
        columns={[t("企业", "Enterprise"), t("贷款类型", "Loan type"), t("申请金额", "Amount"), t("推送时间", "Received"), t("已等待", "Waiting")]}
        row={(b) => {
          const days = waited(b.sent_at);
          return (
            <tr key={b.application_id} data-application={b.application_id}>
              <th scope="row">
                <a href={`#/bank/applications/${encodeURIComponent(b.application_id)}`}>
                  {apps[b.application_id]?.enterprise?.name || b.application_id}
                </a>
              </th>
              <td>{names.scenario(b.scenario)}</td>
              <td>{formatYuan(b.amount)}</td>
              <td>{formatTime(b.sent_at)}</td>
              <td>{t(`${days} 天`, `${days} days`)}</td>
            </tr>
          );
        }}
      />
    </section>
  );
}
