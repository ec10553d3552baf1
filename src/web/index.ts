/** The HTTP side: health, Utkorg, check-in and the web app. */
export * from './server';
