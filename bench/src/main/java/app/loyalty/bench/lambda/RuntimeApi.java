package app.loyalty.bench.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The Lambda Runtime API (2018-06-01) for one function process, on loopback: what the runtime interface client talks
 * to on Lambda. Hands out the invocations it is given one at a time, and timestamps (System.nanoTime) what the
 * function does: its first poll for work (init done), its restore poll (SnapStart: priming done), each response.
 * A response is timed when its request arrives, before it is acknowledged, so the function process cannot go on
 * loading classes in between (LambdaReport counts them then).
 */
final class RuntimeApi implements AutoCloseable {
    private static final String PREFIX = "/2018-06-01/runtime/";

    record Answer(String body, long handedOutNanos, long answeredNanos, boolean error) {
        double millis() {
            return (answeredNanos - handedOutNanos) / 1e6;
        }
    }

    private record Invocation(String id, String payload, CompletableFuture<Answer> answer) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "runtime-api");
        thread.setDaemon(true);
        return thread;
    });
    private final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Long> handedOut = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<Long> firstPoll = new CompletableFuture<>();
    private final CompletableFuture<Long> restorePoll = new CompletableFuture<>();
    private final CompletableFuture<String> initError = new CompletableFuture<>();
    private volatile LongConsumer onAnswer = nanos -> { };

    RuntimeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(threads);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** host:port, for AWS_LAMBDA_RUNTIME_API. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Runs when a response arrives, before it is acknowledged (the function waits meanwhile). */
    void onAnswer(LongConsumer action) {
        this.onAnswer = action;
    }

    /** nanoTime of the function's first poll for an invocation: its init (and SnapStart priming) is done. */
    long awaitFirstPoll(long timeoutSeconds) throws Exception {
        return await(firstPoll, timeoutSeconds, "the function's first poll");
    }

    /** nanoTime of the function's restore poll (SnapStart): beforeCheckpoint, i.e. priming, has run. */
    long awaitRestorePoll(long timeoutSeconds) throws Exception {
        return await(restorePoll, timeoutSeconds, "the function's restore poll");
    }

    Answer invoke(String payload, long timeoutSeconds) throws Exception {
        Invocation invocation = new Invocation("req-" + ids.incrementAndGet(), payload, new CompletableFuture<>());
        queue.add(invocation);
        return await(invocation.answer(), timeoutSeconds, "the answer to " + invocation.id());
    }

    private <T> T await(CompletableFuture<T> future, long timeoutSeconds, String what) throws Exception {
        try {
            return CompletableFuture.anyOf(future, initError).thenApply(value -> {
                if (initError.isDone()) {
                    throw new IllegalStateException("The function failed its init: " + initError.join());
                }
                @SuppressWarnings("unchecked") T typed = (T) value;
                return typed;
            }).get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("No " + what + " within " + timeoutSeconds + " s", e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
        String method = exchange.getRequestMethod();
        try (exchange) {
            if (method.equals("GET") && path.equals("invocation/next")) {
                firstPoll.complete(now);
                next(exchange);
            } else if (method.equals("GET") && path.equals("restore/next")) {
                restorePoll.complete(now);
                reply(exchange, 200, "");
            } else if (method.equals("POST") && path.startsWith("invocation/")) {
                String[] parts = path.split("/");
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Invocation invocation = inFlight.remove(parts[1]);
                if (invocation == null) {
                    reply(exchange, 400, "{\"errorMessage\":\"unknown request id\"}");
                    return;
                }
                onAnswer.accept(now);
                invocation.answer().complete(new Answer(body, handedOut.remove(parts[1]), now, parts[2].equals("error")));
                reply(exchange, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("POST") && (path.equals("init/error") || path.equals("restore/error"))) {
                initError.complete(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                reply(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                reply(exchange, 404, "{\"errorMessage\":\"unknown path " + path + "\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        Invocation invocation;
        try {
            invocation = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(exchange, 500, "{\"errorMessage\":\"emulator stopping\"}");
            return;
        }
        inFlight.put(invocation.id(), invocation);
        var headers = exchange.getResponseHeaders();
        headers.add("Lambda-Runtime-Aws-Request-Id", invocation.id());
        headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 60_000));
        headers.add("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:bench");
        headers.add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
        headers.add("Content-Type", "application/json");
        byte[] body = invocation.payload().getBytes(StandardCharsets.UTF_8);
        handedOut.put(invocation.id(), System.nanoTime());
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
