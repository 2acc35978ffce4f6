// Step 1 of applying: the five loan scenarios, by their names and descriptions from GET /forms.
import { useEffect, useState } from "react";
import { api, message } from "../../api.js";
import { pick, t } from "../../i18n.js";

export default function Scenarios() {
  const [forms, setForms] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api("GET", "/forms").then(setForms).catch((e) => setError(e.errors ? e.errors.map(message).join("；") : String(e)));
  }, []);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("选择贷款类型", "Choose a kind of loan")}</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {!forms && !error && <p>{t("正在加载…", "Loading…")}</p>}
      <ul className="cards">
        {(forms || []).map((f) => (
          <li key={f.id} className="card">
            <h2>{pick(f, "name")}</h2>
            <p>{pick(f, "description")}</p>
            <a className="button" href={`#/enterprise/apply/${f.id}`}>
              {t(`申请${f.name_zh}`, `Apply for a ${f.name_en.toLowerCase()}`)}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
