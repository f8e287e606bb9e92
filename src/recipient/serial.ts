// Runs async jobs one at a time. The recipient's state changes (timer ticks,
// inbound messages, RPC calls) each read, decide and persist; running them in
// turn keeps every decision based on the state the previous one left.
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const next = this.tail.then(job, job);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
