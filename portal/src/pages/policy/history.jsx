// A ruleset's publication history through the API, oldest first: who proposed or approved which
// version, when, and the version in force before. The API keeps it append-only; this page only reads.
import { useEffect, useState } from "react";
import { api } from "../../api.js";
import { errorText } from "../../components/console.jsx";
import { t } from "../../i18n.js";

const ACTIONS = { proposed: ["提出", "proposed"], approved: ["审批通过", "approved"], published: ["发布", "published"] };

export default function History({ params }) {
  const { ruleset } = params;
  const [history, setHistory] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api("GET", `/rules/${encodeURIComponent(ruleset)}/history`).then(setHistory).catch(setError);
  }, [ruleset]);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t(`${ruleset} 的发布历史`, `History of ${ruleset}`)}</h1>
      <p className="hint">{t("记录只增不改：任何人都不能修改或删除已有的记录。代码库中的规则文件的历史见 git。",
                             "Entries are only ever added: nobody can change or remove one. The repository's rule files have git's history.")}</p>
      {error && <p role="alert" className="error">{errorText(error)}</p>}
      {!history && !error && <p>{t("正在加载…", "Loading…")}</p>}
      {history && history.items.length === 0 && <p>{t("尚无通过平台提出或审批的版本。", "No version was proposed or approved here yet.")}</p>}
      {history && history.items.length > 0 && (
        <div className="table-scroll" role="region" aria-label={t("发布历史", "History")} tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("时间", "When")}</th>
                <th scope="col">{t("人员", "Who")}</th>
                <th scope="col">{t("操作", "What")}</th>
                <th scope="col">{t("此前生效的版本", "Version in force before")}</th>
                <th scope="col">{t("版本", "Version")}</th>
              </tr>
            </thead>
            <tbody>
              {history.items.map((e) => (
                <tr key={e.seq}>
                  <th scope="row">{e.seq}</th>
                  <td>{e.at}</td>
                  <td>{e.actor}</td>
                  <td>{ACTIONS[e.action] ? t(...ACTIONS[e.action]) : e.action}</td>
                  <td>{e.before ? e.before.version : "—"}</td>
                  <td>
                    <a href={`#/policy/rules/${encodeURIComponent(ruleset)}/versions/${encodeURIComponent(e.after.version)}`}>
                      {e.after.version}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p><a href="#/policy">{t("返回规则版本", "Back to the rule versions")}</a></p>
    </section>
  );
}
