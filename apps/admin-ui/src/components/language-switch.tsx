import { useI18n } from '../i18n/i18n';

/** One button naming the other language in that language, the way bilingual sites do. */
export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  const other = language === 'en' ? 'ar' : 'en';
  return (
    <button
      type="button"
      className="button link-like"
      lang={other}
      onClick={() => setLanguage(other)}
      data-testid="language-switch"
      aria-label={`${t('language.label')}: ${t('language.switchTo')}`}
    >
      {t('language.switchTo')}
    </button>
  );
}
