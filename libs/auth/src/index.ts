export * from './auth.module';
export * from './auth.errors';
export * from './login-throttle/login-throttle';
