// Capture screens open only once the device's queue is unlocked with the passphrase set on first use.
import { useState, type FormEvent, type ReactNode } from "react";
import { Field, PageTitle, Status } from "../../app/ui";
import { useI18n } from "../../lib/i18n/i18n";
import { MIN_PASSPHRASE_LENGTH, WrongPassphrase } from "../../lib/queue/crypto";
import { useDevice } from "../../lib/queue/device";

export function VaultGate({ children }: { children: ReactNode }) {
  const device = useDevice();
  if (device.vault === "unlocked") return <>{children}</>;
  if (device.vault === "checking") return <Status kind="info">…</Status>;
  return device.vault === "none" ? <CreateVault /> : <UnlockVault />;
}

function CreateVault() {
  const { t } = useI18n();
  const device = useDevice();
  const [first, setFirst] = useState("");
  const [second, setSecond] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (first.length < MIN_PASSPHRASE_LENGTH) return setError(t("vault.tooShort", { min: MIN_PASSPHRASE_LENGTH }));
    if (first !== second) return setError(t("vault.mismatch"));
    setBusy(true);
    await device.create(first);
  };
  return (
    <section className="card narrow">
      <PageTitle title="vault.createTitle" intro="vault.createIntro" />
      <form onSubmit={submit}>
        <Field label={t("vault.passphrase")} hint={t("vault.passphraseHint", { min: MIN_PASSPHRASE_LENGTH })}>
          {(id, d) => <input id={id} aria-describedby={d} type="password" autoComplete="new-password" value={first}
            onChange={(e) => setFirst(e.target.value)} required />}
        </Field>
        <Field label={t("vault.confirm")} error={error}>
          {(id, d) => <input id={id} aria-describedby={d} type="password" autoComplete="new-password" value={second}
            onChange={(e) => setSecond(e.target.value)} required />}
        </Field>
        <button type="submit" className="primary" disabled={busy}>{busy ? t("vault.working") : t("vault.create")}</button>
      </form>
    </section>
  );
}

function UnlockVault() {
  const { t } = useI18n();
  const device = useDevice();
  const [passphrase, setPassphrase] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await device.unlock(passphrase);
    } catch (e) {
      setError(e instanceof WrongPassphrase ? t("vault.wrong") : t("vault.failed"));
      setBusy(false);
    }
  };
  return (
    <section className="card narrow">
      <PageTitle title="vault.unlockTitle" intro="vault.unlockIntro" />
      <form onSubmit={submit}>
        <Field label={t("vault.passphrase")} error={error}>
          {(id, d) => <input id={id} aria-describedby={d} type="password" autoComplete="current-password"
            value={passphrase} onChange={(e) => setPassphrase(e.target.value)} required />}
        </Field>
        <button type="submit" className="primary" disabled={busy}>{busy ? t("vault.working") : t("vault.unlock")}</button>
      </form>
    </section>
  );
}
