import { useId, type ReactNode } from 'react';

interface ToggleProps {
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
  disabled?: boolean;
  describedBy?: string;
  testId: string;
  children?: ReactNode;
}

/**
 * An on/off switch: a native checkbox with role="switch", so keyboard and
 * screen readers work unchanged. The checkbox lies invisibly over the drawn
 * track, so a click on the switch is a click on the checkbox itself.
 */
export function Toggle({ label, checked, onChange, disabled, describedBy, testId, children }: ToggleProps) {
  const id = useId();
  return (
    <div className={`toggle-row${disabled ? ' is-disabled' : ''}`}>
      <span className="toggle-switch">
        <input
          id={id}
          type="checkbox"
          role="switch"
          className="toggle-input"
          checked={checked}
          disabled={disabled}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.checked)}
          data-testid={testId}
        />
        <span className="toggle-track" aria-hidden="true">
          <span className="toggle-thumb" />
        </span>
      </span>
      <label htmlFor={id} className="toggle-label">
        {label}
      </label>
      {children}
    </div>
  );
}
