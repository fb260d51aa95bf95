/**
 * An error that stops the platform from starting: the message says what is wrong and
 * what to do about it, in one line a person can act on. The CLI prints only the message.
 */
export class StartupError extends Error {
  override name = 'StartupError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A plugin list that cannot be composed: duplicate ids, version ranges, cycles, collisions. */
export class PluginCompositionError extends StartupError {
  override name = 'PluginCompositionError';
}
