// Window staff: one thread (GET /threads/{id}), its messages oldest first, an answer (POST
// …/messages), and each call request confirmed or answered with another slot.
import { useState } from "react";
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { FieldError, Loading, Problem, formatTime, useLoad } from "../../components/console.jsx";

const CALL_STATUSES = { requested: ["待确认", "Requested"], confirmed: ["已确认", "Confirmed"], proposed: ["已建议其他时间", "Another slot proposed"] };

export default function Thread({ params }) {
  const id = encodeURIComponent(params.id);
  const { data: thread, error, reload } = useLoad(() => api("GET", `/threads/${id}`), [id]);
  const [text, setText] = useState("");
  const [sendError, setSendError] = useState(null);
  const [said, setSaid] = useState("");

  async function answer(event) {
    event.preventDefault();
    setSendError(null);
    try {
      await api("POST", `/threads/${id}/messages`, { body: { text }, idempotent: true });
      setText("");
      setSaid(t("答复已发送。", "Answer sent."));
      reload();
    } catch (e) {
      setSendError(e);
    }
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{thread ? thread.subject : t("咨询", "Consultation")}</h1>
      <p><a href="#/window/threads">{t("← 返回咨询列表", "← Back to consultations")}</a></p>
      <Problem error={error} />
      <p role="status" aria-live="polite" className="ok">{said}</p>
      {!thread && !error && <Loading />}
      {thread && (
        <>
          <ol className="plain messages">
            {thread.messages.map((m) => (
              <li key={m.id} className={`card from-${m.from}`}>
                <p className="hint">{m.from === "window" ? t("窗口", "Window") : t("企业", "Enterprise")} · {formatTime(m.at)}</p>
                <p>{m.text}</p>
              </li>
            ))}
          </ol>
          <form onSubmit={answer} className="card">
            <label className="field" htmlFor="answer-text">{t("答复", "Answer")}</label>
            <textarea id="answer-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
            <FieldError error={sendError} path="/text" />
            {sendError && !sendError.errors?.some((e) => e.path === "/text") && <Problem error={sendError} />}
            <div className="actions"><button type="submit" className="button">{t("发送答复", "Send the answer")}</button></div>
          </form>
          {(thread.call_requests || []).map((c) => <CallRequest key={c.id} thread={id} call={c} onDone={reload} />)}
        </>
      )}
    </section>
  );
}

function CallRequest({ thread, call, onDone }) {
  const [slot, setSlot] = useState("");
  const [error, setError] = useState(null);
  async function send(path, body) {
    setError(null);
    try {
      await api("POST", `/threads/${thread}/call-requests/${encodeURIComponent(call.id)}/${path}`, { body });
      onDone();
    } catch (e) {
      setError(e);
    }
  }
  const kind = call.kind === "video" ? t("视频", "Video") : t("语音", "Voice");
  return (
    <section className="card" aria-labelledby={`call-${call.id}`}>
      <h2 id={`call-${call.id}`}>{t(`${kind}通话预约`, `${kind} call request`)}</h2>
      <p>{t("时间：", "Slot: ")}{call.slot} · {CALL_STATUSES[call.status] ? t(...CALL_STATUSES[call.status]) : call.status}
        {call.proposed_slot && <> · {t("建议：", "Proposed: ")}{call.proposed_slot}</>}</p>
      {call.status === "requested" && (
        <form onSubmit={(e) => { e.preventDefault(); send("propose", { slot }); }}>
          <div className="actions">
            <button type="button" className="button" onClick={() => send("confirm")}>{t("确认此时间", "Confirm this slot")}</button>
          </div>
          <label className="field" htmlFor={`slot-${call.id}`}>{t("建议其他时间（如 2026-12-03T10:00）", "Propose another slot (e.g. 2026-12-03T10:00)")}</label>
          <input id={`slot-${call.id}`} type="text" value={slot} onChange={(e) => setSlot(e.target.value)} />
          <FieldError error={error} path="/slot" />
          <div className="actions"><button type="submit" className="button secondary">{t("建议其他时间", "Propose this slot")}</button></div>
        </form>
      )}
      {error && !error.errors?.some((e) => e.path === "/slot") && <Problem error={error} />}
    </section>
  );
}
