// Consultation (咨询): my threads with the service window (GET /threads, unread counts) and a
// form to start one (POST /threads), optionally about one of my applications.
import { useEffect, useState } from "react";
import { api, errorSchemaOf, errorText } from "../../api.js";
import { t } from "../../i18n.js";
import { navigate } from "../../router.js";
import { FieldErrors } from "../../components/fielderrors.jsx";

export default function Threads() {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [draft, setDraft] = useState({ subject: "", text: "" });
  const [errors, setErrors] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { api("GET", "/threads").then(setData).catch((e) => setError(errorText(e))); }, []);

  async function start(event) {
    event.preventDefault();
    setBusy(true);
    setErrors(null);
    try {
      const thread = await api("POST", "/threads", { body: draft, idempotent: true });
      navigate(`/enterprise/threads/${thread.id}`);
    } catch (e) {
      setErrors(errorSchemaOf(e.errors || []).schema);
      if (!e.errors) setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("咨询", "Ask the service window")}</h1>
      {error && <p role="alert" className="error">{error}</p>}
      <h2>{t("我的咨询", "My questions")}</h2>
      {data && data.items.length === 0 && <p>{t("还没有咨询。", "No questions yet.")}</p>}
      <ul className="plain">
        {(data?.items || []).map((th) => (
          <li key={th.id} className={`card${th.unread_enterprise ? " unread" : ""}`}>
            <a href={`#/enterprise/threads/${th.id}`}>{th.subject}</a>
            {th.unread_enterprise > 0 && <span className="tag">{t(`${th.unread_enterprise} 条新回复`, `${th.unread_enterprise} new`)}</span>}
            <div className="hint">{t("最近：", "Last: ")}{th.last_at.slice(0, 16).replace("T", " ")} · {th.unanswered
              ? t("等待窗口答复", "Waiting for the window") : t("窗口已答复", "Answered")}</div>
          </li>
        ))}
      </ul>
      <form className="card" onSubmit={start} aria-labelledby="new-title">
        <h2 id="new-title">{t("发起咨询", "Ask a question")}</h2>
        <label className="field">{t("主题", "Subject")}
          <input value={draft.subject} onChange={(e) => setDraft({ ...draft, subject: e.target.value })} aria-describedby="subject-errors" />
        </label>
        <FieldErrors id="subject-errors" node={errors?.subject} />
        <label className="field">{t("内容", "Your question")}
          <textarea value={draft.text} onChange={(e) => setDraft({ ...draft, text: e.target.value })} aria-describedby="text-errors" />
        </label>
        <FieldErrors id="text-errors" node={errors?.text} />
        <div className="actions"><button type="submit" className="button" disabled={busy}>{t("发送", "Send")}</button></div>
      </form>
    </section>
  );
}
