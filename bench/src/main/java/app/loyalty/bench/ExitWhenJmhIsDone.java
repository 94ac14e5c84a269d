package app.loyalty.bench;

/**
 * DynamoDB Local keeps non-daemon threads that only its shutdown hook stops, so a JMH fork that started it would
 * not exit by itself: JMH waits 30 s for stray threads, then halts the VM. JMH's forked main thread returns once
 * it has reported every result, so a watcher that exits the VM when that thread ends costs no result and runs
 * the shutdown hooks (DynamoDbLocal stops cleanly).
 */
final class ExitWhenJmhIsDone {
    private static boolean armed;

    private ExitWhenJmhIsDone() {
    }

    static synchronized void arm() {
        if (armed) {
            return;
        }
        Thread main = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("main")).findFirst().orElse(null);
        if (main == null) {
            return; // not a JMH fork (e.g. run in-process with -f 0): nothing to wait for
        }
        Thread watcher = new Thread(() -> {
            try {
                main.join();
            } catch (InterruptedException e) {
                return;
            }
            System.exit(0);
        }, "exit-when-jmh-is-done");
        watcher.setDaemon(true);
        watcher.start();
        armed = true;
    }
}
