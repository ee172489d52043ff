// A file field in the page's language. The browser draws its own file control in the computer's
// language ("Choose File / No file chosen" on an English Windows, beside an Indonesian label).
// Here the input stays in the page, in the tab order and named by the field's label, but is drawn
// as a button "Pilih berkas" and a line naming the chosen file (or none). The name is read from
// the input at each drawing, so a page that clears the input (a refused file) shows none.
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import { useT } from "./i18n";

type Props = Omit<JSX.IntrinsicElements["input"], "type" | "ref"> & {
  /** The button's words, when not "Pilih berkas" (the courier's camera: "Buka kamera"). */
  choose?: string;
};

export function FileInput({ onChange, class: cls, choose, ...rest }: Props) {
  const t = useT();
  const ref = useRef<HTMLInputElement>(null);
  const [, redraw] = useState(0);
  const chosen = ref.current?.files?.[0]?.name ?? "";
  return (
    <span class={["file-input", cls].filter(Boolean).join(" ")}>
      <input
        {...rest}
        ref={ref}
        type="file"
        onChange={(e) => {
          redraw((n) => n + 1);
          (onChange as ((e: Event) => unknown) | undefined)?.(e);
        }}
      />
      {/* For the pointer: the input itself is what keyboards and screen readers reach. */}
      <button type="button" class="secondary" tabIndex={-1} aria-hidden="true" disabled={rest.disabled as boolean | undefined} onClick={() => ref.current?.click()}>
        {choose ?? t("file.choose")}
      </button>
      <span class="file-input__name" aria-hidden="true">
        {chosen || t("file.none")}
      </span>
    </span>
  );
}
