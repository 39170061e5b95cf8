import { DomainError } from '@app/core';

/** One body for a missing, invalid, expired or revoked credential: the caller learns nothing more. */
export const unauthenticated = () => new DomainError('unauthenticated', 'UNAUTHENTICATED', 'Authentication is required.');
