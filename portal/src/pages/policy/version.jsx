// One proposed (or approved) version: its text, who proposed it, what it would change (the
// `impact` the approver must see: reviews required changed, more applications eligible), and the
// approval by a second policy user. The API refuses the proposer's own approval: shown as it says.
import { useEffect, useState } from "react";
import { api } from "../../api.js";
import { ImpactSummary } from "../../components/rule-changes.jsx";
import { errorText } from "../../components/console.jsx";
import { t } from "../../i18n.js";

const STATUS = { proposed: ["待审批", "proposed, awaiting approval"], approved: ["已审批", "approved"],
                 repository: ["规则文件（代码库）", "rule file (repository)"] };

export default function Version({ params }) {
  const { ruleset, version } = params;
  const address = `/rules/${encodeURIComponent(ruleset)}/versions/${encodeURIComponent(version)}`;
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState(null);
  const [status, setStatus] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api("GET", address).then(setDetail).catch(setError);
  }, [address]);

  async function approve() {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      const reply = await api("POST", `${address}/approve`);
      setDetail({ ...detail, ...reply, impact: null });
      setStatus({ text: () => t(`已审批：${reply.ruleset} 版本 ${reply.version} 自 ${reply.effective_from} 起生效。`,
                  `Approved: ${reply.ruleset} version ${reply.version} is in force from ${reply.effective_from}.`) });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t(`${ruleset} 版本 ${version}`, `${ruleset} version ${version}`)}</h1>
      {error && <p role="alert" className="error-summary">{errorText(error)}</p>}
      <p role="status" aria-live="polite" className={status ? "notice" : undefined}>{status?.text()}</p>
      {!detail && !error && <p>{t("正在加载…", "Loading…")}</p>}
      {detail && (
        <>
          <dl className="facts">
            <div><dt>{t("状态", "Status")}</dt><dd>{STATUS[detail.status] ? t(...STATUS[detail.status]) : detail.status}</dd></div>
            <div><dt>{t("有效期", "In force")}</dt><dd>{detail.effective_from} – {detail.effective_to || t("至今", "open")}</dd></div>
            {detail.author && <div><dt>{t("提出人", "Proposed by")}</dt><dd>{detail.author} {detail.proposed_at || ""}</dd></div>}
            {detail.approved_by && <div><dt>{t("审批人", "Approved by")}</dt><dd>{detail.approved_by} {detail.approved_at || detail.published_at || ""}</dd></div>}
            <div><dt>SHA-256</dt><dd><code className="wrap">{detail.sha256}</code></dd></div>
          </dl>
          {detail.status === "proposed" && (
            <section aria-labelledby="impact-title" className="card">
              <h2 id="impact-title">{t("此版本会改变什么", "What this version would change")}</h2>
              <ImpactSummary impact={detail.impact} />
              <div className="actions">
                <button type="button" className="button" disabled={busy} onClick={approve}>
                  {t("审批通过此版本", "Approve this version")}
                </button>
              </div>
            </section>
          )}
          <p><a href={`#/policy/history/${encodeURIComponent(ruleset)}`}>{t("发布历史", "Publication history")}</a></p>
          <h2 id="content-title">{t("规则文件", "Rule file")}</h2>
          <pre className="yaml-view" aria-labelledby="content-title" tabIndex={0}>{detail.content}</pre>
        </>
      )}
    </section>
  );
}
