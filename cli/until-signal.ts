/** Resolves on the first Ctrl-C (SIGINT) or SIGTERM, leaving no handler behind. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      resolve();
    };
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  });
}
