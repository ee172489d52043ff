// The printed queue ticket (kiosk and counter): an 80 mm slip. Printing copies the slip to a
// lone element under <body> and prints with the named @page "ticket" (kiosk.css), so the rest of
// the app and other pages' print layouts are untouched.
import { TicketState, type Ticket } from "@gen/loket/v1/queue_pb.js";
import { AccessibilityNeed } from "@gen/loket/v1/common_pb.js";
import { officeClock } from "./counter-actions";
import { formatDate } from "../i18n";
import "./kiosk.css";

type T = (key: string, vars?: Record<string, string | number>) => string;

export function TicketSlip({ ticket, t, serviceName }: { ticket: Ticket; t: T; serviceName?: string }) {
  return (
    <div class="ticket-slip" data-ticket={ticket.label}>
      <p class="ticket-slip__office">{t("app.office")}</p>
      <p class="ticket-slip__caption">{t("ticket.number")}</p>
      <p class="ticket-slip__label">{ticket.label}</p>
      <p class="ticket-slip__service">{serviceName || ticket.service}</p>
      {ticket.needs.length > 0 ? (
        <p class="ticket-slip__needs" data-testid="ticket-needs">
          {ticket.needs.map((n) => t("ticket.need." + AccessibilityNeed[n])).join(" · ")}
        </p>
      ) : null}
      {ticket.state === TicketState.WAITING && ticket.callsAhead >= 0 ? (
        <p class="ticket-slip__wait">
          {ticket.estimatedWaitMinutes === undefined
            ? t("ticket.aheadNoWait", { n: ticket.callsAhead })
            : t("ticket.ahead", { n: ticket.callsAhead, min: ticket.estimatedWaitMinutes })}
        </p>
      ) : null}
      <p class="ticket-slip__time">
        {formatDate(ticket.day)} {officeClock(ticket.createdAt || ticket.queuedAt)} WITA
      </p>
      <p class="ticket-slip__note">{t("ticket.note")}</p>
    </div>
  );
}

/** Prints one slip (the element) on the ticket-sized page. */
export function printTicket(slip: HTMLElement | null): void {
  if (!slip) return;
  document.getElementById("ticket-print")?.remove();
  const copy = slip.cloneNode(true) as HTMLElement;
  copy.id = "ticket-print";
  copy.setAttribute("aria-hidden", "true");
  document.body.appendChild(copy);
  const root = document.documentElement;
  root.classList.add("printing-ticket");
  const done = () => {
    root.classList.remove("printing-ticket");
    copy.remove();
    window.removeEventListener("afterprint", done);
  };
  window.addEventListener("afterprint", done);
  try {
    window.print();
  } finally {
    // print() blocks in most browsers; where it does not, afterprint cleans up.
    setTimeout(() => {
      if (!root.classList.contains("printing-ticket")) return;
      if (!matchMedia("print").matches) done();
    }, 1000);
  }
}
