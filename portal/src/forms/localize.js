// A form's JSON Schema (as GET /forms/{scenario} serves it) made ready for rjsf in one language:
// - titles from `x-title-zh` in Chinese, `title` in English; descriptions only where written in
//   that language (`description` is English; `x-description-zh` if a form has one);
// - each `enum` with its `x-enum-labels` becomes a `oneOf` of `{const, title}`, which rjsf shows
//   as a select of labels while the body keeps the value (海淀区 on the page, `haidian` sent);
// - the bank and product lists become choices from GET /banks and GET /products.
// The schema's validation keywords are left as they are: the server checks the body anyway.
import { lang, t } from "../i18n.js";

export function localizeSchema(schema, { banks = [], products = [] } = {}) {
  const zh = lang() === "zh";
  const copy = structuredClone(schema);
  walk(copy, (node) => {
    if (zh && node["x-title-zh"]) node.title = node["x-title-zh"];
    if (zh) {
      if (node["x-description-zh"]) node.description = node["x-description-zh"];
      else delete node.description;
    }
    if (Array.isArray(node.enum) && node["x-enum-labels"]) {
      const labels = node["x-enum-labels"];
      node.oneOf = node.enum.map((value) => {
        const label = labels[typeof value === "string" ? value : JSON.stringify(value)] || {};
        return { const: value, title: (zh ? label.zh : label.en) || String(value) };
      });
      delete node.enum;
    }
  });
  const defs = copy.$defs || {};
  if (defs.bank_code && banks.length) {
    defs.bank_code = { type: "string", oneOf: banks.map((b) => ({ const: b.code, title: t(b.name_zh, b.name_en) })) };
  }
  if (defs.product_id && products.length) {
    defs.product_id = { type: "string", oneOf: products.map((p) => ({ const: p.id, title: `${t(p.name_zh, p.name_en)} (${p.bank})` })) };
  }
  return copy;
}

function walk(node, visit) {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === "object") {
    visit(node);
    for (const [key, value] of Object.entries(node)) if (key !== "x-enum-labels") walk(value, visit);
  }
}

// What rjsf shows where the schema alone does not say it.
export function uiSchemaFor() {
  return {
    scenario: { "ui:widget": "hidden" },
    as_of: { "ui:widget": "hidden" },
    banks: { "ui:widget": "checkboxes" },
    products: { "ui:widget": "checkboxes" },
    purpose: { "ui:widget": "textarea" },
    materials: { "ui:field": "materials" },   // components/materials.jsx: choose, hash, upload, check
    "ui:submitButtonOptions": { norender: true },
  };
}

// rjsf's own words (add, remove, …) in Chinese; English is rjsf's default.
const ZH = { "Add Item": "添加一项", Add: "添加", Remove: "删除", "Move up": "上移", "Move down": "下移",
             "Copy": "复制", "New Value": "新值", "Key": "键", "Value": "值" };

export function translateString(str, params) {
  const text = lang() === "zh" ? (ZH[str] || str) : str;
  return (params || []).reduce((out, p, i) => out.replace(`%${i + 1}`, p), text);
}
