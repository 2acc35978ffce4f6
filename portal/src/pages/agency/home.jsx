// The agency console's home page: to be built (see routes.js for how pages are added).
import { t } from "../../i18n.js";

export default function Home() {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("工作台", "Console")}</h1>
      <p>{t("此工作台正在建设中。", "This console is being built.")}</p>
    </section>
  );
}
