// Edit a draft of a ruleset, started from a version on record: a YAML text area with line numbers,
// its load errors each with its line (a button puts the cursor there), the YAML cases written for
// the ruleset run with the draft, the stored applications it would decide otherwise (before beside
// after), then propose it (PUT /rules/{ruleset}): it decides nothing until another policy user approves.
import { useEffect, useRef, useState } from "react";
import { api } from "../../api.js";
import { ChangesTable, ImpactSummary } from "../../components/rule-changes.jsx";
import { errorText } from "../../components/console.jsx";
import { pick, t } from "../../i18n.js";

const LINE_HEIGHT = 1.5; // rem, the same in the numbers and the text area (styles.css .yaml-editor)

export default function Edit({ params }) {
  const { ruleset, version } = params;
  const [text, setText] = useState(null);
  const [asOf, setAsOf] = useState("");
  const [errors, setErrors] = useState([]);
  const [result, setResult] = useState(null);     // the simulation
  const [proposed, setProposed] = useState(null); // the proposal, with its impact
  const [busy, setBusy] = useState("");
  const [status, setStatus] = useState(null);
  const area = useRef(null);

  useEffect(() => {
    api("GET", `/rules/${encodeURIComponent(ruleset)}/versions/${encodeURIComponent(version)}`)
      .then((v) => setText(v.content)).catch((e) => setErrors(listed(e)));
  }, [ruleset, version]);

  function edit(value) {
    setText(value);
    setResult(null);
    setProposed(null);
  }

  async function run(kind) {
    setBusy(kind);
    setErrors([]);
    setStatus({ text: () => (kind === "simulate" ? t("正在检查并模拟…", "Checking and simulating…")
      : t("正在提交…", "Proposing…")) });
    try {
      if (kind === "simulate") {
        const on = asOf || effectiveFrom(text);
        const reply = await api("POST", "/rules/simulate", { body: { files: [text], ...(on ? { as_of: on } : {}) } });
        setResult(reply);
        const failed = (reply.cases || []).filter((c) => !c.passed).length;
        setStatus({ text: () => t(`规则文件可以加载。模拟：检查 ${reply.checked} 件申请，${reply.changed} 件的决定会改变；` +
                    `测试用例 ${(reply.cases || []).length} 个，未通过 ${failed} 个。`,
                    `The rule file loads. Simulation: ${reply.checked} applications checked, ${reply.changed} ` +
                    `decided otherwise; ${(reply.cases || []).length} test cases, ${failed} failing.`) });
      } else {
        const reply = await api("PUT", `/rules/${encodeURIComponent(ruleset)}`, { body: { content: text } });
        setProposed(reply);
        setStatus({ text: () => t(`已提出 ${reply.ruleset} 版本 ${reply.version}，须由另一位政策人员审批后生效。`,
                    `${reply.ruleset} version ${reply.version} is proposed; another policy user must approve it.`) });
      }
    } catch (e) {
      setErrors(listed(e));
      setStatus(null);
    } finally {
      setBusy("");
    }
  }

  function goToLine(line) {
    const node = area.current;
    const lines = text.split("\n");
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    node.focus();
    node.setSelectionRange(start, start + (lines[line - 1] || "").length);
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
    node.scrollTop = Math.max(0, (line - 3) * LINE_HEIGHT * rem);
  }

  if (text === null) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">{t("编辑规则草稿", "Edit a rule draft")}</h1>
        {errors.length ? <p role="alert" className="error">{errors.map(shown).join(t("；", "; "))}</p>
          : <p>{t("正在加载…", "Loading…")}</p>}
      </section>
    );
  }
  const badLines = new Set(errors.map((e) => e.line).filter(Boolean));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t(`编辑规则草稿：${ruleset}`, `Edit a rule draft: ${ruleset}`)}</h1>
      <p className="hint">
        {t(`底稿为版本 ${version}。提出新版本时请改用新的版本号，并把生效日期（effective_from）设为审批之后的日期。`,
           `Started from version ${version}. To propose a new version, give it a new version number and an ` +
           "effective_from after the day it will be approved.")}
      </p>
      {errors.length > 0 && (
        <div className="error-summary" role="alert" aria-labelledby="errors-title">
          <h2 id="errors-title">{t("规则文件有误", "The rule file has problems")}</h2>
          <ul>
            {errors.map((e, i) => (
              <li key={i}>
                {e.line ? (
                  <button type="button" className="link-button" onClick={() => goToLine(e.line)}>
                    {t(`第 ${e.line} 行`, `Line ${e.line}`)}
                  </button>
                ) : null}
                {e.line ? t("：", ": ") : null}{shown(e)}
              </li>
            ))}
          </ul>
        </div>
      )}
      <YamlEditor text={text} onChange={edit} area={area} badLines={badLines} />
      <label className="field as-of">{t("模拟日期（留空则按草稿的生效日期）", "Simulate on (empty: the draft's effective_from)")}
        <input type="date" value={asOf} onChange={(e) => setAsOf(e.target.value)} />
      </label>
      <div className="actions">
        <button type="button" className="button secondary" disabled={!!busy} onClick={() => run("simulate")}>
          {t("检查、运行用例并模拟", "Check, run the cases and simulate")}
        </button>
        <button type="button" className="button" disabled={!!busy} onClick={() => run("propose")}>
          {t("提出此版本", "Propose this version")}
        </button>
      </div>
      <p role="status" aria-live="polite" className={status ? "notice" : undefined}>{status?.text()}</p>
      {result && <Simulation result={result} />}
      {proposed && (
        <section aria-labelledby="proposed-title" className="card">
          <h2 id="proposed-title">{t("已提出，待审批", "Proposed, awaiting approval")}</h2>
          <p>
            <a href={`#/policy/rules/${encodeURIComponent(proposed.ruleset)}/versions/${encodeURIComponent(proposed.version)}`}>
              {t(`查看 ${proposed.ruleset} 版本 ${proposed.version} 的审批页面`,
                 `Open the approval page of ${proposed.ruleset} version ${proposed.version}`)}
            </a>
          </p>
          <ImpactSummary impact={proposed.impact} />
        </section>
      )}
    </section>
  );
}

// A text area with its line numbers beside it (they scroll together); lines with an error are marked.
function YamlEditor({ text, onChange, area, badLines }) {
  const gutter = useRef(null);
  const count = text.split("\n").length;
  return (
    <div className="yaml-editor">
      <label htmlFor="rule-text" className="field">{t("规则文件（YAML）", "Rule file (YAML)")}</label>
      <div className="yaml-editor-frame">
        <div className="gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: count }, (_, i) => (
            <div key={i} className={badLines.has(i + 1) ? "bad" : undefined}>{i + 1}</div>
          ))}
        </div>
        <textarea id="rule-text" ref={area} value={text} spellCheck={false} wrap="off" rows={24}
                  aria-describedby={badLines.size ? "errors-title" : undefined}
                  aria-invalid={badLines.size ? true : undefined}
                  onChange={(e) => onChange(e.target.value)}
                  onScroll={(e) => { gutter.current.scrollTop = e.target.scrollTop; }} />
      </div>
    </div>
  );
}

function Simulation({ result }) {
  const cases = result.cases || [];
  const failed = cases.filter((c) => !c.passed);
  return (
    <section aria-labelledby="simulation-title" className="card">
      <h2 id="simulation-title">{t("检查与模拟结果", "Check and simulation")}</h2>
      <h3>{t("测试用例", "Test cases")}</h3>
      <p className={failed.length ? "error" : "ok"}>
        {t(`${cases.length} 个用例，${cases.length - failed.length} 个通过，${failed.length} 个未通过`,
           `${cases.length} cases, ${cases.length - failed.length} passed, ${failed.length} failed`)}
      </p>
      {failed.length > 0 && (
        <ul>
          {failed.map((c) => (
            <li key={c.where}><strong>{c.case}</strong>（{c.where}，{c.cites}）：{c.problems.join("; ")}</li>
          ))}
        </ul>
      )}
      <h3>{t("对已存申请的影响", "Effect on stored applications")}</h3>
      <p>{t(`按 ${result.as_of || "各申请的提交日期"} 判断：检查 ${result.checked} 件，${result.changed} 件的决定会改变。`,
            `Decided as of ${result.as_of || "each application's date"}: ${result.checked} checked, ` +
            `${result.changed} decided otherwise.`)}</p>
      <ChangesTable changes={result.changes}
                    caption={t("现行规则与草稿的决定对照", "Decisions under the rules in force and under the draft")} />
      {result.impact && (
        <>
          <h3>{t("审批人将看到的摘要", "What the approver will be shown")}</h3>
          <ImpactSummary impact={result.impact} withChanges={false} />
        </>
      )}
    </section>
  );
}

// The API's errors as [{line, text}]: rule-file errors carry the line they are on.
function listed(error) {
  return error.errors ? error.errors.map((e) => ({ line: e.line, error: e })) : [{ line: null, error }];
}

// Worded at render time, so the language switch rewords an error already shown.
function shown({ error }) {
  return error.message_zh ? pick(error, "message") : errorText(error);
}

function effectiveFrom(text) {
  const found = /^effective_from:\s*["']?(\d{4}-\d{2}-\d{2})/m.exec(text);
  return found ? found[1] : "";
}
