// A server error beside its field: the `__errors` of one node of errorSchemaOf(...).schema.
export function FieldErrors({ id, node }) {
  const errors = node?.__errors || [];
  return (
    <ul id={id} className="error-detail" role={errors.length ? "alert" : undefined}>
      {errors.map((text, i) => <li key={i}>{text}</li>)}
    </ul>
  );
}
