// Complaints (投诉): file one about a review, a bank or the service (POST /complaints), and follow
// mine (GET /complaints): status, the day an answer is due, and the answer.
import { useEffect, useState } from "react";
import { api, errorSchemaOf, errorText } from "../../api.js";
import { pick, t } from "../../i18n.js";
import { FieldErrors } from "../../components/fielderrors.jsx";

const ABOUT = { review: ["部门审核", "An agency's review"], bank: ["银行", "A bank"], service: ["平台服务", "The service"] };
const STATUS = { open: ["处理中", "Open"], overdue: ["已超期", "Overdue"], closed: ["已答复", "Answered"] };

export default function Complaints() {
  const [list, setList] = useState(null);
  const [apps, setApps] = useState([]);
  const [draft, setDraft] = useState({ about: "service", application_id: "", text: "" });
  const [errors, setErrors] = useState(null);
  const [error, setError] = useState(null);
  const [announce, setAnnounce] = useState(null); // [zh, en]
  const [busy, setBusy] = useState(false);
  const load = () => api("GET", "/complaints").then((r) => setList(r.items)).catch((e) => setError(errorText(e)));
  useEffect(() => {
    load();
    api("GET", "/applications?limit=50").then((r) => setApps(r.items)).catch(() => setApps([]));
  }, []);

  async function file(event) {
    event.preventDefault();
    setBusy(true);
    setErrors(null);
    const body = { about: draft.about, text: draft.text, ...(draft.application_id ? { application_id: draft.application_id } : {}) };
    try {
      const made = await api("POST", "/complaints", { body, idempotent: true });
      setDraft({ ...draft, text: "" });
      setAnnounce([`投诉已提交，将于 ${made.due} 前答复。`, `Complaint filed; an answer is due by ${made.due}.`]);
      await load();
    } catch (e) {
      setErrors(errorSchemaOf(e.errors || [{ path: "", message_zh: errorText(e), message_en: errorText(e) }]).schema);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("投诉", "Complaints")}</h1>
      <p role="status" className={announce ? "notice" : "visually-hidden"}>{announce ? t(...announce) : ""}</p>
      {error && <p role="alert" className="error">{error}</p>}
      <form className="card" onSubmit={file} aria-labelledby="file-title">
        <h2 id="file-title">{t("提交投诉", "File a complaint")}</h2>
        <label className="field">{t("投诉对象", "About")}
          <select value={draft.about} onChange={(e) => setDraft({ ...draft, about: e.target.value })} aria-describedby="about-errors">
            {Object.entries(ABOUT).map(([k, names]) => <option key={k} value={k}>{t(...names)}</option>)}
          </select>
        </label>
        <FieldErrors id="about-errors" node={errors?.about || errors?.agency} />
        <label className="field">{t("相关申请（可选）", "Application (optional)")}
          <select value={draft.application_id} onChange={(e) => setDraft({ ...draft, application_id: e.target.value })}
                  aria-describedby="app-errors">
            <option value="">{t("不涉及具体申请", "None")}</option>
            {apps.map((a) => <option key={a.id} value={a.id}>{a.id}</option>)}
          </select>
        </label>
        <FieldErrors id="app-errors" node={errors?.application_id} />
        <label className="field">{t("投诉内容", "What happened")}
          <textarea value={draft.text} onChange={(e) => setDraft({ ...draft, text: e.target.value })} aria-describedby="ctext-errors" />
        </label>
        <FieldErrors id="ctext-errors" node={errors?.text || (errors?.__errors ? errors : null)} />
        <div className="actions"><button type="submit" className="button" disabled={busy}>{t("提交投诉", "File the complaint")}</button></div>
      </form>
      <h2>{t("我的投诉", "My complaints")}</h2>
      {list && list.length === 0 && <p>{t("还没有投诉。", "No complaints.")}</p>}
      <ul className="plain">
        {(list || []).map((c) => (
          <li key={c.id} className="card">
            <p><strong>{ABOUT[c.about] ? t(...ABOUT[c.about]) : c.about}</strong> · {STATUS[c.status] ? t(...STATUS[c.status]) : c.status}
              {" · "}{t(`答复期限 ${c.due}`, `answer due ${c.due}`)} · {pick(c.channel_name)}</p>
            <p>{c.text}</p>
            {c.answer && <p className="notice">{t("答复：", "Answer: ")}{typeof c.answer === "string" ? c.answer : c.answer.text}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
