export default async function globalTeardown() {
  await globalThis.__gongzhiTestServer?.stop();
}
