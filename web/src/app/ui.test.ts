import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import fr from "../locales/fr.json";
import { problemFrom } from "../lib/api/problem";
import { I18nProvider } from "../lib/i18n/i18n";
import { ProblemView } from "./ui";

const shown = (status: number, body: unknown) =>
  renderToStaticMarkup(createElement(I18nProvider, null, createElement(ProblemView, { problem: problemFrom(status, body) })));

describe("a problem shown to the user", () => {
  it("says in French what became of an action whose key was reused, never the code or the header", () => {
    const html = shown(409, { errors: [{ field: "Idempotency-Key", code: "idempotency_key_reused",
      reason: "Cette clé Idempotency-Key a déjà servi pour une autre requête." }] });
    expect(html).toContain(fr["problem.keyReused"].replace(/'/g, "&#x27;"));
    expect(html).not.toMatch(/idempotency|Idempotency-Key/i);
  });

  it("says that a command which got no answer may be sent again as it is", () => {
    const html = renderToStaticMarkup(createElement(I18nProvider, null,
      createElement(ProblemView, { problem: { status: 0, errors: [], unanswered: true } })));
    expect(html).toContain(fr["problem.unanswered"].replace(/'/g, "&#x27;"));
    expect(html).not.toContain(fr["problem.status.0"]);
  });

  it("still names the field and the service's reason of other problems", () => {
    const html = shown(422, { errors: [{ field: "body.to_stage", reason: "étape non permise", code: "value_error" }] });
    expect(html).toContain("étape non permise");
    expect(html).toContain(fr["problem.status.422"]);
  });
});
