export const USER_TYPES = ['parent', 'customer', 'supplier', 'employee', 'user'] as const;
export type UserType = (typeof USER_TYPES)[number];
export const LOCALES = ['en', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];
export type ResetMethod = 'random' | 'iqama';
export type ResetStatus = 'pending' | 'completed' | 'superseded' | 'expired';
