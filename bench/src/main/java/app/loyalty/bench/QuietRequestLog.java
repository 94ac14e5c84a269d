package app.loyalty.bench;

import app.loyalty.shared.http.RequestLog;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends the handlers' one-line-per-request log ({@link RequestLog#STDOUT}) to a sink that counts and drops the
 * bytes. The benchmarks still pay for building and serializing the line (real per-request CPU on Lambda too),
 * but not for writing millions of lines through JMH's forwarded stdout, which would measure the terminal.
 * <p>
 * RequestLog.STDOUT captures System.out when its class initializes, so this must run before any handler is
 * built; {@link #install()} checks that it did.
 */
public final class QuietRequestLog {
    private static final AtomicLong BYTES = new AtomicLong();
    private static boolean installed;

    private QuietRequestLog() {
    }

    public static synchronized void install() {
        if (installed) {
            return;
        }
        PrintStream original = System.out;
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                BYTES.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                BYTES.addAndGet(len);
            }
        }, false, StandardCharsets.UTF_8));
        try {
            long before = BYTES.get();
            RequestLog.STDOUT.write(Map.of("probe", "quiet-request-log"));
            RequestLog.STDOUT.hashCode();
            if (BYTES.get() == before) {
                throw new IllegalStateException("RequestLog.STDOUT was initialized before QuietRequestLog.install(): "
                        + "handler logs would flood the benchmark output");
            }
        } finally {
            System.setOut(original);
        }
        installed = true;
    }

    /** Bytes of log lines dropped so far: proof the log line is still built on every request. */
    public static long bytesDropped() {
        return BYTES.get();
    }
}
