// Sign-in. Locally (and in tests) a role picker mints a dev token with POST /auth/dev-token; in
// AWS there is no such route and /portal/config.json names Cognito's hosted UI, which the page
// signs in through (code + PKCE, hosted-ui.js), or else a sign-in page to link to.
import { useEffect, useState } from "react";
import { api, message } from "../api.js";
import { t } from "../i18n.js";
import { roleName } from "../layout.jsx";
import { navigate } from "../router.js";
import { HOME } from "../routes.js";
import { signIn } from "../session.js";
import { AGENCIES } from "../components/names.js";
import { completeSignIn, returnedFromHostedUi, startSignIn } from "../hosted-ui.js";

const ROLES = ["enterprise", "agency", "bank", "window", "policy"];
const DEFAULT_SUBJECT = { agency: "ipo", window: "w001", policy: "p001" };

export default function SignIn() {
  const [config, setConfig] = useState(null);
  const [banks, setBanks] = useState([]);
  const [role, setRole] = useState("enterprise");
  const [subject, setSubject] = useState("");
  const [error, setError] = useState(null);
  const [returning] = useState(returnedFromHostedUi); // the code leaves the address once read

  useEffect(() => {
    api("GET", "/portal/config.json").then((c) => {
      setConfig(c);
      const first = c.sample_enterprises?.[0];
      if (first) setSubject((s) => s || first.uscc);
    }).catch(() => setConfig({ dev_sign_in: false }));
    api("GET", "/banks").then(setBanks).catch(() => setBanks([]));
  }, []);

  if (!config) return <p>{t("正在加载…", "Loading…")}</p>;
  if (config.hosted_ui && (returnedFromHostedUi() || returning)) {
    return <Returning hosted={config.hosted_ui} />;
  }
  const hosted = config.hosted_ui && (
    <p><button type="button" className="button" onClick={() => startSignIn(config.hosted_ui)}>
      {t("使用统一身份认证登录", "Sign in with the city's account")}
    </button></p>
  );
  if (!config.dev_sign_in) {
    return (
      <section aria-labelledby="signin-title">
        <h1 id="signin-title">{t("登录", "Sign in")}</h1>
        {hosted || (config.sign_in_url
          ? <p><a className="button" href={config.sign_in_url}>{t("使用统一身份认证登录", "Sign in with the city's account")}</a></p>
          : <p role="alert">{t("本环境尚未配置登录页面。", "No sign-in page is configured here.")}</p>)}
      </section>
    );
  }

  function choose(next) {
    setRole(next);
    setSubject(next === "enterprise" ? (config.sample_enterprises?.[0]?.uscc || "")
      : next === "bank" ? (banks[0]?.code || "") : DEFAULT_SUBJECT[next]);
  }

  async function submit(event) {
    event.preventDefault();
    setError(null);
    try {
      const minted = await api("POST", "/auth/dev-token", { body: { role, subject: subject.trim() } });
      signIn(minted.token, role, subject.trim());
      navigate(HOME[role]);
    } catch (e) {
      setError(e.errors ? e.errors.map(message).join("；") : String(e));
    }
  }

  return (
    <section aria-labelledby="signin-title">
      <h1 id="signin-title">{t("登录（本地开发）", "Sign in (local development)")}</h1>
      {hosted}
      <form onSubmit={submit} className="card">
        <fieldset>
          <legend>{t("身份", "Role")}</legend>
          {ROLES.map((r) => (
            <label key={r} className="choice">
              <input type="radio" name="role" value={r} checked={role === r} onChange={() => choose(r)} />
              {roleName(r)}
            </label>
          ))}
        </fieldset>
        <SubjectField role={role} subject={subject} setSubject={setSubject} banks={banks}
                      enterprises={config.sample_enterprises || []} />
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" className="button">{t("登录", "Sign in")}</button>
      </form>
    </section>
  );
}

function SubjectField({ role, subject, setSubject, banks, enterprises }) {
  if (role === "bank") {
    return (
      <label className="field">{t("银行", "Bank")}
        <select value={subject} onChange={(e) => setSubject(e.target.value)}>
          {banks.map((b) => <option key={b.code} value={b.code}>{t(b.name_zh, b.name_en)} ({b.code})</option>)}
        </select>
      </label>
    );
  }
  if (role === "agency") {
    return (
      <label className="field">{t("审核部门（编号）", "Agency (id)")}
        <input list="agency-ids" value={subject} onChange={(e) => setSubject(e.target.value)} />
        <datalist id="agency-ids">
          {Object.entries(AGENCIES).map(([id, name]) => <option key={id} value={id}>{t(...name)}</option>)}
        </datalist>
      </label>
    );
  }
  if (role === "enterprise") {
    return (
      <>
        <label className="field">{t("统一社会信用代码", "Unified social credit code (USCC)")}
          <input name="uscc" value={subject} onChange={(e) => setSubject(e.target.value)} autoComplete="off" />
        </label>
        {enterprises.length > 0 && (
          <div className="hint">
            <p>{t("数据专区中的示例企业：", "Enterprises of the data zone:")}</p>
            <ul className="plain">
              {enterprises.map((e) => (
                <li key={e.uscc}>
                  <button type="button" className="link-button" onClick={() => setSubject(e.uscc)}>
                    {e.name} · {e.uscc}{e.patents ? t(`（${e.patents} 项专利）`, ` (${e.patents} patents)`) : ""}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </>
    );
  }
  return (
    <label className="field">{t("工号", "Staff id")}
      <input value={subject} onChange={(e) => setSubject(e.target.value)} />
    </label>
  );
}

// Back from the hosted UI with a code: trade it for the ID token, then go to the role's home.
let completing = null; // one exchange per code, even if the page renders twice

function Returning({ hosted }) {
  const [error, setError] = useState(null);
  useEffect(() => {
    completing = completing || completeSignIn(hosted);
    completing.then((role) => navigate(HOME[role])).catch((e) => setError(e.message))
      .finally(() => { completing = null; });
  }, [hosted]);
  return (
    <section aria-labelledby="signin-title">
      <h1 id="signin-title">{t("登录", "Sign in")}</h1>
      {error ? (
        <>
          <p role="alert" className="error">{t(`登录未完成：${error}`, `Sign-in did not complete: ${error}`)}</p>
          <p><button type="button" className="button" onClick={() => startSignIn(hosted)}>
            {t("重新登录", "Sign in again")}
          </button></p>
        </>
      ) : <p role="status">{t("正在完成登录…", "Completing sign-in…")}</p>}
    </section>
  );
}
