// Message catalogues (French first, English by a switch) and the React context that serves them.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import en from "../../locales/en.json";
import fr from "../../locales/fr.json";

export type Language = "fr" | "en";
export type MessageKey = keyof typeof fr;
export const CATALOGUES: Record<Language, Record<MessageKey, string>> = { fr, en };
const LANGUAGE_KEY = "redress.language";

export function translate(language: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = CATALOGUES[language][key] ?? CATALOGUES.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A catalogue key built at run time (a field name, a vocabulary-free code), if the catalogue has it. */
export function isMessageKey(key: string): key is MessageKey {
  return key in CATALOGUES.fr;
}

export function savedLanguage(): Language {
  try {
    return localStorage.getItem(LANGUAGE_KEY) === "en" ? "en" : "fr";
  } catch {
    return "fr";
  }
}

interface I18n {
  language: Language;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  setLanguage: (language: Language) => void;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setState] = useState<Language>(savedLanguage);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(LANGUAGE_KEY, next);
    document.documentElement.lang = next;
    setState(next);
  }, []);
  const value = useMemo<I18n>(() => ({
    language, setLanguage, t: (key, params) => translate(language, key, params),
  }), [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
