import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ar, arPlurals } from './ar';
import { en, enPlurals, type MessageKey, type PluralKey } from './en';

export type Language = 'en' | 'ar';
type Vars = Record<string, string | number>;

const LANGUAGE_KEY = 'custodian.language';
const catalogues = { en, ar } as const;
const plurals = { en: enPlurals, ar: arPlurals } as const;

function interpolate(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function storedLanguage(): Language | null {
  const value = localStorage.getItem(LANGUAGE_KEY);
  return value === 'en' || value === 'ar' ? value : null;
}

export interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t(key: MessageKey, vars?: Vars): string;
  plural(key: PluralKey, count: number): string;
  formatDateTime(iso: string | null | undefined): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => storedLanguage() ?? 'en');

  // The whole document flips, so the browser mirrors layout, scrollbars and form controls.
  useEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.dir = language === 'ar' ? 'rtl' : 'ltr';
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(LANGUAGE_KEY, next);
    setLanguageState(next);
  }, []);

  const value = useMemo<I18n>(() => {
    const catalogue = catalogues[language];
    const pluralRules = new Intl.PluralRules(language);
    // Latin digits in both languages: ids, times and passwords stay comparable with other tools.
    const dateFormat = new Intl.DateTimeFormat(language === 'ar' ? 'ar-u-nu-latn' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: 'medium',
    });
    return {
      language,
      setLanguage,
      t: (key, vars) => interpolate(catalogue[key] ?? key, vars),
      plural: (key, count) => {
        const forms = plurals[language][key];
        return interpolate(forms[pluralRules.select(count)] ?? forms.other, { count });
      },
      formatDateTime: (iso) => (iso ? dateFormat.format(new Date(iso)) : catalogue['common.none']),
    };
  }, [language, setLanguage]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n outside I18nProvider');
  return context;
}
