// Placeholder: replaced by the page's owner.
import { Page } from "../layout";
import { useT } from "../i18n";
import type { RouteProps } from "../router";

export default function Placeholder(_props: RouteProps) {
  const t = useT();
  return (
    <Page title={t("app.name")}>
      <p>{t("common.placeholder")}</p>
    </Page>
  );
}
