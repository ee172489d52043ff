// The public home (/#/ when nobody is signed in, and /#/public): what an applicant can do here
// without an account, and the way in for staff.
import type { RouteProps } from "../router";
import { PublicPage, officeOf, publicHref, usePublicT } from "./public-common";
import { publicHomeStrings } from "./public-home.i18n";

export default function PublicHome({ query }: RouteProps) {
  const t = usePublicT(publicHomeStrings);
  const office = officeOf(query);
  const links = [
    { href: publicHref("/book", office), title: t("pub.home.book"), text: t("pub.home.bookText") },
    { href: publicHref("/visit", office), title: t("pub.home.visit"), text: t("pub.home.visitText") },
    { href: publicHref("/track", office), title: t("pub.home.track"), text: t("pub.home.trackText") },
    { href: publicHref("/queue", office), title: t("pub.home.queue"), text: t("pub.home.queueText") },
    { href: "#/verify", title: t("pub.home.verify"), text: t("pub.home.verifyText") },
  ];
  return (
    <PublicPage title={t("pub.home.title")} office={office}>
      <p class="lead">{t("pub.home.intro")}</p>
      <ul class="home-links">
        {links.map((l) => (
          <li key={l.href}>
            <a href={l.href} class="home-link">
              <span class="home-link-title">{l.title}</span>
              <span class="home-link-text">{l.text}</span>
            </a>
          </li>
        ))}
      </ul>
      <h2>{t("pub.home.staffTitle")}</h2>
      <p>
        <a href="#/signin" class="staff-link">
          {t("pub.home.staff")}
        </a>
      </p>
    </PublicPage>
  );
}
