// The banks' offers side by side (GET /applications/{id}/offers, cheapest first): amount, rate,
// term, interest, subsidy, guarantee fee and net cost over the term; one may be accepted (POST
// /applications/{id}/accept, after a confirm step). On a phone each row becomes a card.
import { useEffect, useRef, useState } from "react";
import { api, message } from "../../api.js";
import { formatYuan, pick, t } from "../../i18n.js";
import { percent } from "./precheck.jsx";

const SUBSIDY = { interest: ["贴息", "interest subsidy"], guarantee_fee: ["担保费补助", "guarantee-fee subsidy"] };

export function Offers({ app, onAccepted }) {
  const [offers, setOffers] = useState(null);
  const [error, setError] = useState(null);
  const [confirming, setConfirming] = useState(null);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef(null);
  const names = Object.fromEntries((app.banks || []).map((b) => [b.code, b]));
  useEffect(() => {
    api("GET", `/applications/${encodeURIComponent(app.id)}/offers`).then(setOffers)
      .catch((e) => setError(e.errors ? e.errors.map(message).join("；") : String(e)));
  }, [app.id, app.status]);
  useEffect(() => { if (confirming) confirmRef.current?.focus(); }, [confirming]);

  async function accept() {
    setBusy(true);
    setError(null);
    try {
      await api("POST", `/applications/${encodeURIComponent(app.id)}/accept`, { body: { bank: confirming }, idempotent: true });
      setConfirming(null);
      onAccepted();
    } catch (e) {
      setError(e.errors ? e.errors.map(message).join("；") : String(e));
    } finally {
      setBusy(false);
    }
  }

  if (!offers?.length && !error) return null;
  const acceptable = app.status === "approved";
  const bankName = (code) => pick(names[code], "name") || code;
  const cells = (o) => [
    [t("贷款金额", "Amount"), formatYuan(o.amount)], [t("年利率", "Annual rate"), percent(o.annual_rate)],
    [t("期限", "Term"), t(`${o.term_months} 个月`, `${o.term_months} months`)],
    [t("利息", "Interest"), formatYuan(o.interest)],
    [t("补贴", "Subsidy"), `${formatYuan(o.subsidy === "guarantee_fee" ? o.guarantee_fee_subsidy : o.interest_subsidy)}${
      SUBSIDY[o.subsidy] ? `（${t(...SUBSIDY[o.subsidy])}）` : ""}`],
    [t("担保费", "Guarantee fee"), formatYuan(o.guarantee_fee)], [t("净成本", "Net cost"), formatYuan(o.net_cost)],
  ];
  return (
    <section className="card" aria-labelledby="offers-title">
      <h2 id="offers-title">{t("比较银行方案", "Compare the offers")}</h2>
      <p className="hint">{t("按整个贷款期限内的净成本从低到高排列（利息 + 担保费 − 补贴）。",
                             "Cheapest first: net cost over the whole term (interest + guarantee fee − subsidy).")}</p>
      {error && <p role="alert" className="error">{error}</p>}
      {offers?.length > 0 && (
        <table className="offers">
          <caption className="visually-hidden">{t("各银行批复方案", "The banks' offers")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("银行", "Bank")}</th>
              {cells(offers[0]).map(([head]) => <th scope="col" key={head}>{head}</th>)}
              <th scope="col">{t("操作", "Action")}</th>
            </tr>
          </thead>
          <tbody>
            {offers.map((o, i) => (
              <tr key={o.bank} data-bank={o.bank} className={o.accepted ? "accepted" : undefined}>
                <th scope="row">{bankName(o.bank)}{i === 0 && <span className="tag">{t("最低成本", "Cheapest")}</span>}</th>
                {cells(o).map(([head, value]) => <td key={head} data-label={head}>{value}</td>)}
                <td data-label={t("操作", "Action")}>
                  {o.accepted ? <strong className="ok">{t("已接受", "Accepted")}</strong> : acceptable && (
                    <button type="button" className="button" disabled={busy}
                            aria-label={t(`接受${bankName(o.bank)}的方案`, `Accept ${bankName(o.bank)}'s offer`)}
                            onClick={() => setConfirming(o.bank)}>{t("接受", "Accept")}</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confirming && (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text"
             tabIndex={-1} ref={confirmRef}>
          <h3 id="confirm-title">{t("确认接受方案", "Confirm the offer")}</h3>
          <p id="confirm-text">{t(`确认接受${bankName(confirming)}的方案？接受后其他银行的方案将关闭，且不可撤销。`,
                                  `Accept ${bankName(confirming)}'s offer? The other banks' offers close, and this cannot be undone.`)}</p>
          <div className="actions">
            <button type="button" className="button" onClick={accept} disabled={busy}>{t("确认接受", "Yes, accept")}</button>
            <button type="button" className="button secondary" onClick={() => setConfirming(null)} disabled={busy}>
              {t("取消", "Cancel")}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
