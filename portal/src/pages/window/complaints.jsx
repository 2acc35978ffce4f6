// Window staff: complaints by status (open, overdue, closed; GET /complaints?status=), earliest due
// first, each answered in place (POST /complaints/{id}/answer closes it and tells the enterprise).
import { useState } from "react";
import { api } from "../../api.js";
import { pick, t } from "../../i18n.js";
import { Due, FieldError, Loading, Problem, formatTime, useLoad } from "../../components/console.jsx";

const STATUSES = [["open", "待处理", "Open"], ["overdue", "已逾期", "Overdue"], ["closed", "已办结", "Closed"]];
const ABOUT = { review: ["审核", "A review"], bank: ["银行", "A bank"], service: ["服务", "The service"] };

export default function Complaints() {
  const [status, setStatus] = useState("open");
  const { data, error, reload } = useLoad(() => api("GET", `/complaints?status=${status}&limit=100`), [status]);
  const [said, setSaid] = useState("");
  const items = data?.items || [];
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("投诉", "Complaints")}</h1>
      <fieldset>
        <legend>{t("状态", "Status")}</legend>
        {STATUSES.map(([value, zh, en]) => (
          <label key={value} className="choice">
            <input type="radio" name="complaint-status" checked={status === value} onChange={() => setStatus(value)} />{t(zh, en)}
          </label>
        ))}
      </fieldset>
      <Problem error={error} />
      <p role="status" aria-live="polite" className="ok">{said}</p>
      {!data && !error && <Loading />}
      {data && items.length === 0 && <p>{t("没有此状态的投诉。", "No complaints with this status.")}</p>}
      <ul className="plain">
        {items.map((c) => (
          <li key={c.id} className="card">
            <h2>{ABOUT[c.about] ? t(...ABOUT[c.about]) : c.about} · {c.uscc}</h2>
            <p>{c.text}</p>
            <p className="hint">
              {pick(c.channel_name) || c.channel} · {formatTime(c.created_at)}
              {c.status !== "closed" && <> · {t("答复期限：", "Answer by: ")}<Due due={c.due} overdueAt={c.status === "overdue" ? c.due : null} /></>}
            </p>
            {c.answer ? <p>{t("答复：", "Answer: ")}{c.answer.text}</p>
              : <Answer complaint={c} onDone={() => { setSaid(t("已答复并办结。", "Answered and closed.")); reload(); }} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Answer({ complaint, onDone }) {
  const [text, setText] = useState("");
  const [error, setError] = useState(null);
  async function submit(event) {
    event.preventDefault();
    setError(null);
    try {
      await api("POST", `/complaints/${encodeURIComponent(complaint.id)}/answer`, { body: { text } });
      onDone();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <form onSubmit={submit}>
      <label className="field" htmlFor={`answer-${complaint.id}`}>{t("答复内容", "Answer")}</label>
      <textarea id={`answer-${complaint.id}`} rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      <FieldError error={error} path="/text" />
      {error && !error.errors?.some((e) => e.path === "/text") && <Problem error={error} />}
      <div className="actions"><button type="submit" className="button">{t("答复并办结", "Answer and close")}</button></div>
    </form>
  );
}
