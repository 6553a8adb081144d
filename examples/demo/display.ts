import { styleText } from 'node:util';
import type { Snapshot } from './scoreboard';
import { liveBlock, logLine, plain, type Paint } from './status';

/** Where the demo's progress goes. */
export interface Display {
  /** How to color text for this display. */
  readonly paint: Paint;
  /** A line that stays: an event or a result. */
  log(line: string): void;
  /** The latest counters; called about ten times a second. */
  update(snapshot: Snapshot): void;
  /** Clears whatever is live, so that the lines after it print normally. */
  close(): void;
}

/** A redrawn status block on a terminal, plain periodic lines elsewhere (CI logs, pipes). */
export function createDisplay(stream: NodeJS.WriteStream, durationMs: number): Display {
  return stream.isTTY ? new LiveDisplay(stream, durationMs) : new LogDisplay(stream);
}

/** Colors for `stream` when it is a terminal that has them (and NO_COLOR is unset). */
export function paintFor(stream: NodeJS.WriteStream): Paint {
  const colors = stream.isTTY && stream.hasColors() && process.env.NO_COLOR === undefined;
  return colors ? (color, text) => styleText(color, text) : plain;
}

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const CLEAR_TO_END = '\x1b[J';

/** Keeps a few status lines at the bottom of the terminal and prints events above them. */
class LiveDisplay implements Display {
  readonly paint: Paint;
  readonly #stream: NodeJS.WriteStream;
  readonly #durationMs: number;
  #block: string[] = [];
  #drawnLines = 0;
  #frame = 0;

  constructor(stream: NodeJS.WriteStream, durationMs: number) {
    this.#stream = stream;
    this.#durationMs = durationMs;
    this.paint = paintFor(stream);
    stream.write(HIDE_CURSOR);
  }

  log(line: string): void {
    this.#stream.write(`${this.#erase()}${line}\n${this.#draw()}`);
  }

  update(snapshot: Snapshot): void {
    this.#block = liveBlock(snapshot, this.#durationMs, this.#frame++, this.paint);
    this.#stream.write(this.#erase() + this.#draw());
  }

  close(): void {
    this.#block = [];
    this.#stream.write(this.#erase() + SHOW_CURSOR);
  }

  /** Moves back to the first line of the block and clears it all. */
  #erase(): string {
    if (this.#drawnLines === 0) return '';
    const up = this.#drawnLines > 1 ? `\x1b[${this.#drawnLines - 1}A` : '';
    this.#drawnLines = 0;
    return `\r${up}${CLEAR_TO_END}`;
  }

  /** The block without a final newline, each line cut to the width so that none wraps. */
  #draw(): string {
    const width = Math.max(20, (this.#stream.columns || 80) - 1);
    this.#drawnLines = this.#block.length;
    return this.#block.map((line) => fit(line, width)).join('\n');
  }
}

/** Prints events as they happen and the counters every few seconds. */
class LogDisplay implements Display {
  readonly paint = plain;
  readonly #stream: NodeJS.WriteStream;
  #lastPrintedMs = 0;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  log(line: string): void {
    this.#stream.write(`${line}\n`);
  }

  update(snapshot: Snapshot): void {
    if (snapshot.elapsedMs - this.#lastPrintedMs < LOG_INTERVAL_MS) return;
    this.#lastPrintedMs = snapshot.elapsedMs;
    this.log(logLine(snapshot));
  }

  close(): void {}
}

const LOG_INTERVAL_MS = 5_000;

/** Cuts a line to `width` visible characters, leaving color codes intact. */
function fit(line: string, width: number): string {
  let visible = 0;
  let result = '';
  // eslint-disable-next-line no-control-regex -- ANSI color codes start with ESC.
  for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith('\x1b[')) {
      result += part;
      continue;
    }
    const room = width - visible;
    if (room <= 0) continue;
    const chars = [...part];
    result += chars.slice(0, room).join('');
    visible += Math.min(room, chars.length);
  }
  return result;
}
