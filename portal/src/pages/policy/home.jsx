// The policy console's home: every ruleset version the decisions use (repository files and the
// versions approved through the API), the proposals waiting for a second policy user, and for
// each ruleset its history and a new draft started from any version.
import { useEffect, useState } from "react";
import { api } from "../../api.js";
import { errorText } from "../../components/console.jsx";
import { t } from "../../i18n.js";

const path = (...parts) => parts.map(encodeURIComponent).join("/");

export default function Home() {
  const [rules, setRules] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api("GET", "/rules").then(setRules).catch(setError);
  }, []);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("规则版本", "Rule versions")}</h1>
      {error && <p role="alert" className="error">{errorText(error)}</p>}
      {!rules && !error && <p>{t("正在加载…", "Loading…")}</p>}
      {rules && <Proposals proposals={rules.proposals || []} />}
      {rules && rules.evaluation_order.map((name) => (
        <Ruleset key={name} name={name} versions={rules.rulesets.filter((r) => r.ruleset === name)} />
      ))}
    </section>
  );
}

function Proposals({ proposals }) {
  return (
    <section aria-labelledby="proposals-title" className="card">
      <h2 id="proposals-title">{t("待审批的提议", "Proposals awaiting approval")}</h2>
      {proposals.length === 0 ? <p>{t("暂无待审批的提议。", "No proposal is waiting.")}</p> : (
        <ul>
          {proposals.map((p) => (
            <li key={`${p.ruleset}@${p.version}`}>
              <a href={`#/policy/rules/${path(p.ruleset, "versions", p.version)}`}>
                <code>{p.ruleset}</code> {t("版本", "version")} {p.version}
              </a>
              {t(`（${p.author} 于 ${p.proposed_at} 提出）`, ` (proposed by ${p.author} at ${p.proposed_at})`)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Ruleset({ name, versions }) {
  return (
    <section aria-labelledby={`rs-${name}`} className="card">
      <h2 id={`rs-${name}`}><code>{name}</code></h2>
      <p><a href={`#/policy/history/${path(name)}`}>{t(`${name} 的发布历史`, `History of ${name}`)}</a></p>
      <div className="table-scroll" role="region" aria-label={t(`${name} 的版本`, `Versions of ${name}`)} tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("版本", "Version")}</th>
              <th scope="col">{t("有效期", "In force")}</th>
              <th scope="col">{t("来源", "Origin")}</th>
              <th scope="col">{t("操作", "Actions")}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version}>
                <th scope="row">{v.version}</th>
                <td>{v.effective_from} – {v.effective_to || t("至今", "open")}</td>
                <td>
                  {v.origin === "published"
                    ? t(`${v.author} 提出，${v.approved_by} 审批`, `proposed by ${v.author}, approved by ${v.approved_by}`)
                    : t("规则文件（代码库）", "rule file (repository)")}
                  <div className="hint">{v.source?.number || v.source?.title || ""}</div>
                </td>
                <td>
                  <a href={`#/policy/edit/${path(name, v.version)}`}>
                    {t("编辑草稿", "Edit a draft")}
                    <span className="visually-hidden">{t(`（以 ${name} ${v.version} 为底稿）`, ` (from ${name} ${v.version})`)}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
