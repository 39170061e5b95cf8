export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const USERNAME_RULE_MESSAGE = 'must be 3-64 characters of a-z 0-9 . _ - starting with a letter or digit';
