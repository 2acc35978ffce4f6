// Window staff: the statistics (GET /stats): city-wide figures, then per month, loan type, bank or
// district as a chart (chart.js, loaded only here) and the same figures as a table; the CSV for
// Excel fetched with the bearer token and offered as a download.
import { useEffect, useRef, useState } from "react";
import { api } from "../../api.js";
import { formatYuan, lang, t } from "../../i18n.js";
import { Loading, Problem, useLoad } from "../../components/console.jsx";
import { session } from "../../session.js";
import { useDistricts, useNames } from "../../components/names.js";

const GROUPS = [["month", "按月份", "By month"], ["scenario", "按贷款类型", "By loan type"], ["bank", "按银行", "By bank"],
                ["district", "按区", "By district"]];
const percent = (x) => `${(x * 100).toFixed(1)}%`;

export default function Stats() {
  const total = useLoad(() => api("GET", "/stats"), []);
  const [groupBy, setGroupBy] = useState("month");
  const grouped = useLoad(() => api("GET", `/stats?group_by=${groupBy}`), [groupBy]);
  const names = useNames();
  const districts = useDistricts();
  const label = (key) => (groupBy === "bank" ? names.bank(key) : groupBy === "scenario" ? names.scenario(key)
    : groupBy === "district" ? districts(key) : key);
  const groups = grouped.data?.groups || [];
  const figures = total.data;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("统计", "Statistics")}</h1>
      <Problem error={total.error} />
      {!figures && !total.error && <Loading />}
      {figures && (
        <dl className="figures card" aria-label={t("全市合计", "City-wide")}>
          <div><dt>{t("批准笔数", "Approved loans")}</dt><dd data-figure="approved_count">{figures.approved_count}</dd></div>
          <div><dt>{t("批准金额", "Approved amount")}</dt>
            <dd data-figure="approved_amount" data-value={figures.approved_amount}>{formatYuan(figures.approved_amount)}</dd></div>
          <div><dt>{t("户均金额", "Average per enterprise")}</dt><dd>{formatYuan(figures.average_amount_per_enterprise)}</dd></div>
          <div><dt>{t("中小微企业占比", "SME share")}</dt><dd>{percent(figures.sme_share)}</dd></div>
          <div><dt>{t("首贷占比", "First-loan share")}</dt><dd>{percent(figures.first_loan_share)}</dd></div>
        </dl>
      )}
      <div className="filters">
        <label className="field">{t("分组", "Group by")}
          <select value={groupBy} onChange={(e) => setGroupBy(e.target.value)}>
            {GROUPS.map(([value, zh, en]) => <option key={value} value={value}>{t(zh, en)}</option>)}
          </select>
        </label>
        <CsvDownload groupBy={groupBy} />
      </div>
      <Problem error={grouped.error} />
      {grouped.data && groups.length === 0 && <p role="status">{t("尚无批准的贷款。", "No loans approved yet.")}</p>}
      {groups.length > 0 && (
        <>
          <Chart groups={groups} label={label} />
          <div className="table-wrap" tabIndex={0}>
            <table>
              <caption>{t("各组数字", "The figures by group")}</caption>
              <thead>
                <tr>
                  <th scope="col">{GROUPS.find((g) => g[0] === groupBy) && t(...GROUPS.find((g) => g[0] === groupBy).slice(1))}</th>
                  <th scope="col">{t("批准笔数", "Approved loans")}</th>
                  <th scope="col">{t("批准金额", "Approved amount")}</th>
                  <th scope="col">{t("户均金额", "Average per enterprise")}</th>
                  <th scope="col">{t("中小微企业占比", "SME share")}</th>
                  <th scope="col">{t("首贷占比", "First-loan share")}</th>
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <tr key={g.key}>
                    <th scope="row">{label(g.key)}</th>
                    <td>{g.approved_count}</td>
                    <td>{formatYuan(g.approved_amount)}</td>
                    <td>{formatYuan(g.average_amount_per_enterprise)}</td>
                    <td>{percent(g.sme_share)}</td>
                    <td>{percent(g.first_loan_share)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function Chart({ groups, label }) {
  const canvas = useRef(null);
  const [error, setError] = useState(null);
  const labels = groups.map((g) => label(g.key));
  const language = lang();
  useEffect(() => {
    let chart = null;
    let live = true;
    import("chart.js/auto").then(({ default: ChartJS }) => {
      if (!live || !canvas.current) return;
      chart = new ChartJS(canvas.current, {
        type: "bar",
        data: {
          labels,
          datasets: [
            { label: t("批准金额（万元）", "Approved amount (10,000 yuan)"), data: groups.map((g) => g.approved_amount / 10000),
              backgroundColor: "#0b4f8a", yAxisID: "amount" },
            { label: t("批准笔数", "Approved loans"), data: groups.map((g) => g.approved_count), backgroundColor: "#c45a00",
              yAxisID: "count" },
          ],
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
                   scales: { amount: { position: "left", beginAtZero: true },
                             count: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } } } },
      });
    }).catch((e) => setError(e));
    return () => { live = false; if (chart) chart.destroy(); };
  }, [groups, language, labels.join("|")]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <figure className="chart card">
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={t("批准金额与笔数图表，数字见下表", "Chart of approved amounts and loans; the figures are in the table below")} />
      </div>
      <figcaption className="hint">{t("图表的数字见下表。", "The table below gives the chart's figures.")}</figcaption>
      <Problem error={error} />
    </figure>
  );
}

// GET /stats?format=csv needs the bearer token: fetched, then offered as a file (a Blob link).
function CsvDownload({ groupBy }) {
  const [status, setStatus] = useState("");
  const [error, setError] = useState(null);
  async function download() {
    setError(null);
    try {
      const response = await fetch(`/stats?group_by=${groupBy}&format=csv`,
                                   { headers: { Authorization: `Bearer ${session()?.token}`, Accept: "text/csv" } });
      if (!response.ok) throw new Error(t(`下载失败（${response.status}）`, `The download failed (${response.status})`));
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = `stats-${groupBy}.csv`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      setStatus(t("CSV 文件已下载。", "The CSV file was downloaded."));
    } catch (e) {
      setError(e);
    }
  }
  return (
    <div>
      <button type="button" className="button secondary" onClick={download}>{t("下载 CSV（Excel）", "Download CSV (Excel)")}</button>
      <p role="status" aria-live="polite" className="ok">{status}</p>
      <Problem error={error} />
    </div>
  );
}
