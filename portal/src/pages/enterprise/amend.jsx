// The ONE notice of everything missing (一次性告知, `notice.items` of a returned application) and
// the amendment: upload what is asked for, add a note, send (POST /applications/{id}/amend with
// an Idempotency-Key); only the agencies that returned it review it again.
import { useEffect, useMemo, useState } from "react";
import Form from "@rjsf/core";
import { api, errorSchemaOf, message } from "../../api.js";
import { lang, pick, t } from "../../i18n.js";
import { localizeSchema, translateString } from "../../forms/localize.js";
import { validator } from "../../forms/validator.js";
import { MaterialUpload, materialKinds } from "../../components/materials.jsx";
import { AGENCIES } from "./precheck.jsx";

export function Amend({ app, onAmended }) {
  const [kinds, setKinds] = useState([]);
  const [added, setAdded] = useState([]);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);
  const [details, setDetails] = useState(app.details);
  const [detailErrors, setDetailErrors] = useState(null);
  useEffect(() => { materialKinds().then(setKinds).catch(() => setKinds([])); }, []);
  const names = Object.fromEntries(kinds.map((k) => [k.kind, k]));
  const items = app.notice.items || [];

  async function send(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDetailErrors(null);
    const body = { materials: [...(app.materials || []), ...added.map((m) => m.id)], ...(editing ? { details } : {}) };
    try {
      await api("POST", `/applications/${encodeURIComponent(app.id)}/amend`, { body, idempotent: true });
      onAmended();
    } catch (e) {
      setError(e.errors ? e.errors.map(message).join("；") : String(e));
      if (e.errors) setDetailErrors(errorSchemaOf(e.errors).schema.details);
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
            <strong>{AGENCIES[item.agency] ? t(...AGENCIES[item.agency]) : item.agency}</strong>{t("：", ": ")}
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
        <label className="choice">
          <input type="checkbox" checked={editing} onChange={(e) => setEditing(e.target.checked)} />
          {t("同时修改场景信息", "Also correct the loan's details")}
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        {!editing && (
          <div className="actions">
            <button type="submit" className="button" disabled={busy}>{t("提交补正", "Send the amendment")}</button>
          </div>
        )}
      </form>
      {editing && <DetailsForm scenario={app.scenario} details={details} onChange={setDetails} errors={detailErrors} />}
      {editing && (
        <div className="actions">
          <button type="button" className="button" disabled={busy} onClick={send}>{t("提交补正", "Send the amendment")}</button>
        </div>
      )}
    </section>
  );
}

// The scenario's `details` part of its form (GET /forms/{scenario}), to correct what was asked.
function DetailsForm({ scenario, details, onChange, errors }) {
  const [schema, setSchema] = useState(null);
  useEffect(() => { api("GET", `/forms/${encodeURIComponent(scenario)}`).then(setSchema).catch(() => setSchema(null)); }, [scenario]);
  const language = lang();
  const part = useMemo(() => schema && localizeSchema({ ...schema.properties.details, $defs: schema.$defs }),
                       [schema, language]);
  if (!part) return null;
  return (
    <Form schema={part} validator={validator} formData={details} onChange={(e) => onChange(e.formData)}
          idPrefix="details" noValidate noHtml5Validate showErrorList={false} extraErrors={errors || undefined}
          translateString={translateString} uiSchema={{ "ui:submitButtonOptions": { norender: true } }} />
  );
}
