// My applications (GET /applications, the enterprise's own, newest first), a page at a time.
import { useEffect, useState } from "react";
import { api, errorText, useLatest } from "../../api.js";
import { formatYuan, pick, t } from "../../i18n.js";
import { statusName } from "./application.jsx";

const LIMIT = 10;

export default function Applications() {
  const [pages, setPages] = useState([null]); // cursors: pages[i] opens page i
  const [at, setAt] = useState(0);
  const [data, setData] = useState(null);
  const [forms, setForms] = useState([]);
  const [error, setError] = useState(null);
  useEffect(() => { api("GET", "/forms").then(setForms).catch(() => setForms([])); }, []);
  const latest = useLatest();
  useEffect(() => {
    const cursor = pages[at];
    latest(api("GET", `/applications?limit=${LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`))
      .then((r) => {
        setData(r);
        if (r.cursor && pages.length === at + 1) setPages((old) => [...old, r.cursor]);
      }).catch((e) => setError(errorText(e)));
  }, [at]);
  const scenario = (id) => pick(forms.find((f) => f.id === id), "name") || id;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("我的申请", "My applications")}</h1>
      <p><a className="button" href="#/enterprise/apply">{t("申请贷款", "Apply for a loan")}</a></p>
      {error && <p role="alert" className="error">{error}</p>}
      {!data && !error && <p>{t("正在加载…", "Loading…")}</p>}
      {data && data.items.length === 0 && <p>{t("还没有申请。", "No applications yet.")}</p>}
      {data && data.items.length > 0 && (
        <table className="data stack">
          <caption className="visually-hidden">{t("我的申请", "My applications")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("贷款类型", "Kind of loan")}</th><th scope="col">{t("申请金额", "Amount")}</th>
              <th scope="col">{t("状态", "Status")}</th><th scope="col">{t("提交时间", "Submitted")}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((a) => (
              <tr key={a.id}>
                <th scope="row"><a href={`#/enterprise/applications/${a.id}`}>{scenario(a.scenario)}</a>
                  <div className="hint">{a.id}</div></th>
                <td data-label={t("申请金额", "Amount")}>{formatYuan(a.amount)}</td>
                <td data-label={t("状态", "Status")}>{statusName(a.status)}</td>
                <td data-label={t("提交时间", "Submitted")}>{(a.created_at || "").slice(0, 16).replace("T", " ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={t("翻页", "Pages")}>
        {at > 0 && <button type="button" className="button secondary" onClick={() => setAt(at - 1)}>{t("上一页", "Previous page")}</button>}
        {data?.cursor && <button type="button" className="button secondary" onClick={() => setAt(at + 1)}>{t("下一页", "Next page")}</button>}
      </nav>
    </section>
  );
}
