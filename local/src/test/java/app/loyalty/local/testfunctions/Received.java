package app.loyalty.local.testfunctions;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** What the consumer doubles were invoked with; tests take from it with a bounded wait. */
public final class Received<T> {
    private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();

    void add(T event) {
        queue.add(event);
    }

    /** The next invocation's input, waiting at most {@code seconds}; null if none came. */
    public T next(long seconds) throws InterruptedException {
        return queue.poll(seconds, TimeUnit.SECONDS);
    }

    public void clear() {
        queue.clear();
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }
}
