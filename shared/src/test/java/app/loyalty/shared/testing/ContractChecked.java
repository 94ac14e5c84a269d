package app.loyalty.shared.testing;

import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.runtime.LambdaJson;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * An HTTP handler whose every exchange is checked against openapi.yaml by {@link ContractValidator}. Handler tests
 * build their handler through {@link #handler}, so each request they send and each answer they read is held to the
 * contract; the test that produced a violation fails at the call with every violation of that exchange listed.
 * <pre>{@code
 * handler = ContractChecked.handler(new CardIssuanceHandler(context));
 * }</pre>
 */
public final class ContractChecked {
    private ContractChecked() {
    }

    /**
     * A function as Lambda invokes it: each event goes in as JSON through its stream entry and the answer is read
     * back from the JSON it writes, so every handler test also covers the event parsing and response writing.
     */
    public static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler(ApiFunction function) {
        return handler(function, ContractValidator.repositoryContract());
    }

    public static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler(
            ApiFunction function, ContractValidator contract) {
        return handler(viaStream(function), contract);
    }

    public static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> viaStream(ApiFunction function) {
        return (event, context) -> {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                function.handleRequest(new ByteArrayInputStream(LambdaJson.MAPPER.writeValueAsBytes(event)), out, context);
                return LambdaJson.MAPPER.readValue(out.toByteArray(), APIGatewayV2HTTPResponse.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    public static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler(
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
        return handler(handler, ContractValidator.repositoryContract());
    }

    public static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler(
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler, ContractValidator contract) {
        return (event, context) -> {
            APIGatewayV2HTTPResponse response = handler.handleRequest(event, context);
            assertHolds(contract, exchange(event, response));
            return response;
        };
    }

    /** Fails with every violation of the exchange, so the test that produced it fails where it happened. */
    public static void assertHolds(ContractValidator contract, ContractValidator.Exchange exchange) {
        List<String> violations = contract.violations(exchange);
        if (!violations.isEmpty()) {
            throw new AssertionError("openapi.yaml does not describe this exchange:\n  " + String.join("\n  ", violations));
        }
    }

    /** The exchange as the contract sees it: the route's path template, or the raw path on the $default route. */
    public static ContractValidator.Exchange exchange(APIGatewayV2HTTPEvent event, APIGatewayV2HTTPResponse response) {
        String routeKey = event.getRouteKey();
        String method;
        String path;
        if (routeKey == null || routeKey.equals("$default")) {
            method = event.getRequestContext().getHttp().getMethod();
            path = event.getRawPath();
        } else {
            String[] methodAndPath = routeKey.split(" ", 2);
            method = methodAndPath[0];
            path = methodAndPath[1];
        }
        String body = event.getBody();
        if (body != null && event.getIsBase64Encoded()) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        return new ContractValidator.Exchange(method, path, event.getPathParameters(), body,
                response.getStatusCode(), header(response.getHeaders(), "Content-Type"), response.getBody());
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
