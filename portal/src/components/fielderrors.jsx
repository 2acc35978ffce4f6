// A server error beside its field: the `__errors` of one node of errorSchemaOf(...).schema,
// announced when it appears (the alert wraps the list so the list keeps its meaning).
export function FieldErrors({ id, node }) {
  const errors = node?.__errors || [];
  return (
    <div id={id} role="alert">
      {errors.length > 0 && <ul className="error-detail">{errors.map((text, i) => <li key={i}>{text}</li>)}</ul>}
    </div>
  );
}
