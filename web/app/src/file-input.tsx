// A file field in the page's language. The browser draws its own file control in the computer's
// language ("Choose File / No file chosen" on an English Windows, beside an Indonesian label).
// Here the input itself lies, transparent, over a button drawn in the page's words ("Pilih
// berkas"): a click or a tap anywhere on the button is a click on the input, a keyboard reaches it
// in the tab order, and a screen reader finds it where the button is, named by the field's label.
// The chosen file's name is shown beside it: `chosen` when the page knows it (a restored draft),
// else the input's file, read at each drawing so that a page that clears a refused file shows none.
// What the page knows more of it (its size, how its upload goes) follows the name, in one line:
// `detail`, with `detailId` for the input's aria-describedby.
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import { useT } from "./i18n";

type Props = Omit<JSX.IntrinsicElements["input"], "type" | "ref"> & {
  /** The button's words, when not "Pilih berkas" (the courier's camera: "Buka kamera"). */
  choose?: string;
  /** The file the page holds for this field, when it knows better than the input. */
  chosen?: string;
  /** Said after the chosen file's name ("5,0 MB · terunggah"). */
  detail?: string;
  /** The id of the name and its detail, for an aria-describedby. */
  detailId?: string;
};

export function FileInput({ onChange, class: cls, choose, chosen, detail, detailId, ...rest }: Props) {
  const t = useT();
  const ref = useRef<HTMLInputElement>(null);
  const [, redraw] = useState(0);
  const name = chosen ?? ref.current?.files?.[0]?.name ?? "";
  return (
    <span class={["file-input", cls].filter(Boolean).join(" ")}>
      <span class="file-input__pick">
        <input
          {...rest}
          ref={ref}
          type="file"
          onChange={(e) => {
            redraw((n) => n + 1);
            (onChange as ((e: Event) => unknown) | undefined)?.(e);
          }}
        />
        <span class="button secondary" aria-hidden="true">
          {choose ?? t("file.choose")}
        </span>
      </span>
      <span class="file-input__name" id={detailId} aria-hidden={detailId ? undefined : "true"}>
        {name || t("file.none")}
        {name && detail && <span class="file-input__detail"> · {detail}</span>}
      </span>
    </span>
  );
}
