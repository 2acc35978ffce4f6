// One consultation thread (GET /threads/{id}: its messages, oldest first; reading it clears its
// unread count), a reply box (POST /threads/{id}/messages) and a call request (POST
// /threads/{id}/call-requests {kind, slot}) whose errors show beside the slot.
import { useCallback, useEffect, useState } from "react";
import { api, errorSchemaOf, errorText } from "../../api.js";
import { t } from "../../i18n.js";
import { FieldErrors } from "../../components/fielderrors.jsx";

const CALLS = { voice: ["语音通话", "Voice call"], video: ["视频通话", "Video call"] };
const CALL_STATUS = { requested: ["待窗口确认", "Waiting for the window"], confirmed: ["已确认", "Confirmed"],
                      proposed: ["窗口提议了其他时间", "The window proposed another time"] };

export default function Thread({ params }) {
  const [thread, setThread] = useState(null);
  const [error, setError] = useState(null);
  const [reply, setReply] = useState("");
  const [call, setCall] = useState({ kind: "voice", slot: "" });
  const [errors, setErrors] = useState({});
  const [announce, setAnnounce] = useState(null); // [zh, en]
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => api("GET", `/threads/${encodeURIComponent(params.id)}`).then(setThread)
    .catch((e) => setError(errorText(e))), [params.id]);
  useEffect(() => { load(); }, [load]);

  async function act(event, path, body, done, form) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      await api("POST", `/threads/${encodeURIComponent(params.id)}/${path}`, { body, idempotent: true });
      done();
      await load();
    } catch (e) {
      setErrors({ [form]: errorSchemaOf(e.errors || [{ path: "", message_zh: errorText(e), message_en: errorText(e) }]).schema });
    } finally {
      setBusy(false);
    }
  }

  const sendReply = (e) => act(e, "messages", { text: reply },
    () => { setReply(""); setAnnounce(["留言已发送。", "Message sent."]); }, "reply");
  const slot = call.slot.length === 16 ? `${call.slot}:00+08:00` : call.slot;
  const requestCall = (e) => act(e, "call-requests", { kind: call.kind, slot },
    () => setAnnounce(["通话预约已提交。", "Call requested."]), "call");

  return (
    <section aria-labelledby="page-title">
      <p><a href="#/enterprise/threads">{t("← 全部咨询", "← All questions")}</a></p>
      <h1 id="page-title">{thread ? thread.subject : t("咨询", "Question")}</h1>
      <p role="status" className={announce ? "notice" : "visually-hidden"}>{announce ? t(...announce) : ""}</p>
      {error && <p role="alert" className="error">{error}</p>}
      {thread && (
        <>
          <ol className="messages" aria-label={t("留言", "Messages")}>
            {thread.messages.map((m) => (
              <li key={m.id} className={m.from}>
                <strong>{m.from === "window" ? t("服务窗口", "Service window") : t("我", "Me")}</strong>{" "}
                <time className="hint" dateTime={m.at}>{m.at.slice(0, 16).replace("T", " ")}</time>
                <p>{m.text}</p>
              </li>
            ))}
          </ol>
          <form className="card" onSubmit={sendReply} aria-labelledby="reply-title">
            <h2 id="reply-title">{t("回复", "Reply")}</h2>
            <label className="field">{t("留言内容", "Your message")}
              <textarea value={reply} onChange={(e) => setReply(e.target.value)} aria-describedby="reply-errors" />
            </label>
            <FieldErrors id="reply-errors" node={errors.reply?.text || errors.reply} />
            <div className="actions"><button type="submit" className="button" disabled={busy}>{t("发送", "Send")}</button></div>
          </form>
          <form className="card" onSubmit={requestCall} aria-labelledby="call-title">
            <h2 id="call-title">{t("预约通话", "Request a call")}</h2>
            <fieldset>
              <legend>{t("通话方式", "Kind of call")}</legend>
              {Object.entries(CALLS).map(([kind, names]) => (
                <label key={kind} className="choice">
                  <input type="radio" name="call-kind" value={kind} checked={call.kind === kind}
                         onChange={() => setCall({ ...call, kind })} />{t(...names)}
                </label>
              ))}
            </fieldset>
            <label className="field">{t("希望的时间（北京时间，工作日办公时间内）", "When (Beijing time, working hours of a working day)")}
              <input type="datetime-local" value={call.slot} onChange={(e) => setCall({ ...call, slot: e.target.value })}
                     aria-describedby="slot-errors" aria-invalid={Boolean(errors.call?.slot) || undefined} />
            </label>
            <FieldErrors id="slot-errors" node={errors.call?.slot || (errors.call && !errors.call.kind ? errors.call : null)} />
            <FieldErrors id="kind-errors" node={errors.call?.kind} />
            <div className="actions"><button type="submit" className="button" disabled={busy}>{t("提交预约", "Request the call")}</button></div>
            {thread.call_requests?.length > 0 && (
              <ul>
                {thread.call_requests.map((c) => (
                  <li key={c.id}>{CALLS[c.kind] ? t(...CALLS[c.kind]) : c.kind} · {(c.proposed_slot || c.slot).slice(0, 16).replace("T", " ")} ·{" "}
                    {CALL_STATUS[c.status] ? t(...CALL_STATUS[c.status]) : c.status}</li>
                ))}
              </ul>
            )}
          </form>
        </>
      )}
    </section>
  );
}
