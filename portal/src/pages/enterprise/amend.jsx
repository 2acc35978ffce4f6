// The ONE notice of everything missing (一次性告知, `notice.items` of a returned application) and
// the amendment: upload what is asked for, add a note, send (POST /applications/{id}/amend with
// an Idempotency-Key); only the agencies that returned it review it again.
import { useEffect, useState } from "react";
import { api, message } from "../../api.js";
import { pick, t } from "../../i18n.js";
import { MaterialUpload, materialKinds } from "../../components/materials.jsx";
import { AGENCIES } from "./precheck.jsx";

export function Amend({ app, onAmended }) {
  const [kinds, setKinds] = useState([]);
  const [added, setAdded] = useState([]);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { materialKinds().then(setKinds).catch(() => setKinds([])); }, []);
  const names = Object.fromEntries(kinds.map((k) => [k.kind, k]));
  const items = app.notice.items || [];

  async function send(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api("POST", `/applications/${encodeURIComponent(app.id)}/amend`,
                { body: { materials: [...(app.materials || []), ...added.map((m) => m.id)] }, idempotent: true });
      onAmended();
    } catch (e) {
      setError(e.errors ? e.errors.map(message).join("；") : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card notice missing" aria-labelledby="notice-title">
      <h2 id="notice-title">{t("补正通知", "Notice of missing items")}</h2>
      <p>{t(`审核部门于 ${(app.notice.since || "").slice(0, 10)} 一次性告知需补正以下事项：`,
            `On ${(app.notice.since || "").slice(0, 10)} the reviewers asked, all at once, for:`)}</p>
      <ol className="notice-items">
        {items.map((item, i) => (
          <li key={i}>
            <strong>{AGENCIES[item.agency] ? t(...AGENCIES[item.agency]) : item.agency}</strong>：
            {item.kind && `${pick(names[item.kind]) || item.kind} — `}{item.note}
          </li>
        ))}
      </ol>
      <form onSubmit={send} aria-labelledby="amend-title">
        <h3 id="amend-title">{t("提交补正", "Send the amendment")}</h3>
        {items.map((item, i) => (
          <MaterialUpload key={i} kind={item.kind || "other"} kinds={kinds} disabled={busy}
                          onUploaded={(m) => setAdded((old) => [...old, m])} />
        ))}
        {error && <p role="alert" className="error">{error}</p>}
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>{t("提交补正", "Send the amendment")}</button>
        </div>
      </form>
    </section>
  );
}
