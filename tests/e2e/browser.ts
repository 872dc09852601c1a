import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

/** Debian's chromium package installs here; `CHROME_PATH` overrides it. */
export const defaultChromiumPath = '/usr/bin/chromium';

export const viewport = { width: 1280, height: 720 } as const;

/** How long clicks, waits and navigations may take before they fail. */
export const actionTimeoutMs = 15_000;

// No browser can be downloaded on this project's machines, so we drive the system Chromium.
// --user-data-dir must not be passed here: launchPersistentContext owns it.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Containers often give /dev/shm only 64 MB; Chromium then crashes tabs under load.
  '--disable-dev-shm-usage',
];

/** The Chromium executable to drive. Throws (never skips) when it is missing. */
export function findChromium(): string {
  const path = process.env['CHROME_PATH'] ?? defaultChromiumPath;
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. Install it with \`apt-get update && apt-get install -y chromium\` ` +
        '(Debian), or point CHROME_PATH at a Chromium/Chrome executable.',
    );
  }
  return path;
}

/** A page with the console errors and uncaught page errors it has produced so far. */
export interface WatchedPage {
  readonly page: Page;
  /** `console.error` messages and resource-load failures, each with its source location. */
  readonly consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections in the page. */
  readonly pageErrors: string[];
}

export interface BrowserSession {
  readonly context: BrowserContext;
  /** Opens a new tab that records its errors, and navigates it to `url` (waits for the load event). */
  openPage(url: string): Promise<WatchedPage>;
  /** Closes the browser and deletes its profile directory. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  readonly colorScheme?: 'light' | 'dark';
}

/** Starts headless Chromium (1280×720) with a fresh profile in a temporary directory. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserSession> {
  const executablePath = findChromium();
  const profileDir = await mkdtemp(join(tmpdir(), 'kube-netviz-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath,
      headless: true,
      viewport,
      colorScheme: options.colorScheme ?? 'light',
      args: chromiumArgs,
    });
    // Fail a missing element in seconds, not after playwright's 30 s default.
    context.setDefaultTimeout(actionTimeoutMs);
  } catch (error) {
    await rm(profileDir, { recursive: true, force: true });
    throw error;
  }

  return {
    context,
    async openPage(url) {
      const page = await context.newPage();
      const watched: WatchedPage = { page, consoleErrors: [], pageErrors: [] };
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        const { url: source, lineNumber } = message.location();
        watched.consoleErrors.push(source ? `${message.text()} (${source}:${lineNumber})` : message.text());
      });
      page.on('pageerror', (error) => {
        watched.pageErrors.push(error.stack ?? error.message);
      });
      await page.goto(url, { waitUntil: 'load' });
      return watched;
    },
    async close() {
      try {
        await context.close();
      } finally {
        await rm(profileDir, { recursive: true, force: true });
      }
    },
  };
}
