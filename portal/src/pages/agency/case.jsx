// One case for the agency: the application, its materials, and the decision on this agency's
// pending review: approve, reject with a reason, or return it for material (POST
// /reviews/{id}/decision, with an Idempotency-Key; the server's errors beside the fields).
import { useState } from "react";
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { CaseDetails, Due, FieldError, History, Loading, Materials, Problem, fieldErrors, useLoad }
  from "../../components/console.jsx";
import { useNames } from "../../components/names.js";
import { session } from "../../session.js";

export default function Case({ params }) {
  const { data: app, error, reload } = useLoad(() => api("GET", `/applications/${encodeURIComponent(params.id)}`),
                                               [params.id]);
  const [done, setDone] = useState(null);
  const me = session()?.subject;
  const review = app?.reviews?.find((r) => r.agency === me && r.status === "pending");
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("审核申请", "Review an application")}</h1>
      <p><a href="#/agency">{t("← 返回待办审核", "← Back to pending reviews")}</a></p>
      <Problem error={error} />
      <p role="status" aria-live="polite" className="ok">
        {done && t(`已记录审核决定：${outcomeName(done.status, 1)}`, `Decision recorded: ${outcomeName(done.status, 2)}`)}
      </p>
      {!app && !error && <Loading />}
      {app && (
        <>
          <CaseDetails app={app} />
          <Materials ids={app.materials} />
          {review && <DecisionForm review={review} onDone={(result) => { setDone(result); reload(); }} />}
          {!review && !done && <p className="notice">{t("本部门对此申请没有待办审核。", "Your office has no pending review of this application.")}</p>}
          <History entries={app.history} />
        </>
      )}
    </section>
  );
}

const outcomeName = (status, n) => OUTCOMES.find((o) => o[0] === status)?.[n] || status;

const OUTCOMES = [["approved", "通过", "Approve"], ["rejected", "不通过", "Reject"],
                  ["returned", "退回补正材料", "Return for material"]];

function DecisionForm({ review, onDone }) {
  const names = useNames();
  const [outcome, setOutcome] = useState("approved");
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState([{ kind: "", note: "" }]);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    const body = { outcome, reason };
    if (outcome === "returned") body.missing = missing.map((m) => (m.kind ? m : { note: m.note }));
    try {
      const result = await api("POST", `/reviews/${encodeURIComponent(review.id)}/decision`, { body, idempotent: true });
      onDone(result);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const setItem = (n, change) => setMissing((list) => list.map((m, i) => (i === n ? { ...m, ...change } : m)));
  const shownPaths = new Set(["/reason", "/outcome", ...missing.flatMap((_, n) => [`/missing/${n}/kind`, `/missing/${n}/note`])]);
  const other = error && { errors: (error.errors || []).filter((e) => !shownPaths.has(e.path)) };
  return (
    <form onSubmit={submit} className="card" aria-labelledby="decide-title">
      <h2 id="decide-title">{t("审核决定", "Decision")}</h2>
      <p>{t("办理期限：", "Due: ")}<Due due={review.due} overdueAt={review.overdue_at} /></p>
      <fieldset>
        <legend>{t("结果", "Outcome")}</legend>
        {OUTCOMES.map(([value, zh, en]) => (
          <label key={value} className="choice">
            <input type="radio" name="outcome" value={value} checked={outcome === value} onChange={() => setOutcome(value)} />
            {t(zh, en)}
          </label>
        ))}
        <FieldError error={error} path="/outcome" />
      </fieldset>
      {outcome === "returned" && (
        <fieldset>
          <legend>{t("需补正的材料", "Material still needed")}</legend>
          {missing.map((m, n) => (
            <div key={n} className="missing-item">
              <label className="field">{t(`材料 ${n + 1} 的种类（可选）`, `Kind of item ${n + 1} (optional)`)}
                <select value={m.kind} onChange={(e) => setItem(n, { kind: e.target.value })}
                        aria-invalid={fieldErrors(error, `/missing/${n}/kind`).length > 0}>
                  <option value="">{t("（不指定）", "(none)")}</option>
                  {names.kinds.map((k) => <option key={k.kind} value={k.kind}>{t(k.zh, k.en)}</option>)}
                </select>
              </label>
              <FieldError error={error} path={`/missing/${n}/kind`} />
              <label className="field">{t(`材料 ${n + 1} 的说明`, `Note on item ${n + 1}`)}
                <input type="text" value={m.note} onChange={(e) => setItem(n, { note: e.target.value })}
                       aria-invalid={fieldErrors(error, `/missing/${n}/note`).length > 0} />
              </label>
              <FieldError error={error} path={`/missing/${n}/note`} />
              {missing.length > 1 && (
                <button type="button" className="button secondary"
                        onClick={() => setMissing((list) => list.filter((_, i) => i !== n))}>
                  {t(`删除材料 ${n + 1}`, `Remove item ${n + 1}`)}
                </button>
              )}
            </div>
          ))}
          <button type="button" className="button secondary" onClick={() => setMissing((l) => [...l, { kind: "", note: "" }])}>
            {t("再添加一项", "Add another item")}
          </button>
          <FieldError error={error} path="/missing" />
        </fieldset>
      )}
      <label className="field">{t("理由", "Reason")}
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3}
                  aria-invalid={fieldErrors(error, "/reason").length > 0} />
      </label>
      <FieldError error={error} path="/reason" />
      <Problem error={other?.errors?.length ? other : null} />
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>{t("提交审核决定", "Record the decision")}</button>
      </div>
    </form>
  );
}
