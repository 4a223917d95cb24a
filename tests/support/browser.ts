/**
 * What every browser test does besides driving its page: screenshots into the run's
 * artifacts, axe-core's serious and critical violations, and signing in through identity's
 * form from a page's own sign-in button.
 * @module
 */
import type { Page } from "playwright-core";
import axe from "axe-core";

/** A full-page screenshot `<artifacts>/<name>.png`. */
export async function shot(page: Page, artifacts: string, name: string): Promise<void> {
  await page.screenshot({ path: `${artifacts}/${name}.png`, fullPage: true });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/** axe-core, evaluated through the DevTools protocol (page CSP does not apply to it). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate((source: string) => (0, eval)(source), (axe as { source: string }).source);
  const result = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe.run()
  );
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) =>
      `${v.id}: ${v.nodes.map((n: { target: string[] }) => n.target.join(" ")).join(", ")}`
    );
}

/**
 * From `url`, the page's `#signin-button`, identity's form as `user`, and back at `landing`;
 * resolves when `ready` (a selector) shows.
 */
export async function signInThroughForm(
  page: Page,
  url: string,
  user: { username: string; password: string },
  landing: string,
  ready: string,
): Promise<void> {
  await page.goto(url);
  await page.click("#signin-button");
  await page.fill("input[name=username]", user.username);
  await page.fill("input[name=password]", user.password);
  await Promise.all([page.waitForURL(landing), page.click("button[type=submit]")]);
  await page.waitForSelector(ready);
}
