// Chinese by default, English on request; the choice is kept in localStorage and set on <html lang>.
// Pages write their texts in place: t("申请贷款", "Apply for a loan"); API objects carrying both
// languages (name_zh/name_en, zh/en, message_zh/message_en) are read with pick(obj, "name").
const KEY = "gc.lang";
const listeners = new Set();
let current = readStored();

function readStored() {
  try {
    return localStorage.getItem(KEY) === "en" ? "en" : "zh";
  } catch {
    return "zh";
  }
}

function applyToDocument() {
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
}

export function lang() {
  return current;
}

export function setLang(next) {
  current = next === "en" ? "en" : "zh";
  try {
    localStorage.setItem(KEY, current);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  applyToDocument();
  listeners.forEach((fn) => fn(current));
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function t(zh, en) {
  return current === "zh" ? zh : en;
}

// pick(bank, "name") -> bank.name_zh or bank.name_en; pick(reason) -> reason.zh or reason.en.
export function pick(obj, prefix = "") {
  if (!obj) return "";
  const key = prefix ? `${prefix}_${current}` : current;
  const other = prefix ? `${prefix}_${current === "zh" ? "en" : "zh"}` : current === "zh" ? "en" : "zh";
  return obj[key] ?? obj[other] ?? "";
}

export function formatYuan(value) {
  if (value === null || value === undefined) return "";
  return new Intl.NumberFormat(current === "zh" ? "zh-CN" : "en", { maximumFractionDigits: 2 }).format(value) +
    t(" 元", " yuan");
}

applyToDocument();
