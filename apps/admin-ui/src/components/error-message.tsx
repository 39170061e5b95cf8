import { ApiError } from '../api/api-error';
import { errorText } from '../i18n/error-text';
import { useI18n } from '../i18n/i18n';

/** An API failure as an alert: the human sentence for its code, then any field problems. */
export function ErrorMessage({ error, testId = 'error-message' }: { error: unknown; testId?: string }) {
  const { t } = useI18n();
  if (!error) return null;
  const fieldErrors = error instanceof ApiError ? error.fieldErrors : [];
  return (
    <div className="alert alert-error" role="alert" data-testid={testId} data-code={error instanceof ApiError ? error.code : undefined}>
      <p>{errorText(error, t)}</p>
      {fieldErrors.length > 0 && (
        <ul>
          {fieldErrors.map((fieldError) => (
            <li key={fieldError.field + fieldError.message} dir="auto">
              {t('error.field', { field: fieldError.field, message: fieldError.message })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
