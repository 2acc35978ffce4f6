// Step 2 of applying: the scenario's form, rendered by rjsf from GET /forms/{scenario}, prefilled
// from the data zone (GET /forms/{scenario}/prefill), pre-checked (POST /eligibility) and
// submitted (POST /applications). The server's errors show beside their fields and in a summary.
import { useEffect, useMemo, useRef, useState } from "react";
import Form from "@rjsf/core";
import { api, errorSchemaOf, message } from "../../api.js";
import { lang, pick, t } from "../../i18n.js";
import { navigate } from "../../router.js";
import { localizeSchema, translateString, uiSchemaFor } from "../../forms/localize.js";
import { validator } from "../../forms/validator.js";
import { Precheck } from "./precheck.jsx";
import { MaterialsField } from "../../components/materials.jsx";

const FIELDS = { materials: MaterialsField };

export default function Apply({ params }) {
  const { scenario } = params;
  const [loaded, setLoaded] = useState(null);
  const [formData, setFormData] = useState(() => ({ scenario, ...preselected() }));
  const [errors, setErrors] = useState(null); // {schema, summary}
  const [check, setCheck] = useState(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const summaryRef = useRef(null);

  useEffect(() => {
    Promise.all([api("GET", `/forms/${encodeURIComponent(scenario)}`), api("GET", "/forms"), api("GET", "/banks"),
                 api("GET", `/products?scenario=${encodeURIComponent(scenario)}`)])
      .then(([schema, forms, banks, products]) => {
        setLoaded({ schema, card: forms.find((f) => f.id === scenario), banks, products });
        return prefill();
      })
      .catch(showErrors);
  }, [scenario]);

  const language = lang();
  const schema = useMemo(() => loaded && localizeSchema(loaded.schema, loaded), [loaded, language]);

  function showErrors(e) {
    setErrors(errorSchemaOf(e.errors || [{ path: "", message_zh: String(e), message_en: String(e) }]));
    setTimeout(() => summaryRef.current?.focus(), 0);
  }

  async function run(action) {
    setBusy(true);
    setErrors(null);
    setNotice(null);
    try {
      await action();
    } catch (e) {
      showErrors(e);
    } finally {
      setBusy(false);
    }
  }

  function prefill() {
    return run(async () => {
      const found = await api("GET", `/forms/${encodeURIComponent(scenario)}/prefill`);
      setFormData((old) => ({ ...old, ...found, details: { ...(old.details || {}), ...(found.details || {}) } }));
      setNotice(t("已从数据专区预填企业信息。", "Filled in from the data zone."));
    });
  }

  const precheck = () => run(async () => {
    setCheck(await api("POST", "/eligibility", { body: formData }));
  });

  const submit = () => run(async () => {
    const created = await api("POST", "/applications", { body: formData, idempotent: true });
    navigate(`/enterprise/applications/${encodeURIComponent(created.id)}`);
  });

  return (
    <section aria-labelledby="page-title">
      <p><a href="#/enterprise/apply">{t("← 选择其他贷款类型", "← Choose another kind of loan")}</a></p>
      <h1 id="page-title">{loaded?.card ? pick(loaded.card, "name") : t("申请贷款", "Apply for a loan")}</h1>
      {loaded?.card && <p>{pick(loaded.card, "description")}</p>}
      <ErrorSummary errors={errors} refTo={summaryRef} />
      {notice && <p role="status" className="notice">{notice}</p>}
      {schema && (
        <Form schema={schema} uiSchema={uiSchemaFor()} validator={validator} formData={formData}
              onChange={(e) => setFormData(e.formData)} onSubmit={submit} noValidate noHtml5Validate
              showErrorList={false} extraErrors={errors?.schema} translateString={translateString}
              idPrefix="root" disabled={busy} fields={FIELDS}
              formContext={{ missing: check?.missing_materials, checked: Boolean(check) }}
              experimental_defaultFormStateBehavior={{ emptyObjectFields: "populateRequiredDefaults" }}>
          <div className="actions">
            <button type="button" className="button secondary" onClick={prefill} disabled={busy}>
              {t("从数据专区预填", "Prefill from the data zone")}
            </button>
            <button type="button" className="button secondary" onClick={precheck} disabled={busy}>
              {t("预检", "Pre-check")}
            </button>
            <button type="submit" className="button" disabled={busy}>{t("提交申请", "Submit the application")}</button>
          </div>
        </Form>
      )}
      {check && <Precheck result={check} />}
    </section>
  );
}

// A bank chosen on the products page (#/enterprise/apply/<scenario>?bank=CODE) comes ticked.
function preselected() {
  const bank = new URLSearchParams(location.hash.split("?")[1] || "").get("bank");
  return bank ? { banks: [bank] } : {};
}

function focusField(id) {
  const field = document.getElementById(id);
  if (field) {
    field.focus();
    field.scrollIntoView({ block: "center" });
  }
}

function ErrorSummary({ errors, refTo }) {
  if (!errors || errors.summary.length === 0) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={refTo} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t("请修改以下问题", "Please correct the following")}</h2>
      <ul>
        {errors.summary.map((e, i) => (
          <li key={i}>
            {e.path ? <button type="button" className="link-button" onClick={() => focusField(e.id)}>{e.text}</button>
              : e.text}
          </li>
        ))}
      </ul>
    </div>
  );
}
