// Window staff: consultation threads, newest activity first; unanswered ones only by default
// (GET /threads?unanswered=true); each opens the thread.
import { useState } from "react";
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { Loading, Problem, formatTime, useLoad } from "../../components/console.jsx";

export default function Threads() {
  const [unanswered, setUnanswered] = useState(true);
  const { data, error } = useLoad(() => api("GET", `/threads?limit=100${unanswered ? "&unanswered=true" : ""}`), [unanswered]);
  const items = data?.items || [];
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("咨询", "Consultations")}</h1>
      <label className="choice">
        <input type="checkbox" checked={unanswered} onChange={(e) => setUnanswered(e.target.checked)} />
        {t("只看未答复的", "Unanswered only")}
      </label>
      <Problem error={error} />
      {!data && !error && <Loading />}
      <p role="status" aria-live="polite">{data && items.length === 0 && t("没有咨询。", "No consultations.")}</p>
      {items.length > 0 && (
        <ul className="plain">
          {items.map((th) => (
            <li key={th.id} className="card">
              <a href={`#/window/threads/${encodeURIComponent(th.id)}`}>{th.subject}</a>
              <p className="hint">
                {th.owner} · {formatTime(th.last_at)} · {th.unanswered ? <strong>{t("待答复", "Awaiting an answer")}</strong> : t("已答复", "Answered")}
                {(th.call_requests || []).some((c) => c.status === "requested") && <> · {t("有通话预约待确认", "A call request awaits")}</>}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
