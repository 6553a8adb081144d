/** Stops the server that global-setup started, deleting its data directory. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__testPostgres?.stop();
}
