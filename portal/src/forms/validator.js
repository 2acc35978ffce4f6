// rjsf's validator for the forms' JSON Schema 2020-12. rjsf uses it to resolve `if/then`, `oneOf`
// and `$ref`; the portal does not block a submit on it (noValidate): the server's own check
// answers, in both languages, with JSON pointers shown beside the fields.
import { customizeValidator } from "@rjsf/validator-ajv8";
import Ajv2020 from "ajv/dist/2020.js";

const anything = () => true; // the server checks the formats (USCC check digit, patent numbers, …)
const FORMATS = ["date", "uri", "uscc", "resident_id", "plain_text", "cn_patent_number", "yuan"];

export const validator = customizeValidator({
  AjvClass: Ajv2020,
  customFormats: Object.fromEntries(FORMATS.map((f) => [f, anything])),
  ajvOptionsOverrides: { strict: false },
});
