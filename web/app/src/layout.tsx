// The frame of every signed-in page: skip link, header (office, who, language, sign-out), <main>.
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { useT, setLang, getLang, useLang } from "./i18n";
import { useSession, Role } from "./session";

export type PageProps = {
  title: string;
  children?: ComponentChildren;
  /** Extra class on <main>, e.g. "wide" for the desk, "bare" for print pages. */
  class?: string;
  /** Hide the header (kiosk, board, print). */
  bare?: boolean;
  /** Links shown in the header's navigation. */
  nav?: { href: string; label: string; restarts?: boolean }[];
};

export function LangSwitch() {
  const t = useT();
  useLang();
  return (
    <button
      type="button"
      class="link-button lang-switch"
      lang={getLang() === "id" ? "en" : "id"}
      aria-label={t("layout.switchLabel")}
      onClick={() => setLang(getLang() === "id" ? "en" : "id")}
    >
      {t("layout.switchTo")}
    </button>
  );
}

/** A link to the page already open changes no address, so the browser does nothing. A link marked
 * `restarts` starts that page afresh instead ("Buat janji" after a booking starts a new one); no
 * other link does, so a half-filled form is never lost to a click on its own page's link. */
function reopenIfHere(e: MouseEvent, href: string, restarts?: boolean) {
  if (!restarts || href !== location.hash || e.defaultPrevented || e.button !== 0) return;
  if (e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  window.dispatchEvent(new Event("loket:reopen")); // router.tsx: useLocation
  // The link that had the focus is gone with the old page: the page's start takes it.
  setTimeout(() => document.getElementById("main")?.focus(), 0);
}

export function Page({ title, children, class: cls, bare, nav }: PageProps) {
  const t = useT();
  const { principal, signOut } = useSession();
  useEffect(() => {
    document.title = `${title} — ${t("app.name")}`;
  }, [title, t("app.name")]);
  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        {t("layout.skip")}
      </a>
      {!bare && (
        <header class="site-header">
          <div class="brand">
            <span class="brand-name">{t("app.name")}</span>
            <span class="brand-office">{t("app.office")}</span>
          </div>
          <div class="header-tools">
            {principal && (
              <span class="who">
                {t("layout.signedInAs", { name: principal.name, role: t("role." + (Role[principal.role] ?? "UNSPECIFIED")) })}
              </span>
            )}
            <LangSwitch />
            {principal && (
              <button type="button" class="secondary small" onClick={() => void signOut()}>
                {t("layout.signOut")}
              </button>
            )}
          </div>
          {nav && nav.length > 0 && (
            <nav aria-label={t("layout.nav")} class="site-nav">
              <ul>
                {nav.map((n) => (
                  <li key={n.href}>
                    <a href={n.href} onClick={(e) => reopenIfHere(e, n.href, n.restarts)}>
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
        </header>
      )}
      <main id="main" tabIndex={-1} class={cls}>
        <h1>{title}</h1>
        {children}
      </main>
    </>
  );
}
