import { useId } from 'react';
import { Toggle } from '../components/toggle';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router/router';

interface EmailToggleProps {
  userId: string;
  username: string;
  address: string | null;
  valid: boolean;
  completeBy: string;
  checked: boolean;
  onChange(checked: boolean): void;
  /** The tip's link leaves the popup; the reset stays pending so it can be completed after the fix. */
  onLeaveToEditEmail(): void;
  disabled: boolean;
}

/**
 * "Send Email to User" with the address it will go to. Without a usable
 * address the switch is off and disabled, and a tip, shown on hover and on
 * keyboard focus, explains why and links to the user's page.
 */
export function EmailToggle(props: EmailToggleProps) {
  const { t, formatDateTime } = useI18n();
  const addressId = useId();
  const tipId = useId();
  const usable = props.valid && !!props.address;

  const addressText = usable
    ? t('reset.emailTo', { address: props.address! })
    : props.address
      ? t('reset.emailInvalidAddress', { address: props.address })
      : t('reset.emailMissing');

  return (
    <div className={`email-toggle${usable ? '' : ' has-tip'}`} data-testid="email-toggle-block">
      <Toggle
        label={t('reset.sendEmail')}
        checked={usable && props.checked}
        disabled={!usable || props.disabled}
        onChange={props.onChange}
        describedBy={usable ? addressId : `${addressId} ${tipId}`}
        testId="send-email-toggle"
      />
      <p id={addressId} className={`toggle-detail${usable ? '' : ' is-warning'}`} data-testid="email-address" dir="auto">
        {addressText}
      </p>
      {!usable && (
        <div className="tip-anchor">
          <button type="button" className="tip-trigger" aria-describedby={tipId} data-testid="email-tip-trigger">
            <span className="info-icon" aria-hidden="true">
              i
            </span>
            {t('reset.emailTipButton')}
          </button>
          <div id={tipId} className="tip" data-testid="email-tip">
            <p>{t('reset.emailTip', { time: formatDateTime(props.completeBy) })}</p>
            <Link
              to={`/users/${encodeURIComponent(props.userId)}`}
              state={{ focus: 'email' }}
              onClick={props.onLeaveToEditEmail}
              data-testid="email-tip-link"
            >
              {t('reset.emailTipLink', { username: props.username })}
            </Link>
          </div>
        </div>
      )}
    </div>
  );
}
