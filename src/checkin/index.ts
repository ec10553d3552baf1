/** Signed check-in links and the one-click check-in page. */
export * from './page';
export * from './token';
